"""The per-job state machine and the one event type that leaves the engine.

queued -> submitting -> submitted -> running -> downloading -> done
and from anywhere in flight: failed | cancelled | needs_attention.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from app.engine.atlas.catalog import ModelInfo
from app.engine.jobs.spec import JobSpec
from app.engine.atlas.pricing import Cost


class JobState(str, Enum):
    QUEUED = "queued"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    RUNNING = "running"
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_ATTENTION = "needs_attention"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    def __str__(self) -> str:
        return self.value


TERMINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_ATTENTION})
ALLOWED = {
    JobState.QUEUED: {JobState.SUBMITTING, JobState.CANCELLED, JobState.FAILED},
    JobState.SUBMITTING: {JobState.SUBMITTED, JobState.QUEUED, JobState.FAILED, JobState.NEEDS_ATTENTION,
                          JobState.CANCELLED},
    JobState.SUBMITTED: {JobState.RUNNING, JobState.DOWNLOADING, JobState.FAILED, JobState.CANCELLED,
                         JobState.NEEDS_ATTENTION},
    JobState.RUNNING: {JobState.DOWNLOADING, JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_ATTENTION},
    JobState.DOWNLOADING: {JobState.DONE, JobState.FAILED, JobState.NEEDS_ATTENTION, JobState.CANCELLED},
    JobState.DONE: set(),
    JobState.FAILED: {JobState.QUEUED},
    JobState.CANCELLED: {JobState.QUEUED},
    JobState.NEEDS_ATTENTION: {JobState.QUEUED, JobState.SUBMITTED, JobState.CANCELLED},
}


_VERSIONS = itertools.count(1)
_EVENT_LOCK = threading.Lock()  # makes each record's cancel event once, whichever thread asks first


class IllegalTransition(RuntimeError):
    pass


@dataclass(frozen=True)
class RunEvent:
    """Immutable; produced on worker threads, consumed in one place by the CLI or the UI."""

    kind: str  # "job" or "batch"
    state: str  # a JobState value, or a batch state: started, paused, stopped, finished
    job_index: int | None = None
    job_name: str | None = None
    model: str | None = None
    message: str = ""
    prediction_id: str | None = None
    request_id: str | None = None
    progress: float | None = None
    retrying: bool = False
    cost: Cost | None = None
    output_path: str | None = None
    error: str | None = None
    timestamp: float = field(default_factory=time.time)


@dataclass
class OutputFile:
    url: str
    path: str  # relative to the output folder
    bytes: int
    sha256: str  # of the bytes as downloaded
    # The file as written: its recipe embedded (other bytes, so another hash) or in a sidecar.
    written_sha256: str | None = None
    recipe: str | None = None  # "embedded", "sidecar" or "none"
    sidecar: str | None = None  # the sidecar's file name, beside the output


@dataclass(slots=True)  # slots: a batch of 50,000 records, each without an attribute dict
class JobRecord:
    index: int
    spec: JobSpec
    model: ModelInfo
    estimate: Cost
    quote: Cost | None = None
    state: JobState = JobState.QUEUED
    prediction_id: str | None = None
    output_urls: list[str] = field(default_factory=list)
    files: list[OutputFile] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)
    error: str | None = None
    submit_attempts: int = 0
    refunded: bool = False
    timestamps: dict[str, float] = field(default_factory=dict)
    # Made on first use (see cancel_event): an Event is a lock and a condition, and most records of
    # a large batch are never waited on before they run.
    _cancel_event: threading.Event | None = field(default=None, repr=False, compare=False)
    # The manifest's line for this record (packed) and the version it was built from: a writer on
    # another thread may build it while a job thread is halfway through a change, so it is only
    # reused while ``version`` is still the one read before building it.
    manifest_entry: tuple[int, bytes] | None = field(default=None, repr=False)
    version: int = field(default=0, repr=False)
    # Queue control and resume: where it stands in the queue, whether the user held it back,
    # which batch of the folder's store it belongs to, and where its files were meant to go.
    queue_order: float | None = None
    paused: bool = False
    batch: int = 0
    planned_paths: list[str] = field(default_factory=list)
    # The body as submitted (uploaded URLs in place of local files), for the output's recipe.
    sent_body: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.queue_order is None:
            self.queue_order = float(self.index)

    @property
    def cancel_event(self) -> threading.Event:
        event = self._cancel_event
        if event is None:
            with _EVENT_LOCK:
                if self._cancel_event is None:
                    self._cancel_event = threading.Event()
                event = self._cancel_event
        return event

    @property
    def cancel_asked(self) -> bool:
        """Whether a cancel was asked for, without making the event: every job checks this
        between its steps, and an Event made per job was a kilobyte each at 50,000 jobs."""
        event = self._cancel_event
        return event is not None and event.is_set()

    def drop_cancel_event(self) -> None:
        """Lets go of an event nobody set once the job's thread is done with it (under the
        runner's lock, so no cancel can be halfway through setting it)."""
        event = self._cancel_event
        if event is not None and not event.is_set():
            self._cancel_event = None

    @property
    def best_cost(self) -> Cost:
        return self.quote or self.estimate

    @property
    def charged(self) -> Decimal | None:
        """What submitting cost, net of the automatic refund of a failed task."""
        if self.prediction_id is None:
            return None
        return Decimal(0) if self.refunded else self.best_cost.amount

    def move(self, new_state: JobState) -> None:
        if new_state == self.state:
            return
        if new_state not in ALLOWED[self.state]:
            raise IllegalTransition(f"{self.spec.name}: {self.state} -> {new_state}")
        self.state = new_state
        self.timestamps.setdefault(f"{new_state.value}_at", time.time())

    def changed(self) -> None:
        """Called after every change that is saved or reported: a fresh version from a process-wide
        counter (next() on it is atomic under the GIL, so two threads never share a version)."""
        self.version = next(_VERSIONS)

    def note_request(self, request_id: str | None) -> None:
        if request_id and request_id not in self.request_ids:
            self.request_ids.append(request_id)
