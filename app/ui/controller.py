"""Runs batches for the window: the engine's BatchRunner on the app's own QThreadPool.

Engine events arrive on worker threads, cross to the GUI thread by one queued signal,
and are applied to the job list in one place (``_on_event``).
"""

from __future__ import annotations

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
        self.out_dir: Path | None = None
        self._row_of: list[int] = []
        self._client = None

    @property
    def running(self) -> bool:
        return self.runner is not None

    def start(self, rows: list[int], out_dir: Path, concurrency: int, limits: TimeLimits,
              max_spend: Decimal | None) -> None:
        """Raises InvalidJobsError (before anything is submitted) when a job is invalid."""
        specs = [self.jobs.rows[r].spec for r in rows]
        quotes = {i: self.jobs.rows[r].cost for i, r in enumerate(rows)
                  if self.jobs.rows[r].cost is not None and self.jobs.rows[r].cost.basis == QUOTE}
        self._client = self.backend.client()
        self.runner = BatchRunner(specs, client=self._client, catalog=self.backend.catalog, out_dir=out_dir,
                                  on_event=self._bridge.event.emit, concurrency=concurrency, quotes=quotes,
                                  limits=limits, timing=self.backend.timing(), max_spend=max_spend,
                                  mode="demo" if self.backend.demo else "live", spawn=self._spawn)
        self.out_dir = out_dir
        self._row_of = list(rows)
        for row in rows:
            self.jobs.rows[row].reset_run_state()
            self.jobs.rows[row].state = "queued"
            self.jobs.rows[row].output_path = None
            self.jobs.changed(row)
        # One thread dispatches, the rest run jobs.
        self.pool.setMaxThreadCount(concurrency + 1)
        task = Task(self.runner.run)
        task.signals.done.connect(self._on_finished)
        task.signals.failed.connect(self._on_crashed)
        self.pool.start(task)
        self.started.emit()

    def _spawn(self, work) -> None:
        self.pool.start(Call(work))

    def cancel(self, row: int | None = None) -> None:
        if self.runner is None:
            return
        if row is None:
            self.runner.cancel()
        elif row in self._row_of:
            self.runner.cancel(self._row_of.index(row))

    def pause(self) -> None:
        if self.runner is not None:
            self.runner.pause()

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)

    def _on_event(self, event: RunEvent) -> None:
        if event.kind == "batch":
            if event.state in ("paused", "stopped"):
                self.halted.emit(event.state, event.message)
            return
        if self.runner is None or event.job_index is None or event.job_index >= len(self._row_of):
            return
        row = self._row_of[event.job_index]
        self.jobs.apply_event(row, event)
        if event.state == "done" and event.output_path and self.out_dir is not None:
            self.jobs.rows[row].output_path = str(self.out_dir / event.output_path)
            self.job_done.emit(row)

    def _on_crashed(self, error: str) -> None:
        self._on_finished(None, error)

    def _on_finished(self, result: BatchResult | None, error: str | None = None) -> None:
        self.runner = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if result is None:
            result = BatchResult("stopped", f"the batch stopped on an internal error: {error}", [], 0.0)
        self.finished.emit(result)
