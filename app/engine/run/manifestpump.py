"""The one background writer of a running batch's manifest.

Job threads only say "something changed" (``poke``: a counter bump, no lock, no I/O); this
thread decides when the document is rewritten, and the batch's end writes it one last time.
The job store, not the manifest, is the record of truth while a batch runs (a prediction id is
saved there before anyone hears of it), so no change ever has to wait for a rewrite.

A rewrite costs the whole document, so how often it happens decides how the bytes written grow
with the batch. A rewrite is due when ``interval`` has passed and either a share
(1/``REWRITES``) of the batch changed since the last one, or the file is ``max_staleness``
seconds old: a batch of any size is rewritten a bounded number of times for its progress, plus
once per ``max_staleness`` for its length, and a small batch still every ``interval``.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

REWRITES = 12  # mid-batch rewrites for the batch's progress (changes are counted, not jobs)
MAX_STALENESS = 60.0
CHANGES_PER_JOB = 5  # queued, submitting, submitted, running, downloading, done: about five changes each


class ManifestPump:
    def __init__(self, write: Callable[[], object], total_jobs: int, *,
                 interval: float = 0.5, max_staleness: float = MAX_STALENESS,
                 clock: Callable[[], float] = time.monotonic):
        self.write = write  # writes the whole document now (the writer's forced write)
        self.interval = interval
        self.max_staleness = max_staleness
        self.clock = clock
        # Changes between rewrites: a share of what the whole batch will go through.
        self.share = max(1, total_jobs * CHANGES_PER_JOB // REWRITES)
        self._changes = 0
        self._written_at_change = 0
        self._written_at = clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poke(self) -> None:
        """From any thread: something in the batch changed. A racy += may lose a count now and
        then; that only delays a mid-batch rewrite a little, the final one writes everything."""
        self._changes += 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="manifest-writer", daemon=True)
        self._thread.start()

    def due(self) -> bool:
        changed = self._changes - self._written_at_change
        if not changed:
            return False
        age = self.clock() - self._written_at
        if age < self.interval:
            return False
        return changed >= self.share or age >= self.max_staleness

    def write_now(self) -> None:
        """Writes at once, whatever is due (the batch's start and end, a job needing attention)."""
        seen = self._changes
        self.write()
        self._written_at_change, self._written_at = seen, self.clock()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            if self.due():
                self.write_now()

    def stop(self) -> None:
        """Stops the thread; what it has not written yet is for the caller's final write."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def finish(self) -> None:
        """Stops the thread, then writes the final document (on the caller's thread, after every
        job thread ended: nothing is halfway through a change any more)."""
        self.stop()
        self.write_now()
