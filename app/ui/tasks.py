"""Background work on the app's own QThreadPool: a QRunnable with a composed signals QObject."""

from __future__ import annotations

import time
import traceback
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, QTimer, Signal

from app.engine.atlas.errors import AtlasError


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class Task(QRunnable):
    """Runs ``work`` on a pool thread; its result (or error text) arrives on the GUI thread.

    Connect the signals to methods of long-lived QObjects, not lambdas: a lambda's context
    is this task, and Qt drops queued calls once the pool has deleted it.
    """

    def __init__(self, work: Callable[[], object]):
        super().__init__()
        self.work = work
        self.signals = TaskSignals()

    def run(self) -> None:
        try:
            result = self.work()
        except AtlasError as exc:  # expected trouble (network, key): the receiver says it in words
            self.signals.failed.emit(str(exc))
            return
        except Exception as exc:  # a bug: reported, never lost in a pool thread
            traceback.print_exc()
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(result)


class Call(QRunnable):
    """Fire-and-forget work whose outcome travels by other means (the engine's events)."""

    def __init__(self, work: Callable[[], None]):
        super().__init__()
        self.work = work

    def run(self) -> None:
        self.work()


class SlicedWork(QObject):
    """Python work that must run on the GUI thread (it reads and changes the job list) but is
    too long for one go at 50,000 rows: a generator run a few milliseconds at a time between
    the event loop's other work, so the window keeps painting. Each ``yield`` is a point where
    it may pause; ``finished`` follows the last step, never after ``cancel``."""

    finished = Signal()

    def __init__(self, steps, budget_ms: float = 8.0, parent: QObject | None = None, clock=time.perf_counter):
        super().__init__(parent)
        self._steps = steps
        self._clock = clock
        self._budget = budget_ms / 1000.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run)
        self.active = False

    def start(self) -> None:
        self.active = True
        self._run()

    def cancel(self) -> None:
        self.active = False
        self._timer.stop()
        self._steps.close()

    def _run(self) -> None:
        deadline = self._clock() + self._budget
        for _ in self._steps:
            if self._clock() >= deadline:
                self._timer.start()
                return
        self.active = False
        self.finished.emit()
