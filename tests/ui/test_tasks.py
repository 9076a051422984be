"""SlicedWork: long GUI-thread work cut into slices with the event loop running between them."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QTimer

from app.ui.tasks import SlicedWork


def test_sliced_work_lets_the_event_loop_run_between_slices_and_finishes_once(qtbot):
    ticks = itertools.count()
    clock = lambda: next(ticks) / 1000  # every look at the clock is a millisecond later
    log: list[str] = []

    def steps():
        for step in range(40):
            log.append(f"step {step}")
            yield

    work = SlicedWork(steps(), budget_ms=8, clock=clock)
    QTimer.singleShot(0, lambda: log.append("event loop"))
    with qtbot.waitSignal(work.finished, timeout=5000):
        work.start()
    assert [entry for entry in log if entry.startswith("step")] == [f"step {n}" for n in range(40)]
    first_break = log.index("event loop")
    assert 0 < first_break < 40, "the first slice should have yielded to the event loop"
    assert not work.active


def test_a_cancelled_sliced_work_stops_and_never_finishes(qtbot):
    ticks = itertools.count()
    done: list[int] = []

    def steps():
        for step in range(1000):
            done.append(step)
            yield

    work = SlicedWork(steps(), budget_ms=4, clock=lambda: next(ticks) / 1000)
    finished: list[bool] = []
    work.finished.connect(lambda: finished.append(True))
    work.start()
    reached = len(done)
    work.cancel()
    turns: list[int] = []

    def turn():  # five turns of the event loop, each after the last: a slice would have run by then
        turns.append(1)
        if len(turns) < 5:
            QTimer.singleShot(0, turn)

    QTimer.singleShot(0, turn)
    qtbot.waitUntil(lambda: len(turns) == 5, timeout=5000)
    assert len(done) == reached < 1000 and not finished and not work.active
