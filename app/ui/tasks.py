"""Background work on the app's own QThreadPool: a QRunnable with a composed signals QObject."""

from __future__ import annotations

import traceback
from typing import Callable

from PySide6.QtCore import QObject, QRunnable, Signal

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
