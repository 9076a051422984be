"""A clock tests move by hand, so nothing waits on real time."""

from __future__ import annotations

import threading


class ManualClock:
    def __init__(self, start: float = 1000.0):
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Drop-in for time.sleep: time passes at once."""
        self.advance(max(0.0, seconds))
