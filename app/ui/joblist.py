"""The job list as a plain Python object (no Qt): the table model only adapts it.

Structural changes are announced to one listener around the change, in the order a
QAbstractItemModel needs (begin before, end after).
"""

from __future__ import annotations

import copy
import time
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Protocol

from app.engine.jobs.spec import JobSpec
from app.engine.atlas.pricing import Cost
from app.engine.run.records import RunEvent

# A held row's message; the table shows it in the interface language.
HELD_MESSAGE = "held back: not submitted until released"


class ListListener(Protocol):
    def begin_insert(self, first: int, last: int) -> None: ...
    def end_insert(self) -> None: ...
    def begin_remove(self, first: int, last: int) -> None: ...
    def end_remove(self) -> None: ...
    def begin_reset(self) -> None: ...
    def end_reset(self) -> None: ...
    def row_changed(self, row: int) -> None: ...


@dataclass
class JobRow:
    spec: JobSpec
    state: str = "ready"  # ready | invalid | an engine JobState value
    progress: float | None = None
    retrying: bool = False
    message: str = ""
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    cost: Cost | None = None
    prediction_id: str | None = None
    output_path: str | None = None  # absolute; the first output
    output_paths: list[str] = field(default_factory=list)  # absolute; every output (num_images, max_images)
    started_at: float | None = None
    finished_at: float | None = None
    # (folder, batch, position) of this job in an output folder's store, once it has run.
    batch_key: tuple | None = None
    paused: bool = False

    @property
    def elapsed(self) -> float | None:
        if self.started_at is None:
            return None
        return (self.finished_at or time.monotonic()) - self.started_at

    @property
    def is_active(self) -> bool:
        return self.state in ("submitting", "submitted", "running", "downloading") or (
            self.state == "queued" and self.started_at is not None)

    def reset_run_state(self) -> None:
        self.state = "invalid" if self.problems else "ready"
        self.progress = None
        self.retrying = False
        self.message = ""
        self.error = None
        self.prediction_id = None
        self.started_at = self.finished_at = None


@dataclass(frozen=True)
class Snapshot:
    """The list as it was, for undo: the rows themselves and the spec each held then.

    Specs are never changed in place once in the list (an edit replaces a row's spec with an
    edited copy), so holding them is enough, and a step of 50,000 rows costs two tuples, not
    50,000 deep copies. The rows' run fields need no copy: a batch starting clears the history."""
    rows: tuple
    specs: tuple

    def __len__(self) -> int:
        return len(self.rows)


class JobList:
    def __init__(self):
        self.rows: list[JobRow] = []
        self.listener: ListListener | None = None
        # Goes up whenever a row's cost may have changed, so totals are summed only then.
        self.cost_version = 0

    def __len__(self) -> int:
        return len(self.rows)

    def specs(self) -> list[JobSpec]:
        return [row.spec for row in self.rows]

    def spent(self) -> Decimal:
        """Charged at submit; a task that failed on the provider's side was refunded."""
        return sum((row.cost.amount for row in self.rows
                    if row.prediction_id and row.cost is not None and row.state != "failed"), Decimal(0))

    # --- structure -------------------------------------------------------------------
    def replace_all(self, specs: list[JobSpec]) -> None:
        self._call("begin_reset")
        self.rows = [JobRow(spec) for spec in specs]
        self.cost_version += 1
        self._call("end_reset")

    def snapshot(self) -> Snapshot:
        """The rows as they are now, safe from later edits (for undo)."""
        rows = tuple(self.rows)
        return Snapshot(rows, tuple(row.spec for row in rows))

    def restore(self, snapshot: Snapshot) -> tuple[list[int], bool]:
        """Puts the list back as the snapshot holds it. Returns the rows whose checks and price
        may be stale (a spec replaced, or a row that was not in the list), and whether the
        structure changed. The same rows in the same order are kept in place, the changed ones
        announced, so an undo of one field on 50,000 rows does not rebuild the table."""
        same_rows = len(snapshot.rows) == len(self.rows) and all(
            old is new for old, new in zip(self.rows, snapshot.rows))
        present = set() if same_rows else {id(row) for row in self.rows}
        stale = []
        if not same_rows:
            self._call("begin_reset")
        # Specs are never changed in place, so a spec is unchanged exactly when it is the same object.
        for index, (row, spec) in enumerate(zip(snapshot.rows, snapshot.specs)):
            if row.spec is not spec or (not same_rows and id(row) not in present):
                row.spec = spec
                stale.append(index)
        if same_rows:
            for index in stale:
                self.changed(index)
        else:
            self.rows = list(snapshot.rows)
            self.cost_version += 1
            self._call("end_reset")
        return stale, not same_rows

    def insert(self, specs: list[JobSpec], at: int | None = None) -> range:
        at = len(self.rows) if at is None else max(0, min(at, len(self.rows)))
        if not specs:
            return range(at, at)
        self._call("begin_insert", at, at + len(specs) - 1)
        self.rows[at:at] = [JobRow(spec) for spec in specs]
        self.cost_version += 1
        self._call("end_insert")
        return range(at, at + len(specs))

    def remove(self, rows: list[int]) -> list[tuple[int, JobRow]]:
        removed = []
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self.rows):
                self._call("begin_remove", row, row)
                removed.append((row, self.rows.pop(row)))
                self.cost_version += 1
                self._call("end_remove")
        return removed

    def duplicate(self, rows: list[int]) -> range:
        ordered = sorted(set(r for r in rows if 0 <= r < len(self.rows)))
        if not ordered:
            return range(0)
        copies = [JobSpec(f"{self.rows[r].spec.name} copy", self.rows[r].spec.model,
                          copy.deepcopy(self.rows[r].spec.inputs), self.rows[r].spec.output_subfolder,
                          self.rows[r].spec.image_from) for r in ordered]
        return self.insert(copies, ordered[-1] + 1)

    def move(self, rows: list[int], destination: int) -> int:
        """Moves the rows (kept in order) to before ``destination``; returns their new first row."""
        ordered = sorted(set(r for r in rows if 0 <= r < len(self.rows)))
        if not ordered:
            return destination
        moving = [self.rows[r] for r in ordered]
        destination = max(0, min(destination, len(self.rows)))
        self._call("begin_reset")
        for r in reversed(ordered):
            self.rows.pop(r)
        shift = sum(1 for r in ordered if r < destination)
        target = destination - shift
        self.rows[target:target] = moving
        self.cost_version += 1
        self._call("end_reset")
        return target

    # --- content ---------------------------------------------------------------------
    def set_spec(self, row: int, spec: JobSpec) -> None:
        self.rows[row].spec = spec
        self.changed(row)

    def set_specs(self, rows, specs) -> None:
        """One bulk edit: each of ``rows`` gets its new spec (the list's own copies, never changed later)."""
        for row, spec in zip(rows, specs):
            self.rows[row].spec = spec
            self.changed(row)

    def changed(self, row: int) -> None:
        self.cost_version += 1
        self._call("row_changed", row)

    def apply_event(self, row: int, event: RunEvent) -> None:
        """What a worker reported, folded into the row the user sees."""
        job = self.rows[row]
        job.state = event.state
        job.retrying = event.retrying
        job.message = event.message
        if event.progress is not None:
            job.progress = event.progress
        if event.prediction_id:
            job.prediction_id = event.prediction_id
        if event.cost is not None:
            job.cost = event.cost
        if event.state == "submitting" and job.started_at is None:
            job.started_at = time.monotonic()
        if event.state in ("done", "failed", "cancelled", "needs_attention"):
            job.finished_at = time.monotonic()
            job.progress = 1.0 if event.state == "done" else job.progress
            job.error = event.error
        self.changed(row)

    def _call(self, name: str, *args):
        if self.listener is not None:
            return getattr(self.listener, name)(*args)
        return None
