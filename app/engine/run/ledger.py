"""Money spent per day across every batch, for the optional daily cap.

Several processes (the app, a cron run) may spend at once, so updates take a file lock.
Charges are added at submit and removed again when a failed task is refunded.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from app.engine.core.fileio import atomic_write_json

try:
    import fcntl
except ImportError:  # Windows: one writer at a time is the app's own lock
    fcntl = None


class SpendLedger:
    KEEP_DAYS = 60

    def __init__(self, path: Path):
        self.path = path

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
        return Decimal(self._read().get(date.today().isoformat(), "0"))

    def add(self, amount: Decimal) -> Decimal:
        with self._locked():
            days = self._read()
            key = date.today().isoformat()
            days[key] = str(Decimal(days.get(key, "0")) + amount)
            for old in sorted(days)[:-self.KEEP_DAYS]:
                days.pop(old)
            atomic_write_json(self.path, {"schema_version": 1, "currency": "USD", "days": days})
            return Decimal(days[key])
