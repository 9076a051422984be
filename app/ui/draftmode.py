"""Draft mode in the window: a toolbar switch that runs the batch on the cheapest tier of each
job's model family (app/engine/jobs/draft.py), while the rows keep the jobs as written (their
finals).

Each row's cost shows both prices ("$0.10 draft · $0.80 final"), and a job whose model comes in
no cheaper tier says it runs as itself; the status bar totals both. When a batch starts, the
run controller drafts the batch a slice at a time on the GUI thread (``prepare_in_slices``, when
every schema it needs is loaded; else ``prepare`` on its pool thread) and ``remember`` keeps the
finals beside the batch, for Promote in review mode. The status bar's totals are kept row by
row. The switch follows the job set's ``draft`` key when one is opened, and is saved with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QToolBar

from app.engine.atlas.ladders import Ladders, build_ladders
from app.engine.atlas.pricing import PriceTable, format_money
from app.engine.jobs.checks import ShapeChecks, price_shape
from app.engine.jobs.draft import (DraftJob, draft_job, draft_jobs, finals_meta_key, finals_to_json,
                                   joined_json_objects)
from app.engine.jobs.spec import JobSpec, Problem, chain_problems, validate_jobs
from app.engine.review.savings import batch_saving
from app.engine.run.planning import InvalidJobsError
from app.engine.run.store import JobStore
from app.ui.joblist import SETTLE_ROWS
from app.ui.tasks import Task

UNRUN = ("ready", "invalid")
DRAFT_SLICE_ROWS = 64  # drafting a job reads two schemas and copies its inputs: about 40 us


@dataclass
class PreparedDrafts:
    """What ``DraftMode.prepare_in_slices`` made: the drafts, their problems, the finals' text."""
    drafts: list[DraftJob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    finals_text: str = ""


def _saving_of(folder, batch: int, catalog, prices: PriceTable):
    store = JobStore(folder)
    try:
        return batch_saving(store, batch, catalog, prices)
    except Exception:  # noqa: BLE001 - a schema not loaded (a lazy catalog): no figure rather than a wrong one
        return None
    finally:
        store.close()


class DraftMode(QObject):
    toggled = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.prices = PriceTable.load()
        self._ladders: Ladders | None = None
        self._cache: dict[tuple, DraftJob] = {}
        # Per draft key: its (draft, final) estimates; 50,000 rows of a few kinds price a few.
        self._estimates: dict[tuple, tuple[Decimal, Decimal]] = {}
        # Per row: (spec, state, cost, figures, (key, draft)). A row whose spec, state and cost are
        # the same objects is not priced again, and one whose spec is keeps its draft.
        self._rows: dict[int, tuple] = {}
        # The status bar's two totals are kept row by row, like the list's own counts: a
        # 50,000-job batch changes a few rows between refreshes, and a walk of every row took
        # 40 ms a refresh. Rebuilt when the rows move or what prices them changes.
        self._changes = window.jobs.follow_changes()
        self._counted: dict[int, tuple[Decimal, Decimal]] = {}
        self._sums = (Decimal(0), Decimal(0))
        self._pending: set[int] = set()  # changed rows not read yet (a look reads at most SETTLE_ROWS)
        self._recount = True
        self._failed: set[str] = set()  # schemas that could not be loaded: not asked for on every repaint
        self.action = QAction(self.tr("Draft mode"), window)
        self.action.setObjectName("draft_mode")
        self.action.setCheckable(True)
        # The toolbar is full at the default width: a short label keeps the budget box in sight.
        self.action.setIconText(self.tr("Draft"))
        self.action.setShortcut("Ctrl+Shift+D")
        self.action.setToolTip(self.tr("Run each job on the cheapest tier of its model family, at a draft resolution "
                                       "and length, prompt and seed kept; promote the picks in review "
                                       "(Ctrl+Shift+D)"))
        toolbar = window.findChild(QToolBar, "main_toolbar")
        if toolbar is not None:
            toolbar.insertAction(window.act_run, self.action)
        run_menu = next((owner for owner in window.act_run.associatedObjects() if isinstance(owner, QMenu)), None)
        if run_menu is not None:
            run_menu.insertAction(window.act_run, self.action)
        window.addAction(self.action)
        self.action.toggled.connect(self._toggled)
        window.model.cost_text = self.cost_text
        window.controller.draft = self
        window.catalogs.schemas_loaded.connect(self._schemas_loaded)
        # After the window's own line about the finished batch (connected before this one).
        window.controller.finished.connect(self._batch_finished)

    @property
    def enabled(self) -> bool:
        return self.action.isChecked()

    def set_enabled(self, on: bool) -> None:
        self.action.setChecked(bool(on))

    def _toggled(self, on: bool) -> None:
        self._changed()
        self.toggled.emit(on)
        self.window.statusBar().showMessage(self.tr(
            "Draft mode: each job runs on the cheapest tier of its family first; promote the picks in review.")
            if on else self.tr("Draft mode is off: each job runs on its own model."), 8000)

    def _schemas_loaded(self, model_ids, failures: dict) -> None:
        self._failed.difference_update(model_ids)
        self._failed.update(failures)
        self._changed()

    def _changed(self) -> None:
        self._cache.clear()
        self._estimates.clear()
        self._rows.clear()
        self._recount = True
        model = self.window.model
        if model.rowCount():
            model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))
        self.window._update_status()

    def ladders(self) -> Ladders:
        catalog = self.window.backend.catalog
        if self._ladders is None or self._ladders.catalog is not catalog:
            self._ladders, self._cache, self._estimates = build_ladders(catalog), {}, {}
            self._rows.clear()
            self._recount = True
        return self._ladders

    # --- what a row shows ---------------------------------------------------------------
    def draft_of(self, spec: JobSpec) -> DraftJob | None:
        """The draft of a job priced as this one (its tiers and prices are this job's; its prompt
        and seed are those of the first such job asked about), or None while a schema it needs is
        not loaded (it is asked for)."""
        found = self._keyed_draft(spec)
        return None if found is None else found[1]

    def _keyed_draft(self, spec: JobSpec) -> tuple[tuple, DraftJob] | None:
        catalog, ladders = self.window.backend.catalog, self.ladders()
        # By price shape, not by prompt: 50,000 rows of a few kinds are drafted a few times
        # (drafting each row took most of the 2.8 s the switch took at that size).
        key = price_shape(spec) if isinstance(spec.inputs, dict) else (spec.model, repr(spec.inputs))
        draft = self._cache.get(key)
        if draft is not None:
            return key, draft
        needed = [m for m in (spec.model, ladders.draft_model(spec.model))
                  if catalog.get(m) is not None and not catalog.get(m).schema_loaded]
        if needed:
            if asked := [m for m in needed if m not in self._failed]:
                self.window.catalogs.ensure_schemas(asked)
            return None
        if catalog.get(spec.model) is None:
            return None
        draft = self._cache[key] = draft_job(spec, catalog, ladders)
        return key, draft

    def drafts_ready(self, model_ids: set[str]) -> bool:
        """Whether every schema drafting jobs of these models needs is loaded, so drafting them
        reads no network."""
        catalog, ladders = self.window.backend.catalog, self.ladders()
        for model_id in {m for written in model_ids for m in (written, ladders.draft_model(written),
                                                               ladders.final_model(written))}:
            model = catalog.get(model_id)
            if model is not None and not model.schema_loaded:
                return False
        return True

    def _estimated(self, key: tuple, draft: DraftJob) -> tuple[Decimal, Decimal]:
        known = self._estimates.get(key)
        if known is None:
            catalog = self.window.backend.catalog
            known = self._estimates[key] = (
                self.prices.estimate(catalog.get(draft.draft.model), draft.draft.inputs).amount,
                self.prices.estimate(catalog.get(draft.final.model), draft.final.inputs).amount)
        return known

    def prices_of(self, job) -> tuple[Decimal, Decimal] | None:
        """(draft, final) for a row, or None when they cannot be told yet."""
        known = self._rows.get(id(job))
        same_spec = known is not None and known[0] is job.spec
        if same_spec and known[1] == job.state and known[2] is job.cost:
            return known[3]
        if job.cost is None:
            return None
        found = known[4] if same_spec else self._keyed_draft(job.spec)  # a batch changes states, not specs
        if found is None:
            return None
        figures = self._figures(job, *found)
        self._rows[id(job)] = (job.spec, job.state, job.cost, figures, found)
        return figures

    def _figures(self, job, key: tuple, draft: DraftJob) -> tuple[Decimal, Decimal]:
        cheap_estimate, final_estimate = self._estimated(key, draft)
        # The row's own price (a quote, when there is one) is the final's while the job is as written.
        as_written = job.state in UNRUN and draft.final.model == job.spec.model
        final = job.cost.amount if as_written else final_estimate
        if not draft.laddered:
            return final, final
        ran = job.state not in UNRUN and job.state != "queued"
        return (job.cost.amount if ran else cheap_estimate), final

    def cost_text(self, job) -> str | None:
        """The cost column in draft mode; None leaves the column as it is."""
        if not self.enabled or job.cost is None:
            return None
        figures = self.prices_of(job)
        if figures is None:
            return self.tr("{cost} · draft price loading…").format(cost=job.cost.label())
        draft = self.draft_of(job.spec)
        if not draft.laddered:
            return self.tr("{cost} · no cheaper tier: runs as itself").format(cost=format_money(figures[1]))
        return self.tr("{draft} draft · {final} final").format(draft=format_money(figures[0]),
                                                               final=format_money(figures[1]))

    def show_totals(self, label: QLabel) -> None:
        """The status bar's total, with both prices in draft mode."""
        if not self.enabled:
            return
        drafts, finals = self.totals(exact=not self.window.controller.running)
        label.setText(self.tr("total ≈{draft} draft · ≈{final} final").format(draft=format_money(drafts),
                                                                              final=format_money(finals)))

    def totals(self, exact: bool = True) -> tuple[Decimal, Decimal]:
        """(drafts, finals) over the rows that can be priced, re-reading only the rows changed
        since the last look. Not ``exact`` (while a batch runs): at most SETTLE_ROWS of them per
        look, as the list's own counts do, so a batch's start reaches the totals over a few
        refreshes instead of stalling one."""
        moved, changed = self._changes.take()
        rows, pending = self.window.jobs.rows, self._pending
        if moved or self._recount:
            self._recount, self._counted, self._sums = False, {}, (Decimal(0), Decimal(0))
            pending.clear()
            changed = range(len(rows))
        else:
            pending |= changed
            changed = [pending.pop() for _ in range(len(pending) if exact else min(SETTLE_ROWS, len(pending)))]
        drafts, finals = self._sums
        counted = self._counted
        for index in changed:
            old = counted.pop(index, None)
            if old is not None:
                drafts, finals = drafts - old[0], finals - old[1]
            figures = self.prices_of(rows[index]) if index < len(rows) else None
            if figures is not None:
                counted[index] = figures
                drafts, finals = drafts + figures[0], finals + figures[1]
        self._sums = (drafts, finals)
        return self._sums

    def _batch_finished(self, _result) -> None:
        """A batch run as drafts (or its promotions) says what it saved in the status bar. The
        figure reads every job of the batch (1.9 s at 50,000 on the GUI thread): a pool thread
        works it out, on a connection of its own, since the window may close or move its store."""
        controller = self.window.controller
        if controller.store is None or controller.batch is None:
            return
        folder, batch, catalog, prices = controller.store.folder, controller.batch, self.window.backend.catalog, self.prices
        task = Task(lambda: _saving_of(folder, batch, catalog, prices))
        task.signals.done.connect(self._show_saving)
        controller.pool.start(task)

    def _show_saving(self, saving) -> None:
        if saving is not None:
            bar = self.window.statusBar()
            bar.showMessage(" · ".join(filter(None, [bar.currentMessage(), saving.sentence()])), 20000)

    # --- the run controller's hooks (on its pool thread) ------------------------------------
    def prepare(self, specs: list[JobSpec]) -> list[DraftJob] | None:
        """The drafts of a batch about to start, or None when draft mode is off."""
        if not self.enabled:
            return None
        catalog, ladders = self.window.backend.catalog, self.ladders()
        catalog.ensure_schemas({ladders.draft_model(spec.model) for spec in specs} & set(catalog.models))
        drafts = draft_jobs(specs, catalog, ladders)
        if problems := validate_jobs([d.draft for d in drafts], catalog):
            raise InvalidJobsError(problems)
        return drafts

    def prepare_in_slices(self, specs: list[JobSpec]):
        """``prepare``'s work a few rows at a time on the GUI thread, for a batch whose schemas are
        all loaded (``drafts_ready``): a pool thread drafting 50,000 jobs held the interpreter lock
        against the table's painting. A generator that yields between slices and returns the
        ``PreparedDrafts``. The drafts are checked by shape, so 50,000 drafts of a few kinds cost a
        few schema checks."""
        prepared = PreparedDrafts()
        catalog, ladders = self.window.backend.catalog, self.ladders()
        checks, parts, chained = ShapeChecks(catalog, self.prices), [], False
        for first in range(0, len(specs), DRAFT_SLICE_ROWS):
            drafted = [draft_job(spec, catalog, ladders) for spec in specs[first:first + DRAFT_SLICE_ROWS]]
            for position, made in enumerate(drafted, first):
                prepared.problems.extend(Problem(position, made.draft.name, message)
                                         for message in checks.problems(made.draft))
                chained = chained or bool(made.draft.image_from)
            prepared.drafts.extend(drafted)
            parts.append(finals_to_json(drafted, first))
            yield
        if chained:
            prepared.problems.extend(chain_problems([made.draft for made in prepared.drafts], catalog))
        prepared.finals_text = joined_json_objects(parts)
        return prepared

    @staticmethod
    def remember(store, batch: int, finals_text: str) -> None:
        store.set_meta(finals_meta_key(batch), finals_text)
