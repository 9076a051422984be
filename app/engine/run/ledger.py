"""Money spent per day across every batch, for the optional daily cap.

Several processes (the app, a cron run) may spend at once, so updates take a file lock.
Charges are added at submit and removed again when a failed task is refunded.

A batch's job threads add at once, 32 at a time: each add was a lock file opened and locked,
the document read, and a temp file written, fsynced and renamed, one thread after another.
Adds are now written in groups: the thread that finds no write under way writes what every
thread added meanwhile (its own included) in one locked read-modify-write, and the others
return at once. An amount waits for the write under way (or, on a disk so slow that adds keep
coming during every write, for the next add, and at the latest for the batch's ``flush()``);
``today()`` counts it from the moment it is added.
"""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.engine.core.fileio import atomic_write_json

try:
    import fcntl
except ImportError:  # Windows: one writer at a time is the app's own lock
    fcntl = None


GROUP_ROUNDS = 4  # groups one add may write before it leaves the rest to the next add


class SpendLedger:
    KEEP_DAYS = 60

    def __init__(self, path: Path):
        self.path = path
        self._mutex = threading.Lock()
        self._pending: list[Decimal] = []  # added, for the next group's write
        self._unwritten = Decimal(0)  # added by this process and not yet on disk (pending or being written)
        self._writing = False
        self._idle = threading.Condition(self._mutex)  # no write under way

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as lock:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _read(self) -> dict[str, str]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            return dict(document.get("days", {}))
        except (OSError, ValueError, AttributeError):
            return {}

    def today(self) -> Decimal:
        """Today's spend on disk plus what this process added that is still being written (a
        group just written may be counted twice for a moment: the cap errs on the safe side)."""
        with self._mutex:
            unwritten = self._unwritten
        return Decimal(self._read().get(date.today().isoformat(), "0")) + unwritten

    def add(self, amount: Decimal) -> None:
        with self._mutex:
            self._pending.append(amount)
            self._unwritten += amount
            if self._writing:
                return  # the thread writing now writes it next (or the next add, or flush())
            self._writing = True
        self._write_groups(GROUP_ROUNDS)

    def flush(self) -> None:
        """Writes whatever was added and is not on disk yet (the batch's end)."""
        with self._idle:
            self._idle.wait_for(lambda: not self._writing)
            if not self._pending:
                return
            self._writing = True
        self._write_groups(None)

    def _write_groups(self, rounds: int | None) -> None:
        """As the one writer: writes the pending adds, group after group, until none is left or
        ``rounds`` groups were written. On a slow disk the adds made during each write would
        keep one job's thread writing for the whole batch; after its rounds it hands over to
        the next add, and the batch's end flushes what is left."""
        group: list[Decimal] = []
        try:
            while True:
                with self._mutex:
                    group, self._pending = self._pending, []
                    if not group or rounds == 0:
                        self._pending[:0] = group
                        self._writing = False
                        self._idle.notify_all()
                        return
                total = sum(group, Decimal(0))
                self._write(total)
                with self._mutex:
                    self._unwritten -= total
                group = []
                if rounds is not None:
                    rounds -= 1
        except BaseException:
            with self._mutex:  # not written: kept for the next write, and this caller hears why
                self._pending[:0] = group
                self._writing = False
                self._idle.notify_all()
            raise

    def _write(self, amount: Decimal) -> None:
        with self._locked():
            days = self._read()
            key = date.today().isoformat()
            days[key] = str(Decimal(days.get(key, "0")) + amount)
            for old in sorted(days)[:-self.KEEP_DAYS]:
                days.pop(old)
            atomic_write_json(self.path, {"schema_version": 1, "currency": "USD", "days": days})
