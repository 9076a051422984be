"""Draft mode in the window: a toolbar switch that runs the batch on the cheapest tier of each
job's model family (app/engine/jobs/draft.py), while the rows keep the jobs as written (their
finals).

Each row's cost shows both prices ("$0.10 draft · $0.80 final"), and a job whose model comes in
no cheaper tier says it runs as itself; the status bar totals both. When a batch starts, the
run controller asks ``prepare`` for the drafts (on its pool thread) and ``remember`` keeps the
finals beside the batch, for Promote in review mode. The switch follows the job set's
``draft`` key when one is opened, and is saved with it.
"""

from __future__ import annotations

import json
from decimal import Decimal

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QToolBar

from app.engine.atlas.ladders import Ladders, build_ladders
from app.engine.atlas.pricing import PriceTable, format_money
from app.engine.jobs.draft import DraftJob, draft_job, draft_jobs, finals_meta_key, finals_to_json
from app.engine.jobs.spec import JobSpec, validate_jobs
from app.engine.review.savings import batch_saving
from app.engine.run.planning import InvalidJobsError

UNRUN = ("ready", "invalid")


class DraftMode(QObject):
    toggled = Signal(bool)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.prices = PriceTable.load()
        self._ladders: Ladders | None = None
        self._cache: dict[str, DraftJob | None] = {}
        # Per row: (spec, state, cost, figures). The status bar totals every row on each update
        # during a batch: a row whose spec, state and cost are the same objects is not priced again.
        self._rows: dict[int, tuple] = {}
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
        self._rows.clear()
        model = self.window.model
        if model.rowCount():
            model.dataChanged.emit(model.index(0, 0), model.index(model.rowCount() - 1, model.columnCount() - 1))
        self.window._update_status()

    def ladders(self) -> Ladders:
        catalog = self.window.backend.catalog
        if self._ladders is None or self._ladders.catalog is not catalog:
            self._ladders, self._cache = build_ladders(catalog), {}
        return self._ladders

    # --- what a row shows ---------------------------------------------------------------
    def draft_of(self, spec: JobSpec) -> DraftJob | None:
        """The job's draft, or None while a schema it needs is not loaded (it is asked for)."""
        catalog, ladders = self.window.backend.catalog, self.ladders()
        key = json.dumps([spec.model, spec.inputs], sort_keys=True, default=str)
        if key in self._cache:
            return self._cache[key]
        needed = [m for m in (spec.model, ladders.draft_model(spec.model))
                  if catalog.get(m) is not None and not catalog.get(m).schema_loaded]
        if needed:
            if asked := [m for m in needed if m not in self._failed]:
                self.window.catalogs.ensure_schemas(asked)
            return None
        if catalog.get(spec.model) is None:
            return None
        draft = self._cache[key] = draft_job(spec, catalog, ladders)
        return draft

    def prices_of(self, job) -> tuple[Decimal, Decimal] | None:
        """(draft, final) for a row, or None when they cannot be told yet."""
        known = self._rows.get(id(job))
        if known is not None and known[0] is job.spec and known[1] == job.state and known[2] is job.cost:
            return known[3]
        figures = self._prices_of(job)
        if figures is not None:
            self._rows[id(job)] = (job.spec, job.state, job.cost, figures)
        return figures

    def _prices_of(self, job) -> tuple[Decimal, Decimal] | None:
        if job.cost is None:
            return None
        draft = self.draft_of(job.spec)
        if draft is None:
            return None
        catalog = self.window.backend.catalog
        # The row's own price (a quote, when there is one) is the final's while the job is as written.
        as_written = job.state in UNRUN and draft.final.model == job.spec.model
        final = job.cost.amount if as_written else self.prices.estimate(
            catalog.get(draft.final.model), draft.final.inputs).amount
        if not draft.laddered:
            return final, final
        ran = job.state not in UNRUN and job.state != "queued"
        cheap = job.cost.amount if ran else self.prices.estimate(catalog.get(draft.draft.model),
                                                                 draft.draft.inputs).amount
        return cheap, final

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
        drafts = finals = Decimal(0)
        for job in self.window.jobs.rows:
            figures = self.prices_of(job)
            if figures is not None:
                drafts += figures[0]
                finals += figures[1]
        label.setText(self.tr("total ≈{draft} draft · ≈{final} final").format(draft=format_money(drafts),
                                                                              final=format_money(finals)))

    def _batch_finished(self, _result) -> None:
        """A batch run as drafts (or its promotions) says what it saved in the status bar."""
        controller = self.window.controller
        if controller.store is None or controller.batch is None:
            return
        try:
            saving = batch_saving(controller.store, controller.batch, self.window.backend.catalog, self.prices)
        except Exception:  # noqa: BLE001 - a schema not loaded (a lazy catalog): no figure rather than a wrong one
            return
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

    @staticmethod
    def remember(store, batch: int, drafts: list[DraftJob]) -> None:
        store.set_meta(finals_meta_key(batch), finals_to_json(drafts))
