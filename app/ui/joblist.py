"""The job list as a plain Python object (no Qt): the table model only adapts it.

Structural changes are announced to one listener around the change, in the order a
QAbstractItemModel needs (begin before, end after).
"""

from __future__ import annotations

import copy
import time
from collections import Counter
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Protocol

from app.engine.jobs.spec import JobSpec
from app.engine.atlas.pricing import Cost, CostSummary, CostTotals
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
    # Absolute; every output (num_images, max_images). A tuple of strings, which the cyclic
    # collector stops tracking: a list per finished row made its full collections slow.
    output_paths: tuple[str, ...] = ()
    started_at: float | None = None
    finished_at: float | None = None
    # (folder, batch, position) of this job in an output folder's store, once it has run.
    batch_key: tuple | None = None
    paused: bool = False
    # What JobList's tally last counted for this row (see JobList.tally).
    counted: tuple | None = field(default=None, repr=False, compare=False)

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
class Tally:
    """The list's counts as of now: what the status bar and the title show during a batch."""
    states: Counter  # rows per state
    spent: Decimal
    chained: int  # rows whose job starts from another's output
    active: frozenset  # rows being worked on, whose elapsed time ticks

    def count(self, *states: str) -> int:
        return sum(self.states[state] for state in states)


_ZERO = Decimal(0)
SETTLE_ROWS = 4096  # changed rows counted per look at the status bar (about 10 ms)


def _tally_entry(row: JobRow) -> tuple:
    """(state, spent, amount, basis, model, chained, active): what a row adds to the tally. Plain
    values only, so the collector stops tracking the tuple: a 50,000-job batch makes one per row,
    and tracked ones made a full collection take 150 ms near its end."""
    cost, state = row.cost, row.state
    spent = cost.amount if row.prediction_id and cost is not None and state != "failed" else _ZERO
    amount, basis = (cost.amount, cost.basis) if cost is not None else (None, None)
    return state, spent, amount, basis, row.spec.model, bool(row.spec.image_from), row.is_active


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


class RowChanges:
    """The rows changed since its reader last took them, for a total kept outside the list (draft
    mode's two prices) the way ``tally`` keeps its own: ``moved`` says the rows were rebuilt or
    renumbered, so every row must be read again."""

    __slots__ = ("rows", "moved")

    def __init__(self):
        self.rows: set[int] = set()
        self.moved = True

    def take(self) -> tuple[bool, set[int]]:
        moved, rows = self.moved, self.rows
        self.moved, self.rows = False, set()
        return moved, rows


class JobList:
    def __init__(self):
        self.rows: list[JobRow] = []
        self.listener: ListListener | None = None
        # Counts kept up to date row by row: a batch of 50,000 changes a few rows at a time,
        # and walking every row on each status refresh stalled the window. Rows changed since
        # the last look wait in _pending; a change of structure recounts everything once.
        self._pending: set[int] = set()
        self._recount = True
        self._states: Counter = Counter()
        self._spent = Decimal(0)
        self._chained = 0
        self._active: set[int] = set()
        self._cost_version = 0
        self._costs = CostTotals()
        self._summary: tuple[int, CostSummary] | None = None  # (cost_version, the totals then)
        self._followers: list[RowChanges] = []

    def __len__(self) -> int:
        return len(self.rows)

    def specs(self) -> list[JobSpec]:
        return [row.spec for row in self.rows]

    def spent(self) -> Decimal:
        """Charged at submit; a task that failed on the provider's side was refunded."""
        return self.tally().spent

    @property
    def cost_version(self) -> int:
        """Goes up whenever a row's price or model changed, so totals are summed only then.
        Like ``tally(exact=False)``, a burst of changes is counted over the next few looks."""
        self._settle(SETTLE_ROWS)
        return self._cost_version

    def cost_summary(self, exact: bool = True) -> CostSummary:
        """The priced rows' totals, kept row by row like the counts. Not ``exact``: as the last
        look at the counts left them, so a status refresh settles its share of a burst once."""
        if exact:
            self._settle(None)
        if self._summary is None or self._summary[0] != self._cost_version:
            self._summary = (self._cost_version, self._costs.summary())
        return self._summary[1]

    def tally(self, exact: bool = True) -> Tally:
        """The counts. Not ``exact``: at most SETTLE_ROWS changed rows are counted per look, so
        a burst (a batch of 50,000 starting) reaches the status bar over a few refreshes
        instead of stalling one of them; a report of what a batch did asks for exact counts."""
        self._settle(None if exact else SETTLE_ROWS)
        return Tally(Counter(self._states), self._spent, self._chained, frozenset(self._active))

    def _settle(self, limit: int | None) -> None:
        if self._recount:  # the rows moved: counted afresh, in one pass
            self._recount = False
            self._pending.clear()
            rows = self.rows
            entries = [_tally_entry(row) for row in rows]
            for row, entry in zip(rows, entries):
                row.counted = entry
            self._states = Counter(entry[0] for entry in entries)
            self._spent = sum((entry[1] for entry in entries if entry[1]), Decimal(0))
            self._chained = sum(1 for entry in entries if entry[5])
            self._active = {index for index, entry in enumerate(entries) if entry[6]}
            self._costs = CostTotals()
            for entry in entries:
                if entry[2] is not None:
                    self._costs.count(entry[4], entry[2], entry[3], 1)
            self._cost_version += 1
            return
        pending, rows = self._pending, self.rows
        for _ in range(len(pending) if limit is None else min(limit, len(pending))):
            index = pending.pop()
            if index >= len(rows):
                continue
            row = rows[index]
            old, new = row.counted, _tally_entry(row)
            if old == new:
                continue
            if old is not None:
                self._count(index, old, -1)
            self._count(index, new, 1)
            row.counted = new
            if old is None or old[2:5] != new[2:5]:  # the price or the model
                self._cost_version += 1

    def _count(self, index: int, entry: tuple, sign: int) -> None:
        state, spent, amount, basis, model, chained, active = entry
        self._states[state] += sign
        if amount is not None:
            self._costs.count(model, amount, basis, sign)
        self._spent += spent * sign
        self._chained += sign * chained
        if active and sign > 0:
            self._active.add(index)
        elif active:
            self._active.discard(index)

    # --- structure -------------------------------------------------------------------
    def replace_all(self, specs: list[JobSpec]) -> None:
        self._call("begin_reset")
        self.rows = [JobRow(spec) for spec in specs]
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
            self._call("end_reset")
        return stale, not same_rows

    def insert(self, specs: list[JobSpec], at: int | None = None) -> range:
        at = len(self.rows) if at is None else max(0, min(at, len(self.rows)))
        if not specs:
            return range(at, at)
        self._call("begin_insert", at, at + len(specs) - 1)
        self.rows[at:at] = [JobRow(spec) for spec in specs]
        self._call("end_insert")
        return range(at, at + len(specs))

    def remove(self, rows: list[int]) -> list[tuple[int, JobRow]]:
        removed = []
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self.rows):
                self._call("begin_remove", row, row)
                removed.append((row, self.rows.pop(row)))
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

    def follow_changes(self) -> RowChanges:
        """A record of the rows changed from now on, for its reader to take when it looks."""
        changes = RowChanges()
        self._followers.append(changes)
        return changes

    def changed(self, row: int) -> None:
        self._pending.add(row)
        for changes in self._followers:
            changes.rows.add(row)
        self._call("row_changed", row)

    def changed_rows(self, rows: list[int]) -> None:
        """Many rows changed at once (a batch starting): one notice, not one per row."""
        self._pending.update(rows)
        for changes in self._followers:
            changes.rows.update(rows)
        if self.listener is not None and hasattr(self.listener, "rows_changed"):
            self.listener.rows_changed(rows)
        else:
            for row in rows:
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
        if name.startswith("begin_"):
            self._recount = True  # row numbers move: the pending ones no longer name their rows
            for changes in self._followers:
                changes.moved = True
        if self.listener is not None:
            return getattr(self.listener, name)(*args)
        return None
