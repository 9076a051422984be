"""Runs batches for the window: planned here, run by the engine's BatchRunner in a child
process (batchchild.ChildRunner), or on the Celery fleet.

The child process keeps the engine's threads away from the window's: in one process they
compete with the table's repaints for the interpreter lock and the window stutters.
Planning and the store's new rows stay here (on a pool thread), so the rows get their batch
number at once; the child runs the stored batch. BATCH_STUDIO_INPROCESS=1 (or
``in_process=True``) runs the batch on this process's pool instead.

Every batch lives in its output folder's job store, so closing the window, a crash or a
kill loses nothing: reopening the folder follows what was submitted instead of paying for
it again. Engine events arrive on worker threads, cross to the GUI thread by one queued
signal, and are applied to the job list in one place (``_on_event``).
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.engine.core.gcpause import collected_afterwards
from app.engine.run.childproto import ChildConfig, model_document
from app.engine.run import logs
from app.engine.jobs.draft import finals_to_json
from app.engine.jobs.spec import JobSpec, chain_problems, validate_job
from app.engine.atlas.pricing import QUOTE, PriceTable
from app.engine.atlas.secrets import webhook_secret
from app.engine.run.webhooks import WebhookSender
from app.engine.run.records import JobState, RunEvent
from app.engine.run.planning import InvalidJobsError, plan_batch, plan_resume, queued_records
from app.engine.run.reconcile import RecoveryPolicy, pending_key
from app.engine.run.runner import BatchPlan, BatchResult, BatchRunner, Connections, Limits, TimeLimits
from app.engine.run.store import JobStore
from app.engine.jobs.recipes import RecipePolicy
from app.ui.backend import Backend
from app.ui.batchchild import ChildRunner
from app.ui.joblist import HELD_MESSAGE, JobList
from app.ui.tasks import Call, SlicedWork, Task

# Kept in manifests like the engine's own reasons: English on disk, translated when shown.
REOPENED_PAUSED = ("a reopened batch starts paused: jobs that were already submitted are being checked and "
                   "downloaded, nothing new is submitted. Press Run to continue the queue")
# {}: the exit status and the child's last words (its log is .batch-studio/batch-child.log).
BATCH_PROCESS_LOST = "the batch process ended unexpectedly ({}); what it did is kept: reopen the folder to continue"
# {}: why the system would not run it (a missing executable, a refused permission).
BATCH_PROCESS_NOT_STARTED = ("the batch process could not start ({}); its jobs are still queued in the folder: "
                             "press Run or reopen the folder to try again")
# Closing the window while a big batch was still being readied, before anything was stored.
NEVER_STARTED = "the window closed before the batch was stored: nothing was submitted"
IN_PROCESS_VARIABLE = "BATCH_STUDIO_INPROCESS"

SLICE_ROWS = 256  # rows readied or planned between looks at the clock while a batch starts


def _raise(error: Exception):
    raise error


class _Bridge(QObject):
    event = Signal(object)


class RunController(QObject):
    started = Signal()
    finished = Signal(object)  # BatchResult
    halted = Signal(str, str)  # "paused" or "stopped", reason: while the batch drains
    job_done = Signal(int)  # a row finished with an output
    throttled = Signal(str)

    def __init__(self, jobs: JobList, backend: Backend, parent=None, *, in_process: bool | None = None):
        super().__init__(parent)
        # A fallback kept selectable: the batch's engine threads in this process.
        self.in_process = os.environ.get(IN_PROCESS_VARIABLE) == "1" if in_process is None else in_process
        self.jobs = jobs
        self.backend = backend
        self.pool = QThreadPool(self)
        self._bridge = _Bridge(self)
        self._bridge.event.connect(self._on_event)
        self.runner: BatchRunner | ChildRunner | None = None
        self._active = False
        self._cancel_requested = False
        self._preparing: SlicedWork | None = None  # a batch's rows being readied, before it launches
        self._lock = threading.Lock()
        self.out_dir: Path | None = None
        self.store: JobStore | None = None
        self.batch: int | None = None
        self._stored_batch: int | None = None  # written to the store by the batch being launched
        self._row_of: dict[int, int] = {}
        self._client = None
        self.daily_cap: Decimal | None = None
        self.resubmit_lost = True  # settings: resubmit once a lost submit the history shows was never created
        self.webhook_url: str | None = None
        self.executor = "local"  # or "celery": the jobs run on the fleet, events come back here
        self.recipes = RecipePolicy()  # what goes into each output file (the window sets it from the settings)
        self.prompts_as_written: dict[str, str] = {}  # prompt help's originals by job name (set by the window)
        self._webhook: WebhookSender | None = None
        self._event_handler = None
        self.draft = None  # the window's draft mode (app/ui/draftmode.py): swaps jobs for drafts at start

    @property
    def running(self) -> bool:
        return self._active

    # --- the folder's store -------------------------------------------------------------
    def _open_store(self, folder: Path) -> JobStore:
        if self.store is not None and self.store.folder == folder:
            return self.store
        self.close_store()
        self.store = JobStore(folder)
        return self.store

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store, self.batch = None, None

    @staticmethod
    def unfinished_in(folder: Path) -> int:
        if not JobStore.exists(folder):
            return 0
        store = JobStore(folder)
        try:
            return store.unfinished()
        finally:
            store.close()

    def session_unfinished(self, folder: Path) -> bool:
        """Whether Run should continue this folder's stored batch rather than start one."""
        return (self.store is not None and self.store.folder == folder and self.batch is not None
                and self.store.unfinished() > 0)

    # --- starting ----------------------------------------------------------------------
    def start(self, rows: list[int], out_dir: Path, concurrency: int, limits: TimeLimits,
              max_spend: Decimal | None) -> None:
        """A new batch of these rows. Returns at once: the rows are readied (and, for a batch run
        in a child process, planned and encoded for the store) a slice at a time between the
        window's repaints, since 50,000 rows are seconds of Python, and only the store's insert
        runs on a pool thread. A pool thread doing that Python instead held the interpreter lock
        against every cell the table painted. The batch is planned from the rows as the cost
        service already checked and priced them (only how they chain is checked again)."""
        self._active, self._cancel_requested = True, False  # the controls know at once
        self._preparing = SlicedWork(
            collected_afterwards(self._start_in_slices(rows, out_dir, concurrency, limits, max_spend)), parent=self)
        self._preparing.start()

    def _start_in_slices(self, rows: list[int], out_dir: Path, concurrency: int, limits: TimeLimits,
                         max_spend: Decimal | None):
        jobs, catalog, originals = self.jobs.rows, self.backend.catalog, self.prompts_as_written
        batch_names = None  # made on the first chained row: _standalone asks whether its parent runs too
        specs, rewritten, quotes, held = [], [], {}, []
        for first in range(0, len(rows), SLICE_ROWS):
            chunk = rows[first:first + SLICE_ROWS]
            for position, row in enumerate(chunk, first):
                job = jobs[row]
                spec = job.spec
                if spec.image_from:
                    batch_names = batch_names or {jobs[r].spec.name for r in rows}
                    spec = self._standalone(spec, batch_names)
                    if spec is not job.spec:
                        rewritten.append(position)  # now names its parent's file: the cost service has not seen it
                # Prompt help's originals travel with each job to the store, the manifest and the recipes.
                if originals.get(spec.name) != spec.prompt_as_written:
                    spec = replace(spec, prompt_as_written=originals.get(spec.name))
                specs.append(spec)
                if job.cost is not None and job.cost.basis == QUOTE:
                    quotes[position] = job.cost
                if job.paused:
                    held.append(position)
                job.reset_run_state()
                job.state, job.output_path, job.output_paths = "queued", None, ()
                job.batch_key = (out_dir, None, position)  # the store numbers the batch; filled in at the end
            self.jobs.changed_rows(chunk)
            yield
        mode, in_child, draft = self._mode(), self._runs_in_child(), self.draft
        on_event = self._prepare_events()
        budgets, connections = self._limits(concurrency, limits, max_spend), None if in_child else self._connections()
        row_of = {position: row for position, row in enumerate(rows)}

        drafting = draft is not None and draft.enabled
        if in_child and (not drafting or draft.drafts_ready({spec.model for spec in specs})):
            # Planned and encoded here, a slice at a time; the pool thread only inserts the rows.
            problems = [p for i in rewritten for p in validate_job(specs[i], catalog, i)]
            problems += chain_problems(specs, catalog) if batch_names else []
            if problems:
                self._launch(out_dir, lambda: _raise(InvalidJobsError(problems)), concurrency, in_child, row_of=row_of)
                return
            yield
            finals_text = None
            if drafting:
                prepared = yield from draft.prepare_in_slices(specs)
                if prepared.problems:
                    self._launch(out_dir, lambda: _raise(InvalidJobsError(prepared.problems)), concurrency, in_child,
                                 row_of=row_of)
                    return
                # The drafts run; the rows' quotes priced the finals, so none carries over.
                specs, quotes, finals_text = [made.draft for made in prepared.drafts], {}, prepared.finals_text
            prices, encoded, models, held_positions = PriceTable.load(), [], {}, set(held)
            for first in range(0, len(specs), SLICE_ROWS):
                for record in queued_records(specs[first:first + SLICE_ROWS], catalog, prices=prices,
                                             quotes=quotes, first=first):
                    record.paused = record.index in held_positions
                    models.setdefault(record.model.model_id, record.model)
                    encoded.append(JobStore.row_values(record))
                yield

            def insert_and_start() -> ChildRunner:
                store = self._open_store(out_dir)  # creating it and inserting mean fsyncs: off the GUI thread
                self.batch = self._stored_batch = store.new_batch_rows(encoded)
                if finals_text is not None:
                    draft.remember(store, self.batch, finals_text)
                return self._child_runner(out_dir, store, models.values(), budgets, on_event, held=held)

            self._launch(out_dir, insert_and_start, concurrency, in_child, row_of=row_of)
            return

        def build() -> BatchRunner | ChildRunner:
            if problems := [p for i in rewritten for p in validate_job(specs[i], catalog, i)]:
                raise InvalidJobsError(problems)
            drafts = draft.prepare(specs) if draft is not None else None  # the rows' quotes price finals
            records = plan_batch([d.draft for d in drafts] if drafts else specs, catalog,
                                 quotes=None if drafts else quotes, validated=True)
            for position in held:
                records[position].paused = True
            # Creating the store and the batch's rows means fsyncs: never on the GUI thread.
            store = self._open_store(out_dir)
            self.batch = self._stored_batch = store.new_batch(records)
            if drafts:
                draft.remember(store, self.batch, finals_to_json(drafts))
            if in_child:
                models = {record.model.model_id: record.model for record in records}.values()
                return self._child_runner(out_dir, store, models, budgets, on_event, held=held)
            runner = BatchRunner(BatchPlan(records, out_dir, mode), budgets, io=replace(connections, store=store))
            for position in held:
                runner.pause_job(position, True)
            return runner

        self._launch(out_dir, build, concurrency, in_child, row_of=row_of)

    def _standalone(self, spec: JobSpec, batch_names: set[str]) -> JobSpec:
        """A chained job whose parent already finished in an earlier batch starts from the
        parent's downloaded file instead (it is uploaded once at submit)."""
        if not spec.image_from or spec.image_from in batch_names:
            return spec
        parent = next((job for job in self.jobs.rows if job.spec.name == spec.image_from and job.output_path), None)
        model = self.backend.catalog.get(spec.model)
        # Reading an unloaded schema would fetch it here, on the GUI thread.
        if parent is None or model is None or not model.schema_loaded or not model.image_fields():
            return spec  # validation explains what is missing
        return replace(spec, image_from=None, inputs={**spec.inputs, model.image_fields()[0]: parent.output_path})

    def continue_batch(self, out_dir: Path, concurrency: int, limits: TimeLimits, max_spend: Decimal | None,
                       paused_reason: str | None = None) -> None:
        """Continues the folder's stored batch: submitted jobs are followed, never resubmitted."""
        store = self._open_store(out_dir)
        self._sync_queue_to_store()
        catalog, mode = self.backend.catalog, self._mode()
        in_child = self._runs_in_child()
        on_event = self._prepare_events()
        budgets, connections = self._limits(concurrency, limits, max_spend), None if in_child else self._connections()

        def build() -> BatchRunner | ChildRunner:
            if in_child:
                # The child plans the resume itself (plan_resume); it needs only the models.
                used = {stored.spec.model for stored in store.load()}
                catalog.ensure_schemas(used & set(catalog.models))  # network I/O at worst: a pool thread
                models = [catalog.get(model_id) for model_id in sorted(used) if model_id in catalog]
                return self._child_runner(out_dir, store, models, budgets, on_event, paused_reason=paused_reason)
            records = plan_resume(store, catalog, out_dir)
            runner = BatchRunner(BatchPlan(records, out_dir, mode), budgets, io=replace(connections, store=store))
            if paused_reason:
                runner.pause(paused_reason)
            return runner

        for job in self.jobs.rows:
            if job.batch_key and job.batch_key[:2] == (out_dir, self.batch) and job.state in ("queued", "cancelled"):
                job.retrying, job.message = False, ""
        self._launch(out_dir, build, concurrency, in_child)

    def reopen(self, folder: Path, concurrency: int, limits: TimeLimits, *,
               paused_reason: str | None = REOPENED_PAUSED, max_spend: Decimal | None = None) -> int:
        """Shows a folder's stored batch and starts it paused (unpaused with ``paused_reason=None``:
        the review's re-rolls run at once). Returns how many jobs it holds."""
        store = self._open_store(folder)
        stored = store.load()
        self.batch = stored[0].batch if stored else None
        self.jobs.replace_all([job.spec for job in stored])
        for row, job in enumerate(stored):
            view = self.jobs.rows[row]
            view.state = job.state.value
            view.prediction_id, view.error, view.paused = job.prediction_id, job.error, job.paused
            view.cost = job.quote or job.estimate
            view.batch_key = (folder, job.batch, job.position)
            view.progress = 1.0 if job.state == JobState.DONE else None
            if job.files:
                view.output_path = str(folder / job.files[0].path)
                view.output_paths = tuple(str(folder / output.path) for output in job.files)
        if stored and any(not job.state.is_terminal for job in stored):
            self.continue_batch(folder, concurrency, limits, max_spend, paused_reason=paused_reason)
        self.out_dir = folder
        return len(stored)

    def _mode(self) -> str:
        return "demo" if self.backend.demo else "live"

    def _limits(self, concurrency: int, limits: TimeLimits, max_spend: Decimal | None) -> Limits:
        return Limits(concurrency=concurrency, time=limits, max_spend=max_spend, daily_cap=self.daily_cap,
                      recovery=RecoveryPolicy(resubmit=self.resubmit_lost))

    def _runs_in_child(self) -> bool:
        # The fleet's coordinator is light (it waits on the broker): it stays in this process.
        return self.executor == "local" and not self.in_process

    def _prepare_events(self):
        """Where the batch about to start reports: the window (by the bridge), the log and the
        webhook, all from the thread that hears of the event. The webhook lives until the batch
        finishes."""
        self._webhook = WebhookSender(self.webhook_url, webhook_secret()) if self.webhook_url else None
        handlers = [self._bridge.event.emit, logs.log_event] + ([self._webhook.on_event] if self._webhook else [])

        def on_event(event: RunEvent) -> None:
            # On a worker thread: the log and the webhook queue never touch the GUI thread.
            for handler in handlers:
                handler(event)

        self._event_handler = on_event
        return on_event

    def _connections(self) -> Connections:
        """For a batch run in this process, without its store (opened off the GUI thread); the
        client lives until the batch finishes."""
        self._client = self.backend.client()
        return Connections(client=self._client, ledger=self.backend.ledger(), on_event=self._event_handler,
                           spawn=self._spawn, timing=self.backend.timing(), recipes=self.recipes)

    def _child_runner(self, out_dir: Path, store: JobStore, models, budgets: Limits, on_event, *,
                      paused_reason: str | None = None, held=()) -> ChildRunner:
        """The stored batch ``self.batch`` as a child process runs it (on a pool thread: the
        timing model reads its history). The child learns timings and counts the day's spend
        in the same files as this process would."""
        backend = self.backend
        timing = backend.timing()
        config = ChildConfig(out_dir, self.batch, backend.base_url, backend.demo, self._mode(), budgets,
                             ledger_path=backend.ledger().path, timing_path=timing.history_path,
                             timing_scale=timing.scale, paused_reason=paused_reason, held=tuple(held),
                             models=tuple(model_document(model) for model in models), recipes=self.recipes)
        return ChildRunner(config, store=store, on_event=on_event, env=backend.process_environment(),
                           lost_reason=BATCH_PROCESS_LOST, unstarted_reason=BATCH_PROCESS_NOT_STARTED,
                           with_records=False)

    def _launch(self, out_dir: Path, build, concurrency: int, in_child: bool,
                row_of: dict[int, int] | None = None) -> None:
        runner_catalog = self.backend.catalog
        self._preparing = None
        if not self._active:  # else a batch whose rows were readied in slices: a cancel meanwhile stands
            self._cancel_requested = False
        self._active = True
        self._stored_batch = None
        self.out_dir = out_dir
        self._row_of = row_of if row_of is not None else {
            job.batch_key[2]: row for row, job in enumerate(self.jobs.rows)
            if job.batch_key and job.batch_key[:2] == (out_dir, self.batch)}

        executor, on_event = self.executor, self._event_handler

        def build_and_run() -> BatchResult:
            runner = build()
            if executor == "celery":
                from app.distributed.coordinator import run_distributed

                return run_distributed(runner, store=runner.io.store, catalog=runner_catalog,
                                       base_url=runner.io.client.base_url, on_event=on_event, demo=self.backend.demo,
                                       time_scale=1.0 / self.backend.demo_speed if self.backend.demo else 1.0)
            with self._lock:
                self.runner = runner
                cancelled = self._cancel_requested
            if cancelled:
                runner.cancel()
            return runner.run()

        # In this process, one thread dispatches and the rest run jobs (twice the slots: a job
        # gives its slot back before it downloads); a child needs one to follow it (and one for
        # the webhook's last retries).
        self.pool.setMaxThreadCount(2 if in_child else 2 * concurrency + 1)
        task = Task(build_and_run)
        task.signals.done.connect(self._on_finished)
        task.signals.failed.connect(self._on_crashed)
        self.pool.start(task)
        self.started.emit()

    def _sync_queue_to_store(self) -> None:
        """What the user changed between runs (row order, holds) becomes the stored queue."""
        if self.store is None or self.batch is None:
            return
        for row, job in enumerate(self.jobs.rows):
            if job.batch_key and job.batch_key[:2] == (self.store.folder, self.batch) and job.state == "queued":
                self.store.update(self.batch, job.batch_key[2], queue_order=float(row), paused=job.paused)

    def _spawn(self, work) -> None:
        self.pool.start(Call(work))

    # --- control -----------------------------------------------------------------------
    def _index_of(self, row: int) -> int | None:
        key = self.jobs.rows[row].batch_key
        return key[2] if key and self.batch is not None and key[1] in (self.batch, None) else None

    def cancel(self, row: int | None = None) -> None:
        with self._lock:
            if self.runner is None:
                self._cancel_requested = self._active and row is None
                return
        index = None if row is None else self._index_of(row)
        if row is None or index is not None:
            self.runner.cancel(index)

    def detach(self) -> None:
        """For closing the window: stop without cancelling; the folder can be reopened."""
        if self._preparing is not None:  # nothing stored or sent yet: the batch simply never starts
            self._preparing.cancel()
            self._preparing = None
            self._on_finished(BatchResult("stopped", NEVER_STARTED, [], 0.0))
            return
        with self._lock:
            runner = self.runner
            if runner is None:
                self._cancel_requested = self._active
                return
        runner.detach()
        if isinstance(runner, ChildRunner):
            runner.wait_for_exit()  # bounded: a child stuck in a transfer is ended (the store has it all)

    def pause(self) -> None:
        runner = self.runner
        if runner is not None:
            runner.pause()

    def hold(self, row: int, held: bool) -> None:
        job = self.jobs.rows[row]
        job.paused = held
        job.message = HELD_MESSAGE if held else ""
        self.jobs.changed(row)
        index, runner = self._index_of(row), self.runner
        if runner is not None and index is not None:
            runner.pause_job(index, held)

    def move(self, row: int, where: str) -> None:
        index, runner = self._index_of(row), self.runner
        if runner is not None and index is not None:
            runner.move(index, where)

    def decide(self, row: int, choice: str) -> None:
        """The user's answer for a job that needs attention: check again, resubmit, or drop."""
        job, index = self.jobs.rows[row], self._index_of(row)
        if self.running or self.store is None or index is None:
            return
        if choice == "check" and job.prediction_id:
            self.store.update(self.batch, index, state=JobState.SUBMITTED, error=None)
            job.state, job.error = "submitted", None
        elif choice == "resubmit":
            # The user's decision, made after seeing the cost: sent anew, not looked up again.
            self.store.delete_meta(pending_key(self.batch, index))
            self.store.update(self.batch, index, state=JobState.QUEUED, prediction_id=None, error=None)
            job.state, job.error, job.prediction_id = "queued", None, None
        elif choice == "drop":
            self.store.update(self.batch, index, state=JobState.CANCELLED, error="dropped by the user")
            job.state, job.error = "cancelled", "dropped by the user"
        self.jobs.changed(row)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    # --- events ------------------------------------------------------------------------
    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "batch":
            if event.state in ("paused", "stopped"):
                self.halted.emit(event.state, event.message)
            elif event.state == "throttled":
                self.throttled.emit(event.message)
            return
        row = self._row_of.get(event.job_index) if self._active else None
        if row is None or row >= len(self.jobs):
            return
        self.jobs.apply_event(row, event)
        if event.state == "done" and event.output_path and self.out_dir is not None:
            self.jobs.rows[row].output_path = str(self.out_dir / event.output_path)
            self.jobs.rows[row].output_paths = tuple(str(self.out_dir / path)
                                                     for path in self._output_files(event.job_index))
            self.job_done.emit(row)

    def _output_files(self, index: int) -> list[str]:
        """Every output of a finished job (the event names the first), relative to the folder."""
        runner = self.runner
        if isinstance(runner, ChildRunner):
            return runner.output_files(index)  # reported with "done"
        # The runner's record has them all (written before "done").
        records = runner.records if runner else []
        # Planned in position order, so the index finds it at once; a search only if that ever changes.
        record = records[index] if 0 <= index < len(records) and records[index].index == index else next(
            (r for r in records if r.index == index), None)
        return [output.path for output in record.files] if record is not None else []

    def _on_crashed(self, error: str) -> None:
        self._on_finished(None, error)

    def _on_finished(self, result: BatchResult | None, error: str | None = None) -> None:
        with self._lock:
            self.runner = None
        self._active = False
        out_dir = self.out_dir
        for job in self.jobs.rows:
            key = job.batch_key  # the very folder object the start gave it, as a rule: no path compare then
            if key and key[1] is None and (key[0] is out_dir or key[0] == out_dir):
                # Whether the batch reached the store, not whether it ran: stored rows wait there
                # to be run, and a row without its key could never be matched to them again.
                stored = self._stored_batch
                job.batch_key = (out_dir, stored, key[2]) if stored is not None else None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._webhook is not None:
            webhook, self._webhook = self._webhook, None
            self.pool.start(Call(webhook.close))  # its last retries must not hold the window
        if result is None:
            reason = f"the batch stopped on an internal error: {error}"  # English on disk; shown translated
            result = BatchResult("stopped", reason, [], 0.0)
        self.finished.emit(result)
