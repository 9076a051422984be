"""Runs batches for the window: the engine's BatchRunner on the app's own QThreadPool.

Engine events arrive on worker threads, cross to the GUI thread by one queued signal,
and are applied to the job list in one place (``_on_event``).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.engine.pricing import QUOTE
from app.engine.records import RunEvent
from app.engine.runner import BatchResult, BatchRunner, TimeLimits
from app.ui.backend import Backend
from app.ui.joblist import JobList
from app.ui.tasks import Call, Task


class _Bridge(QObject):
    event = Signal(object)


class RunController(QObject):
    started = Signal()
    finished = Signal(object)  # BatchResult
    halted = Signal(str, str)  # "paused" or "stopped", reason: while the batch drains
    job_done = Signal(int)  # a row finished with an output

    def __init__(self, jobs: JobList, backend: Backend, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.backend = backend
        self.pool = QThreadPool(self)
        self._bridge = _Bridge(self)
        self._bridge.event.connect(self._on_event)
        self.runner: BatchRunner | None = None
        self._active = False
        self._cancel_requested = False
        self._lock = threading.Lock()
        self.out_dir: Path | None = None
        self._row_of: list[int] = []
        self._client = None

    @property
    def running(self) -> bool:
        return self._active

    def start(self, rows: list[int], out_dir: Path, concurrency: int, limits: TimeLimits,
              max_spend: Decimal | None) -> None:
        """Starts at once; the runner is built (and the jobs validated again) on a pool thread
        so a big batch never blocks the window. An invalid job ends the run before any submit."""
        specs = [self.jobs.rows[r].spec for r in rows]
        quotes = {i: self.jobs.rows[r].cost for i, r in enumerate(rows)
                  if self.jobs.rows[r].cost is not None and self.jobs.rows[r].cost.basis == QUOTE}
        self._client = self.backend.client()
        self._active = True
        self._cancel_requested = False
        self.out_dir = out_dir
        self._row_of = list(rows)
        for row in rows:
            job = self.jobs.rows[row]
            job.reset_run_state()
            job.state = "queued"
            job.output_path = None
            self.jobs.changed(row)
        client, catalog, timing = self._client, self.backend.catalog, self.backend.timing()
        mode = "demo" if self.backend.demo else "live"

        def build_and_run() -> BatchResult:
            runner = BatchRunner(specs, client=client, catalog=catalog, out_dir=out_dir,
                                 on_event=self._bridge.event.emit, concurrency=concurrency, quotes=quotes,
                                 limits=limits, timing=timing, max_spend=max_spend, mode=mode, spawn=self._spawn)
            with self._lock:
                self.runner = runner
                cancelled = self._cancel_requested
            if cancelled:
                runner.cancel()
            return runner.run()

        # One thread dispatches, the rest run jobs.
        self.pool.setMaxThreadCount(concurrency + 1)
        task = Task(build_and_run)
        task.signals.done.connect(self._on_finished)
        task.signals.failed.connect(self._on_crashed)
        self.pool.start(task)
        self.started.emit()

    def _spawn(self, work) -> None:
        self.pool.start(Call(work))

    def cancel(self, row: int | None = None) -> None:
        with self._lock:
            if self.runner is None:
                self._cancel_requested = self._active and row is None
                return
        if row is None:
            self.runner.cancel()
        elif row in self._row_of:
            self.runner.cancel(self._row_of.index(row))

    def pause(self) -> None:
        runner = self.runner
        if runner is not None:
            runner.pause()

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "batch":
            if event.state in ("paused", "stopped"):
                self.halted.emit(event.state, event.message)
            return
        if not self._active or event.job_index is None or event.job_index >= len(self._row_of):
            return
        row = self._row_of[event.job_index]
        self.jobs.apply_event(row, event)
        if event.state == "done" and event.output_path and self.out_dir is not None:
            self.jobs.rows[row].output_path = str(self.out_dir / event.output_path)
            self.job_done.emit(row)

    def _on_crashed(self, error: str) -> None:
        self._on_finished(None, error)

    def _on_finished(self, result: BatchResult | None, error: str | None = None) -> None:
        with self._lock:
            self.runner = None
        self._active = False
        if self._client is not None:
            self._client.close()
            self._client = None
        if result is None:
            result = BatchResult("stopped", f"the batch stopped on an internal error: {error}", [], 0.0)
        self.finished.emit(result)
