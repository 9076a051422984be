"""Runs a planned batch: bounded concurrency, submit once, poll on a schedule, download at once.

A failure stays inside its job and the batch goes on. A rejected key (401) stops the
batch; insufficient balance (402) or the spend cap pauses it: in-flight jobs finish,
nothing new is submitted.

What a batch depends on, in three parts (planning.py makes the records):
- ``BatchPlan``, what to run: the records (new or resumed), the output folder, the mode.
- ``Limits``, limits and budgets: jobs at a time, time per job, the spend cap, the daily cap.
- ``Connections``, connections and clocks: the API client, the job store, the spend ledger,
  the fleet's gate, the event callback, clock and sleep (injected, so tests run instantly),
  the thread spawner, the retry backoff, the timing model and whether to write the manifest.
The runner never validates, prices or creates store rows: planning did, before.
"""

from __future__ import annotations

import functools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from app.engine.run import manifest
from app.engine.atlas.client import AtlasClient, Backoff
from app.engine.atlas.errors import (AtlasError, AuthError, DownloadError, FatalError, InsufficientBalanceError,
                               NotFoundError, OutputExpiredError, RateLimitedError, RetryableError,
                               UnknownOutcomeError)
from app.engine.jobs.outputs import OutputPlanner
from app.engine.run.manifestpump import ManifestPump
from app.engine.run.records import JobRecord, JobState, OutputFile, RunEvent
from app.engine.atlas.uploads import UploadCache, UploadFailed
from app.engine.run.store import JobStore
from app.engine.run.ledger import SpendLedger
from app.engine.jobs.recipes import RecipePolicy, RecipeWriter
from app.engine.run.timing import QUEUED_STATUSES, TimingModel
from app.engine.run.reconcile import RecoveryPolicy, SubmitRecovery

NOT_VISIBLE_GRACE = 30.0
FRESH_FOLLOW_SECONDS = 10.0
FOLLOW_STATES = frozenset({JobState.SUBMITTED, JobState.RUNNING, JobState.DOWNLOADING})
DOWNLOAD_ATTEMPTS = 4
SHARED_LOOK_SECONDS = 0.25


@dataclass(frozen=True)
class TimeLimits:
    image: float = 300.0
    video: float = 1800.0
    per_model: dict = field(default_factory=dict)

    def for_model(self, model_id: str, is_video: bool) -> float:
        return float(self.per_model.get(model_id, self.video if is_video else self.image))


MODES = ("live", "demo", "distributed")


@dataclass(frozen=True)
class BatchPlan:
    """What to run: records from planning.plan_batch or plan_resume (kept in the store by the
    planner when there is one), the folder their outputs go to, and where they run."""
    records: list[JobRecord]
    out_dir: Path
    mode: str = "live"  # one of MODES; the manifest records it

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")


@dataclass(frozen=True)
class Limits:
    """Limits and budgets: nothing is submitted that would cross ``max_spend`` (this batch) or
    ``daily_cap`` (today, by the ledger); ``concurrency`` is the most jobs in flight."""
    concurrency: int = 4
    time: TimeLimits = TimeLimits()
    max_spend: Decimal | None = None
    daily_cap: Decimal | None = None
    recovery: RecoveryPolicy = RecoveryPolicy()  # lost submit replies, settled from the history


@dataclass(frozen=True)
class Connections:
    """Connections and clocks: everything outside the runner that it talks to or waits on."""
    client: AtlasClient
    store: JobStore | None = None  # every change of a record is saved here before it is reported
    ledger: SpendLedger | None = None  # today's spend across batches, for the daily cap
    # Shared limits across processes (the Celery executor): acquire(model) before a submit,
    # rate_limited(model) on a 429, release() when the job's work ends.
    gate: object | None = None
    on_event: Callable[[RunEvent], None] = lambda event: None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] | None = None  # None: waits end early when a job is cancelled
    spawn: Callable[[Callable[[], None]], None] | None = None  # None: the runner's own thread pool
    backoff: Backoff = field(default_factory=Backoff)
    timing: TimingModel = field(default_factory=TimingModel)
    write_manifest: bool = True  # off on a fleet worker: the coordinator writes it for the whole batch
    recipes: RecipePolicy = RecipePolicy()  # each output's recipe: embedded, or beside it


@dataclass
class BatchResult:
    status: str  # finished, paused or stopped
    reason: str
    records: list[JobRecord]
    elapsed: float


class _Cancelled(Exception):
    pass


class _Detached(Exception):
    """The process is going away: stop following this job, but leave its state as it is,
    so reopening the folder picks it up."""


class ModelLimiter:
    """Per-model concurrency that halves on a 429 and creeps back up with each success
    (additive increase, multiplicative decrease), never above the configured maximum."""

    def __init__(self, maximum: int):
        self.maximum = maximum
        self.limits: dict[str, int] = {}
        self._active: dict[str, int] = {}
        self._credit: dict[str, int] = {}

    def allows(self, model: str) -> bool:
        return self._active.get(model, 0) < self.limits.get(model, self.maximum)

    def started(self, model: str) -> None:
        self._active[model] = self._active.get(model, 0) + 1

    def finished(self, model: str) -> None:
        self._active[model] = max(0, self._active.get(model, 0) - 1)

    def rate_limited(self, model: str) -> int:
        self.limits[model] = max(1, self.limits.get(model, self.maximum) // 2)
        self._credit[model] = 0
        return self.limits[model]

    def succeeded(self, model: str) -> None:
        limit = self.limits.get(model, self.maximum)
        if limit >= self.maximum:
            return
        self._credit[model] = self._credit.get(model, 0) + 1
        if self._credit[model] >= limit:
            self.limits[model] = limit + 1
            self._credit[model] = 0

    def throttled(self) -> dict[str, int]:
        return {m: n for m, n in self.limits.items() if n < self.maximum}


class BatchRunner:
    """One planned batch, run once by ``run()``; the control methods may be called from any
    thread meanwhile. ``records``, ``out_dir``, ``client`` and ``store`` are shortcuts into the
    plan and the connections."""

    def __init__(self, plan: BatchPlan, limits: Limits = Limits(), *, io: Connections):
        self.plan, self.limits, self.io = plan, limits, io
        self.records = plan.records
        self.out_dir = plan.out_dir
        self.client = io.client
        self.store = io.store
        self.concurrency = max(1, limits.concurrency)
        names = {record.spec.name: record.index for record in self.records}
        self._parent = {r.index: names[r.spec.image_from] for r in self.records
                        if r.spec.image_from and r.spec.image_from in names}
        self.planner = OutputPlanner(self.out_dir)
        self.uploads = UploadCache(self.client, io.backoff)
        self.recovery = SubmitRecovery(self.client, self.store, limits.recovery, clock=io.clock, claimed=lambda: {
            r.prediction_id for r in self.records if r.prediction_id})
        self.manifest = manifest.ManifestWriter(self.out_dir, store=self.store)
        self.recipes = RecipeWriter(self.out_dir, io.recipes, self.store)
        # One lock, two conditions, so an event wakes only the threads it concerns: ``_cond`` for
        # the dispatcher and run()'s end (slots, the queue, halts), ``_polls`` for the jobs waiting
        # to poll (another job's end, a cancel). One shared condition woke all of a batch's
        # waiting job threads for every event, and that wake-up storm was most of a job's CPU.
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._polls = threading.Condition(self._lock)
        self._detached = threading.Event()
        self._in_flight: set[int] = set()  # jobs a thread works on (following, downloading)
        # Jobs holding one of the ``concurrency`` slots: a job gives its slot back the moment its
        # output is ready, so the next submit does not wait for a download.
        self._generating: set[int] = set()
        self._sent_at: dict[int, float] = {}  # job index -> clock when its submit was sent
        self._job_ends = 0  # counts slots given back; jobs waiting to poll look at it when woken
        self.limiter = ModelLimiter(self.concurrency)
        self._halt: tuple[str, str] | None = None  # ("paused" | "stopped", reason)
        self._started_wall = None
        self._batch_status = "not started"
        self._pump: ManifestPump | None = None
        # What _pick looks at, kept so that picking a job costs the same in any size of batch:
        # resumed jobs to follow, and the queue in order with a cursor past the jobs it is done with.
        self._to_follow: list[JobRecord] = []
        self._queue: list[JobRecord] = []
        self._queue_at = 0
        self._queue_dirty = True

    # --- control (any thread) ----------------------------------------------------------
    def cancel(self, index: int | None = None) -> None:
        targets = self.records if index is None else [self.records[index]]
        with self._cond:
            for record in targets:
                if record.state == JobState.QUEUED:
                    record.move(JobState.CANCELLED)
                    record.error = "cancelled before it was submitted; nothing was charged"
                    self._emit(record, message=record.error)
                elif not record.state.is_terminal:
                    record.cancel_event.set()
            if index is None and self._halt is None:
                self._halt = ("stopped", "cancelled by the user")
            self._cond.notify_all()
            self._polls.notify_all()

    def detach(self, reason: str = "the app was closed; reopen the folder to continue") -> None:
        """Stops working without deciding anything: submitted jobs stay submitted in the store."""
        with self._cond:
            self._detached.set()
            self._halt = ("stopped", reason)
            for record in self.records:
                record.cancel_event.set()
            self._cond.notify_all()
            self._polls.notify_all()

    def pause(self, reason: str = "paused by the user") -> None:
        with self._cond:
            if self._halt is None:
                self._halt = ("paused", reason)
                self._emit_batch("paused", reason)
            self._cond.notify_all()

    def resume(self) -> None:
        """Lets a paused queue submit again (the next run() picks up where it stopped)."""
        with self._cond:
            if self._halt is not None and self._halt[0] == "paused":
                self._halt = None
            self._cond.notify_all()

    def pause_job(self, index: int, paused: bool = True) -> None:
        """Holds one queued job back (or lets it go) without pausing the rest."""
        with self._cond:
            record = self.records[index]
            record.paused = paused
            self._emit(record, message="held back" if paused else "")
            self._cond.notify_all()

    def move(self, index: int, where: str) -> None:
        """Moves a queued job to the ``top`` or ``bottom`` of the queue."""
        with self._cond:
            orders = [r.queue_order for r in self.records]
            record = self.records[index]
            record.queue_order = (min(orders) - 1) if where == "top" else (max(orders) + 1)
            self._queue_dirty = True
            self._emit(record)
            self._cond.notify_all()

    @property
    def spent(self) -> Decimal:
        return sum((r.charged for r in self.records if r.charged is not None), Decimal(0))

    # --- the batch -------------------------------------------------------------------
    def run(self) -> BatchResult:
        """Blocks until nothing is in flight and nothing more may be submitted."""
        started = self.io.clock()
        self._started_wall = time.time()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        own_pool = None
        spawn = self.io.spawn
        if spawn is None:
            # Twice the slots: jobs that gave their slot back may still be downloading.
            own_pool = ThreadPoolExecutor(max_workers=2 * self.concurrency, thread_name_prefix="batch-job")
            spawn = own_pool.submit
        # A pause or cancel asked for before the run stands (a reopened batch starts paused:
        # it follows what was submitted and submits nothing new); resume() lifts a pause.
        self._batch_status = "running"
        with self._cond:
            # Reversed: pop() from the end hands them out in the batch's order.
            self._to_follow = [r for r in reversed(self.records) if r.prediction_id and r.state in FOLLOW_STATES]
            self._queue_dirty = True
        self._emit_batch("started", f"{len(self.records)} jobs, up to {self.concurrency} at a time")
        if self.io.write_manifest:
            self._pump = ManifestPump(lambda: self.manifest.write_records(self._manifest_head, self.records, force=True),
                                      len(self.records))
            self._pump.write_now()
            self._pump.start()
        try:
            self._dispatch(spawn)
        finally:
            with self._cond:
                self._cond.wait_for(lambda: not self._in_flight)
            if own_pool is not None:
                own_pool.shutdown(wait=True)
            if self.io.ledger is not None:
                self.io.ledger.flush()  # adds that a slow disk left for the next add: there is none
            pump, self._pump = self._pump, None
            if pump is not None:
                pump.stop()  # every job thread ended: the final document is written below, with the status
        held = sum(1 for r in self.records if r.state == JobState.QUEUED)
        status, reason = self._halt or (("paused", f"{held} job(s) are held back or wait for a held job") if held
                                        else ("finished", "all jobs ended"))
        self._batch_status = status
        self._write_manifest(force=True)
        self.io.timing.flush()
        self._emit_batch(status, reason)
        return BatchResult(status, reason, self.records, self.io.clock() - started)

    def _dispatch(self, spawn) -> None:
        while True:
            with self._cond:
                chosen: list[JobRecord] = []

                def ready() -> bool:
                    chosen[:] = [r for r in [self._pick()] if r is not None]
                    return bool(chosen) or not self._in_flight

                self._cond.wait_for(ready)
                if not chosen:
                    return
                record = chosen[0]
                self._in_flight.add(record.index)
                self._generating.add(record.index)
                self.limiter.started(record.spec.model)
            spawn(lambda record=record: self._run_job(record))

    def _pick(self) -> JobRecord | None:
        """The next job to work on, under the lock: submitted jobs to follow first (they
        cost nothing more, so even a paused batch follows them), then the queue in order."""
        if len(self._generating) >= self.concurrency:
            return None
        if self._detached.is_set():
            return None
        while self._to_follow:
            record = self._to_follow.pop()
            if record.index not in self._in_flight and record.prediction_id and record.state in FOLLOW_STATES:
                return record
        if self._halt is not None:
            return None
        for record in self._waiting():
            if not self._parent_ready(record):
                continue
            if not self.limiter.allows(record.spec.model):
                continue
            reason = self._budget_problem(record)
            if reason:
                self._halt = ("paused", reason)
                self._emit_batch("paused", reason)
                return None
            return record
        return None

    def _waiting(self):
        """Queued jobs free to start, in queue order (under the lock). Jobs that left the queue
        are skipped once for good: the cursor only passes jobs that are no longer queued, and a
        job only returns to the queue between runs (or, retrying, on its own thread)."""
        if self._queue_dirty:
            self._queue = sorted((r for r in self.records if r.state == JobState.QUEUED),
                                 key=lambda r: (r.queue_order, r.index))
            self._queue_at = 0
            self._queue_dirty = False
        queue = self._queue
        while self._queue_at < len(queue) and queue[self._queue_at].state != JobState.QUEUED:
            self._queue_at += 1
        for position in range(self._queue_at, len(queue)):
            record = queue[position]
            if record.state == JobState.QUEUED and not record.paused and record.index not in self._in_flight:
                yield record

    def _parent_ready(self, record: JobRecord) -> bool:
        """A chained job waits for the job that makes its start image, and fails with it."""
        if record.index not in self._parent:
            return True
        parent = self.records[self._parent[record.index]]
        if parent.state == JobState.DONE:
            return True
        if parent.state.is_terminal:
            self._finish(record, JobState.FAILED, f'its start image comes from "{parent.spec.name}", which ended as '
                                                  f"{parent.state.value.replace('_', ' ')} ({parent.error or 'no output'}); "
                                                  "nothing was charged")
        return False

    def _start_image(self, record: JobRecord) -> str:
        """The parent's output: its URL while fresh (the provider reads it directly), else the
        downloaded file, uploaded once."""
        parent = self.records[self._parent[record.index]]
        done_at = parent.timestamps.get("done_at", 0)
        if parent.output_urls and time.time() - done_at < 24 * 3600:
            return parent.output_urls[0]
        return str(self.out_dir / parent.files[0].path)

    def _budget_problem(self, record: JobRecord) -> str | None:
        cost = record.best_cost.amount
        if self.limits.max_spend is not None and self.spent + cost > self.limits.max_spend:
            return (f'the spend cap of ${self.limits.max_spend} would be crossed by "{record.spec.name}" '
                    f"({record.best_cost.label()}); spent so far ${self.spent:.2f}")
        if self.limits.daily_cap is not None and self.io.ledger is not None:
            today = self.io.ledger.today()
            if today + cost > self.limits.daily_cap:
                return (f'the daily cap of ${self.limits.daily_cap} would be crossed by "{record.spec.name}" '
                        f"({record.best_cost.label()}); spent today ${today:.2f}")
        return None

    def _run_job(self, record: JobRecord) -> None:
        try:
            if record.prediction_id and record.state in FOLLOW_STATES:
                self._follow(record)  # resumed: it was submitted (and paid) before
            elif self._submit(record):
                self._follow(record)
        except _Detached:
            pass
        except _Cancelled:
            self._finish(record, JobState.CANCELLED, "cancelled by the user" + (
                "; Atlas Cloud has no cancel call, so the submitted task still runs and its charge stands"
                if record.prediction_id else "; nothing was charged"))
        except Exception as exc:  # an engine bug must stay inside its job
            state = JobState.NEEDS_ATTENTION if record.prediction_id else JobState.FAILED
            self._finish(record, state, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            if self.io.gate is not None:
                self.io.gate.release()
            with self._cond:
                if self._release_slot(record):
                    self._polls.notify_all()
                self._in_flight.discard(record.index)
                record.drop_cancel_event()  # cancel() and detach() set it under this lock
                self._cond.notify_all()
            self.io.timing.save_if_due()

    def _release_slot(self, record: JobRecord) -> bool:
        """Under the lock; once per job, whichever comes first: its output is ready or it ended.
        True when this call gave the slot back (the jobs waiting to poll should hear of it)."""
        if record.index not in self._generating:
            return False
        self._generating.discard(record.index)
        self.limiter.finished(record.spec.model)
        self._job_ends += 1
        return True

    # --- submit ----------------------------------------------------------------------
    def _submit(self, record: JobRecord) -> bool:
        body = record.spec.request_body(record.model)
        if record.index in self._parent:
            body[record.model.image_fields()[0]] = self._start_image(record)
        try:
            body = self.uploads.replace_local_media(body, record.model.properties,
                                                    wait=lambda seconds: self._sleep(record, seconds))
        except UploadFailed as exc:
            if isinstance(exc.cause, AuthError):
                self._halt_batch("stopped", str(exc.cause))
                return False
            self._finish(record, JobState.FAILED, f"{exc}; nothing was charged")
            return False
        record.sent_body = body
        attempt = 0
        while True:
            self._check_cancel(record)
            if self.io.gate is not None:
                self.io.gate.acquire(record.spec.model, lambda: self._check_cancel(record))
            self._transition(record, JobState.SUBMITTING)
            record.submit_attempts += 1
            try:
                sent_at = self.io.clock()
                submission = self.recovery.submit(record, body, wait=lambda seconds: self._sleep(record, seconds),
                                                  say=lambda message: self._emit(record, message=message))
            except RetryableError as exc:
                # Nothing was created (429, or the connection never opened): safe to wait and retry.
                record.note_request(exc.request_id)
                if isinstance(exc, RateLimitedError):
                    if self.io.gate is not None:
                        self.io.gate.rate_limited(record.spec.model)
                    with self._cond:
                        limit = self.limiter.rate_limited(record.spec.model)
                    self._emit_batch("throttled", f"{record.spec.model}: rate limited, now {limit} at a time")
                self._transition(record, JobState.QUEUED)
                delay = self.io.backoff.delay(attempt)
                self._emit(record, message=f"{exc}; retrying in {delay:.0f} s", retrying=True)
                self._sleep(record, delay)
                attempt += 1
                continue
            except UnknownOutcomeError as exc:
                record.note_request(exc.request_id)
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"{exc}. Check the Atlas Cloud dashboard, then resubmit or drop this job.")
                return False
            except AuthError as exc:
                record.note_request(exc.request_id)
                self._transition(record, JobState.QUEUED)
                self._halt_batch("stopped", str(exc))
                return False
            except InsufficientBalanceError as exc:
                record.note_request(exc.request_id)
                self._transition(record, JobState.QUEUED)
                self._halt_batch("paused", str(exc))
                return False
            except AtlasError as exc:
                record.note_request(exc.request_id)
                self._finish(record, JobState.FAILED, f"{exc}; nothing was charged")
                return False
            break
        record.prediction_id = submission.prediction_id
        record.note_request(submission.request_id)
        with self._cond:
            self.limiter.succeeded(record.spec.model)
        if self.io.ledger is not None:
            self.io.ledger.add(record.best_cost.amount)
        # The id is the only proof of what was paid for: _transition saves it in the store before
        # saying "submitted", and drops the pending-submit note in that same transaction; the
        # manifest follows from its background writer.
        self._transition(record, JobState.SUBMITTED, meta=self.recovery.clear_with_id(record),
                         prediction_id=submission.prediction_id, request_id=submission.request_id)
        self._sent_at[record.index] = sent_at
        return True

    # --- poll and download -----------------------------------------------------------
    def _follow(self, record: JobRecord) -> None:
        # A job's time runs from when its submit left, as the provider's does: saving the id
        # and writing the manifest take a moment that varies, and would blur what is learned.
        started = self._sent_at.pop(record.index, None)
        if started is None:
            started = self.io.clock()
        submitted = started  # ``started`` moves on while Atlas keeps the job queued
        schedule = self.io.timing.schedule(record.model, record.spec.inputs)
        expected = schedule.current().centre
        # Only a job followed from its submit tells how long generations take; a resumed one
        # was submitted before this follow's clock started.
        fresh = time.time() - record.timestamps.get("submitted_at", 0.0) < FRESH_FOLLOW_SECONDS
        last_running_at = 0.0 if fresh else None
        limit = self.limits.time.for_model(record.model.model_id, record.model.is_video)
        failures = 0
        last_progress = -1.0
        while True:
            elapsed = self.io.clock() - started
            if failures:
                self._sleep(record, self.io.backoff.delay(min(failures, 5)))
            else:
                self._wait_to_poll(record, schedule, started, elapsed, schedule.next_delay(elapsed))
            elapsed = self.io.clock() - started
            if self.io.clock() - submitted > limit:
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"still not finished after {limit / 60:.0f} min (the limit for this model); the "
                             f"prediction {record.prediction_id} is kept so it can be checked again later")
                return
            try:
                asked = self.io.clock()
                prediction = self.client.poll(record.prediction_id)
                schedule.note_round_trip(self.io.clock() - asked)
            except AuthError as exc:
                record.note_request(exc.request_id)
                self._halt_batch("stopped", str(exc))
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"polling stopped because the key was rejected; the task was submitted as "
                             f"{record.prediction_id} and can be checked again with a valid key")
                return
            except (NotFoundError, FatalError) as exc:
                if exc.status in (400, 404) and asked - submitted < NOT_VISIBLE_GRACE:
                    continue  # just submitted: not visible yet
                record.note_request(exc.request_id)
                self._finish(record, JobState.FAILED, str(exc))
                return
            except RetryableError as exc:
                failures += 1
                record.note_request(exc.request_id)
                self._emit(record, message=f"{exc}; retrying", retrying=True)
                continue
            failures = 0
            record.note_request(prediction.request_id)
            if prediction.is_failed:
                record.refunded = True
                if self.io.ledger is not None:
                    self.io.ledger.add(-record.best_cost.amount)
                reason = prediction.error or f"the task ended as {prediction.status}"
                if prediction.is_moderated:
                    reason = f"rejected by content moderation: {reason}"
                self._finish(record, JobState.FAILED, f"{reason} (refunded automatically)")
                return
            if prediction.is_done:
                if not prediction.outputs and record.state != JobState.DOWNLOADING:
                    self._finish(record, JobState.FAILED, "Atlas Cloud reported the task complete but sent no output")
                    return
                record.output_urls = list(prediction.outputs) or record.output_urls
                learn = None
                if last_running_at is not None:
                    learn = functools.partial(self._learn_from, record, last_running_at, elapsed, started - submitted)
                self._download(record, after_release=learn)
                return
            if prediction.status in QUEUED_STATUSES and schedule.seen_queued(asked - submitted):
                # Waiting at Atlas is not running: the job's clock starts again from this poll,
                # and from here even a resumed job shows how long a generation takes.
                started, last_running_at = asked, 0.0
            elif last_running_at is not None:
                last_running_at = elapsed
            progress = min(0.95, elapsed / expected) if expected else None
            if record.state == JobState.SUBMITTED:
                self._transition(record, JobState.RUNNING, progress=progress)
                last_progress = progress or 0
            elif progress is not None and progress - last_progress >= 0.05:
                last_progress = progress
                self._emit(record, progress=progress)

    def _learn_from(self, record: JobRecord, running: float, done: float, queued: float) -> None:
        """What this finish teaches, then a wake-up for the jobs in flight: it moved their window."""
        self.io.timing.observe(record.model, record.spec.inputs, running, done, queued)
        with self._cond:
            self._job_ends += 1
            self._polls.notify_all()

    def _download(self, record: JobRecord, after_release: Callable[[], None] | None = None) -> None:
        """``after_release`` runs once the job's slot is given back: the next submit need not
        wait for what this job's finish teaches."""
        record.files = []
        if len(record.planned_paths) != len(record.output_urls):
            # Decided once and stored, so a download resumed after a crash reuses its name
            # instead of leaving a "name (2).png" twin.
            record.planned_paths = [
                self.planner.reserve(record.spec.name, record.spec.output_subfolder, record.model.is_video, url,
                                     part if len(record.output_urls) > 1 else None).relative_to(self.out_dir).as_posix()
                for part, url in enumerate(record.output_urls)]
        self._transition(record, JobState.DOWNLOADING)
        with self._cond:
            self._release_slot(record)
            self._cond.notify_all()
            if after_release is None:
                self._polls.notify_all()  # else after_release wakes them once, with what it learned
        if after_release is not None:
            after_release()
        for part, url in enumerate(record.output_urls):
            path = self.out_dir / record.planned_paths[part]
            self.planner.made(path.parent)
            for attempt in range(DOWNLOAD_ATTEMPTS):
                try:
                    result = self.client.download(url, path)
                    break
                except OutputExpiredError as exc:
                    self.planner.release(path)
                    self._finish(record, JobState.FAILED, f"{exc}; the task was paid but its output is gone")
                    return
                except (DownloadError, RetryableError) as exc:
                    self._emit(record, message=f"{exc}; downloading again", retrying=True)
                    self._sleep(record, self.io.backoff.delay(attempt))
            else:
                self.planner.release(path)
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"the output could not be downloaded after {DOWNLOAD_ATTEMPTS} tries; its URL stays "
                             f"valid for a while: retry the download")
                return
            # On disk now, where the planner looks for names already taken: the set of names
            # reserved need not keep 50,000 paths.
            self.planner.release(path)
            relative = result.path.relative_to(self.out_dir).as_posix()
            # Verified (length and hash) before anything is written into it.
            saved = self.recipes.save(record, part if len(record.output_urls) > 1 else None, result.path,
                                      result.sha256)
            if saved.note and saved.how == "none":
                self._emit(record, message=saved.note)
            record.files.append(OutputFile(url=url, path=relative, bytes=result.bytes, sha256=result.sha256,
                                           written_sha256=saved.sha256, recipe=saved.how, sidecar=saved.sidecar))
        record.sent_body = None  # every recipe holds it now; 50,000 kept bodies would only cost memory
        self._finish(record, JobState.DONE, "", output_path=record.files[0].path if record.files else None)

    # --- helpers ---------------------------------------------------------------------
    def _wait_to_poll(self, record: JobRecord, schedule, started: float, polled_at: float, delay: float) -> None:
        """Waits ``delay`` after the poll at ``polled_at`` (seconds after ``started``). Another
        job's finish wakes the wait: it may move this job's window (a sibling's finish) or
        make it one of the batch's last; the schedule then says when to poll instead."""
        if self.io.sleep is not None:
            self._sleep(record, delay)  # a test's clock: nothing to wake
            return
        due = started + polled_at + delay
        seen = self._job_ends
        shared = self.io.timing.share is not None
        while True:
            with self._cond:
                self._check_cancel(record)
                now = self.io.clock()
                if now >= due:
                    return
                if self._job_ends == seen:
                    # A fleet's finishes arrive through Redis, not this process: look every so often.
                    look = SHARED_LOOK_SECONDS * self.io.timing.scale
                    self._polls.wait(min(due - now, look) if shared else due - now)
                changed, seen = self._job_ends != seen, self._job_ends
            changed = changed or (shared and self.io.timing.learned_elsewhere())
            if changed:
                replanned = schedule.replan(polled_at, self.io.clock() - started)
                if replanned is not None:
                    due = started + polled_at + replanned

    def _sleep(self, record: JobRecord, seconds: float) -> None:
        if self.io.sleep is not None:
            self._check_cancel(record)
            self.io.sleep(seconds)
        else:
            record.cancel_event.wait(seconds)
        self._check_cancel(record)

    def _check_cancel(self, record: JobRecord) -> None:
        if self._detached.is_set():
            raise _Detached()
        if record.cancel_asked:
            raise _Cancelled()

    def _halt_batch(self, status: str, reason: str) -> None:
        with self._cond:
            if self._halt is None or (status == "stopped" and self._halt[0] != "stopped"):
                self._halt = (status, reason)
                self._emit_batch(status, reason)
            self._cond.notify_all()

    def _transition(self, record: JobRecord, state: JobState, meta: dict | None = None, **details) -> None:
        record.move(state)
        self._emit(record, meta=meta, **details)

    def _finish(self, record: JobRecord, state: JobState, message: str, **details) -> None:
        record.error = message or None
        record.move(state)
        self._emit(record, message=message, error=message or None, **details)

    def _emit(self, record: JobRecord, meta: dict | None = None, **details) -> None:
        record.changed()  # every change of a record passes through here
        if self.store is not None:
            # On disk before anyone hears of it: "submitted" is only ever said of a saved id.
            self.store.save(record, meta=meta)
        if self._pump is not None:
            self._pump.poke()
        details.setdefault("prediction_id", record.prediction_id)
        details.setdefault("request_id", record.request_ids[-1] if record.request_ids else None)
        details.setdefault("cost", record.best_cost)
        self.io.on_event(RunEvent(kind="job", state=record.state.value, job_index=record.index,
                               job_name=record.spec.name, model=record.spec.model, **details))

    def _emit_batch(self, state: str, message: str) -> None:
        self.io.on_event(RunEvent(kind="batch", state=state, message=message))

    def _write_manifest(self, force: bool = False) -> None:
        """Outside a run (the batch's end): the running batch's writer is its pump."""
        if self.io.write_manifest:
            self.manifest.write_records(self._manifest_head, self.records, force=force)

    def _manifest_batch(self) -> dict:
        return {"status": self._batch_status, "message": self._halt[1] if self._halt else None,
                "started_at": manifest._iso(self._started_wall), "concurrency": self.concurrency,
                "max_spend": float(self.limits.max_spend) if self.limits.max_spend is not None else None}

    def _manifest_head(self) -> dict:
        return manifest.head(self.records, batch=self._manifest_batch(), mode=self.plan.mode,
                             base_url=self.client.base_url)
