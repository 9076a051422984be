"""Runs a batch: bounded concurrency, submit once, poll on a schedule, download at once.

A failure stays inside its job and the batch goes on. A rejected key (401) stops the
batch; insufficient balance (402) or the spend cap pauses it: in-flight jobs finish,
nothing new is submitted. Clock and sleep are injected, so tests run instantly.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from app.engine import manifest
from app.engine.catalog import Catalog
from app.engine.client import AtlasClient, Backoff
from app.engine.errors import (AtlasError, AuthError, DownloadError, FatalError, InsufficientBalanceError,
                               NotFoundError, OutputExpiredError, RateLimitedError, RetryableError,
                               UnknownOutcomeError)
from app.engine.jobs import JobSpec, Problem, validate_jobs
from app.engine.outputs import OutputPlanner
from app.engine.pricing import Cost, PriceTable
from app.engine.records import JobRecord, JobState, OutputFile, RunEvent
from app.engine.timing import TimingModel
from app.engine.uploads import UploadCache, UploadFailed
from app.engine.store import JobStore, StoreError
from app.engine.ledger import SpendLedger

NOT_VISIBLE_GRACE = 30.0
FRESH_FOLLOW_SECONDS = 10.0
FOLLOW_STATES = frozenset({JobState.SUBMITTED, JobState.RUNNING, JobState.DOWNLOADING})
DOWNLOAD_ATTEMPTS = 4


class InvalidJobsError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class TimeLimits:
    image: float = 300.0
    video: float = 1800.0
    per_model: dict = field(default_factory=dict)

    def for_model(self, model_id: str, is_video: bool) -> float:
        return float(self.per_model.get(model_id, self.video if is_video else self.image))


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
    def __init__(self, jobs: list[JobSpec], *, client: AtlasClient, catalog: Catalog, out_dir: Path,
                 on_event: Callable[[RunEvent], None] = lambda event: None, concurrency: int = 4,
                 prices: PriceTable | None = None, quotes: dict[int, Cost] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] | None = None,
                 limits: TimeLimits = TimeLimits(), timing: TimingModel | None = None,
                 max_spend: Decimal | None = None, mode: str = "live",
                 spawn: Callable[[Callable[[], None]], None] | None = None, backoff: Backoff | None = None,
                 store: JobStore | None = None, records: list[JobRecord] | None = None,
                 daily_cap: Decimal | None = None, ledger: SpendLedger | None = None, gate=None,
                 write_manifest: bool = True):
        if records is None:
            problems = validate_jobs(jobs, catalog)
            if problems:
                raise InvalidJobsError(problems)
            prices = prices or PriceTable.load()
            quotes = quotes or {}
            records = [JobRecord(i, job, catalog.get(job.model),
                                 prices.estimate(catalog.get(job.model), job.inputs), quotes.get(i))
                       for i, job in enumerate(jobs)]
            for record in records:
                record.timestamps["queued_at"] = time.time()
            if store is not None:
                store.new_batch(records)
        self.records = records
        self.store = store
        names = {record.spec.name: record.index for record in records}
        self._parent = {r.index: names[r.spec.image_from] for r in records
                        if r.spec.image_from and r.spec.image_from in names}
        self.daily_cap = daily_cap
        self.ledger = ledger
        # Shared limits across processes (the Celery executor): acquire(model) before a submit,
        # rate_limited(model) on a 429, release() when the job's work ends.
        self.gate = gate
        self.client = client
        self.out_dir = out_dir
        self.on_event = on_event
        self.concurrency = max(1, concurrency)
        self.clock = clock
        self._injected_sleep = sleep
        self.limits = limits
        self.timing = timing or TimingModel()
        self.max_spend = max_spend
        self.mode = mode
        self._spawn = spawn
        self.backoff = backoff or Backoff()
        self.planner = OutputPlanner(out_dir)
        self.uploads = UploadCache(client, self.backoff)
        self.manifest = manifest.ManifestWriter(out_dir)
        self._manifest_enabled = write_manifest
        self._cond = threading.Condition()
        self._detached = threading.Event()
        self._in_flight: set[int] = set()
        self.limiter = ModelLimiter(self.concurrency)
        self._halt: tuple[str, str] | None = None  # ("paused" | "stopped", reason)
        self._started_wall = None
        self._batch_status = "not started"

    @classmethod
    def from_store(cls, store: JobStore, *, catalog: Catalog, retry_failed: bool = False, **options) -> "BatchRunner":
        """The latest batch of a folder's store, after a crash, a kill or a closed window.

        Submitted jobs are followed (polled, downloaded), never submitted again; a job caught
        mid-submit needs a decision; queued jobs stay queued; with ``retry_failed`` the failed
        ones are queued again (a failed task was refunded, so this is a new charge).
        """
        records = [resume_record(stored, catalog, retry_failed) for stored in store.load()]
        for record in records:
            store.save(record)
        remove_partial_downloads(options["out_dir"])
        return cls([], catalog=catalog, store=store, records=records, **options)

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

    def detach(self, reason: str = "the app was closed; reopen the folder to continue") -> None:
        """Stops working without deciding anything: submitted jobs stay submitted in the store."""
        with self._cond:
            self._detached.set()
            self._halt = ("stopped", reason)
            for record in self.records:
                record.cancel_event.set()
            self._cond.notify_all()

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
            self._emit(record)
            self._cond.notify_all()

    @property
    def spent(self) -> Decimal:
        return sum((r.charged for r in self.records if r.charged is not None), Decimal(0))

    # --- the batch -------------------------------------------------------------------
    def run(self) -> BatchResult:
        """Blocks until nothing is in flight and nothing more may be submitted."""
        started = self.clock()
        self._started_wall = time.time()
        self.out_dir.mkdir(parents=True, exist_ok=True)
        own_pool = None
        spawn = self._spawn
        if spawn is None:
            own_pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="batch-job")
            spawn = own_pool.submit
        with self._cond:
            self._halt = None
        self._batch_status = "running"
        self._emit_batch("started", f"{len(self.records)} jobs, up to {self.concurrency} at a time")
        self._write_manifest(force=True)
        try:
            self._dispatch(spawn)
        finally:
            with self._cond:
                self._cond.wait_for(lambda: not self._in_flight)
            if own_pool is not None:
                own_pool.shutdown(wait=True)
        held = sum(1 for r in self.records if r.state == JobState.QUEUED)
        status, reason = self._halt or (("paused", f"{held} job(s) are held back or wait for a held job") if held
                                        else ("finished", "all jobs ended"))
        self._batch_status = status
        self._write_manifest(force=True)
        self._emit_batch(status, reason)
        return BatchResult(status, reason, self.records, self.clock() - started)

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
                self.limiter.started(record.spec.model)
            spawn(lambda record=record: self._run_job(record))

    def _pick(self) -> JobRecord | None:
        """The next job to work on, under the lock: submitted jobs to follow first (they
        cost nothing more, so even a paused batch follows them), then the queue in order."""
        if len(self._in_flight) >= self.concurrency:
            return None
        if self._detached.is_set():
            return None
        for record in self.records:
            if record.index not in self._in_flight and record.prediction_id and record.state in FOLLOW_STATES:
                return record
        if self._halt is not None:
            return None
        waiting = sorted((r for r in self.records if r.state == JobState.QUEUED and not r.paused
                          and r.index not in self._in_flight), key=lambda r: r.queue_order)
        for record in waiting:
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
        if self.max_spend is not None and self.spent + cost > self.max_spend:
            return (f'the spend cap of ${self.max_spend} would be crossed by "{record.spec.name}" '
                    f"({record.best_cost.label()}); spent so far ${self.spent:.2f}")
        if self.daily_cap is not None and self.ledger is not None:
            today = self.ledger.today()
            if today + cost > self.daily_cap:
                return (f'the daily cap of ${self.daily_cap} would be crossed by "{record.spec.name}" '
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
            if self.gate is not None:
                self.gate.release()
            with self._cond:
                self._in_flight.discard(record.index)
                self.limiter.finished(record.spec.model)
                self._cond.notify_all()
            self._write_manifest()

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
        attempt = 0
        while True:
            self._check_cancel(record)
            if self.gate is not None:
                self.gate.acquire(record.spec.model, lambda: self._check_cancel(record))
            self._transition(record, JobState.SUBMITTING)
            record.submit_attempts += 1
            try:
                submission = self.client.submit(record.model.type, body)
            except RetryableError as exc:
                # Nothing was created (429, or the connection never opened): safe to wait and retry.
                record.note_request(exc.request_id)
                if isinstance(exc, RateLimitedError):
                    if self.gate is not None:
                        self.gate.rate_limited(record.spec.model)
                    with self._cond:
                        limit = self.limiter.rate_limited(record.spec.model)
                    self._emit_batch("throttled", f"{record.spec.model}: rate limited, now {limit} at a time")
                self._transition(record, JobState.QUEUED)
                delay = self.backoff.delay(attempt)
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
        if self.ledger is not None:
            self.ledger.add(record.best_cost.amount)
        self._transition(record, JobState.SUBMITTED, prediction_id=submission.prediction_id,
                         request_id=submission.request_id)
        # The id is the only proof of what was paid for: on disk before anything else.
        self._write_manifest(force=True)
        return True

    # --- poll and download -----------------------------------------------------------
    def _follow(self, record: JobRecord) -> None:
        started = self.clock()
        schedule = self.timing.schedule(record.model, record.spec.inputs)
        expected = schedule.current().centre
        # Only a job followed from its submit tells how long generations take; a resumed one
        # was submitted before this follow's clock started.
        fresh = time.time() - record.timestamps.get("submitted_at", 0.0) < FRESH_FOLLOW_SECONDS
        last_running_at = 0.0 if fresh else None
        limit = self.limits.for_model(record.model.model_id, record.model.is_video)
        failures = 0
        last_progress = -1.0
        while True:
            elapsed = self.clock() - started
            if failures:
                delay = self.backoff.delay(min(failures, 5))
            else:
                delay = schedule.next_delay(elapsed)
            self._sleep(record, delay)
            elapsed = self.clock() - started
            if elapsed > limit:
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"still not finished after {limit / 60:.0f} min (the limit for this model); the "
                             f"prediction {record.prediction_id} is kept so it can be checked again later")
                return
            try:
                prediction = self.client.poll(record.prediction_id)
            except AuthError as exc:
                record.note_request(exc.request_id)
                self._halt_batch("stopped", str(exc))
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"polling stopped because the key was rejected; the task was submitted as "
                             f"{record.prediction_id} and can be checked again with a valid key")
                return
            except (NotFoundError, FatalError) as exc:
                if exc.status in (400, 404) and elapsed < NOT_VISIBLE_GRACE:
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
                if self.ledger is not None:
                    self.ledger.add(-record.best_cost.amount)
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
                if last_running_at is not None:
                    self.timing.observe(record.model, record.spec.inputs, last_running_at, elapsed)
                self._download(record)
                return
            if last_running_at is not None:
                last_running_at = elapsed
            progress = min(0.95, elapsed / expected) if expected else None
            if record.state == JobState.SUBMITTED:
                self._transition(record, JobState.RUNNING, progress=progress)
                last_progress = progress or 0
            elif progress is not None and progress - last_progress >= 0.05:
                last_progress = progress
                self._emit(record, progress=progress)

    def _download(self, record: JobRecord) -> None:
        record.files = []
        if len(record.planned_paths) != len(record.output_urls):
            # Decided once and stored, so a download resumed after a crash reuses its name
            # instead of leaving a "name (2).png" twin.
            record.planned_paths = [
                self.planner.reserve(record.spec.name, record.spec.output_subfolder, record.model.is_video, url,
                                     part if len(record.output_urls) > 1 else None).relative_to(self.out_dir).as_posix()
                for part, url in enumerate(record.output_urls)]
        self._transition(record, JobState.DOWNLOADING)
        for part, url in enumerate(record.output_urls):
            path = self.out_dir / record.planned_paths[part]
            path.parent.mkdir(parents=True, exist_ok=True)
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
                    self._sleep(record, self.backoff.delay(attempt))
            else:
                self.planner.release(path)
                self._finish(record, JobState.NEEDS_ATTENTION,
                             f"the output could not be downloaded after {DOWNLOAD_ATTEMPTS} tries; its URL stays "
                             f"valid for a while: retry the download")
                return
            relative = result.path.relative_to(self.out_dir).as_posix()
            record.files.append(OutputFile(url=url, path=relative, bytes=result.bytes, sha256=result.sha256))
        self._finish(record, JobState.DONE, "", output_path=record.files[0].path if record.files else None)

    # --- helpers ---------------------------------------------------------------------
    def _sleep(self, record: JobRecord, seconds: float) -> None:
        if self._injected_sleep is not None:
            self._check_cancel(record)
            self._injected_sleep(seconds)
        else:
            record.cancel_event.wait(seconds)
        self._check_cancel(record)

    def _check_cancel(self, record: JobRecord) -> None:
        if self._detached.is_set():
            raise _Detached()
        if record.cancel_event.is_set():
            raise _Cancelled()

    def _halt_batch(self, status: str, reason: str) -> None:
        with self._cond:
            if self._halt is None or (status == "stopped" and self._halt[0] != "stopped"):
                self._halt = (status, reason)
                self._emit_batch(status, reason)
            self._cond.notify_all()

    def _transition(self, record: JobRecord, state: JobState, **details) -> None:
        record.move(state)
        self._emit(record, **details)

    def _finish(self, record: JobRecord, state: JobState, message: str, **details) -> None:
        record.error = message or None
        record.move(state)
        self._emit(record, message=message, error=message or None, **details)
        self._write_manifest(force=state in (JobState.NEEDS_ATTENTION,))

    def _emit(self, record: JobRecord, **details) -> None:
        record.manifest_entry = None  # every change of a record passes through here
        if self.store is not None:
            # On disk before anyone hears of it: "submitted" is only ever said of a saved id.
            self.store.save(record)
        details.setdefault("prediction_id", record.prediction_id)
        details.setdefault("request_id", record.request_ids[-1] if record.request_ids else None)
        details.setdefault("cost", record.best_cost)
        self.on_event(RunEvent(kind="job", state=record.state.value, job_index=record.index,
                               job_name=record.spec.name, model=record.spec.model, **details))

    def _emit_batch(self, state: str, message: str) -> None:
        self.on_event(RunEvent(kind="batch", state=state, message=message))

    def _write_manifest(self, force: bool = False) -> None:
        if self._manifest_enabled:
            self.manifest.write(self._manifest_document, force=force)

    def _manifest_document(self) -> dict:
        batch = {"status": self._batch_status, "message": self._halt[1] if self._halt else None,
                 "started_at": manifest._iso(self._started_wall), "concurrency": self.concurrency,
                 "max_spend": float(self.max_spend) if self.max_spend is not None else None}
        return manifest.build(self.records, batch=batch, mode=self.mode, base_url=self.client.base_url)



def remove_partial_downloads(folder: Path) -> int:
    """Half-written downloads and manifest writes a killed process left behind; the files
    they were meant to become are never partial, so these are safe to delete."""
    removed = 0
    if folder.is_dir():
        for partial in [*folder.rglob(".*.part"), *folder.glob(".manifest.json.*.tmp")]:
            partial.unlink(missing_ok=True)
            removed += 1
    return removed


def resume_record(stored, catalog: Catalog, retry_failed: bool = False) -> JobRecord:
    """A stored job as a record to continue: a job caught mid-submit needs a decision (it may
    have been created and billed); with ``retry_failed`` a failed job is queued again."""
    record = record_from_stored(stored, catalog)
    if record.state == JobState.SUBMITTING:
        record.state = JobState.NEEDS_ATTENTION
        record.error = ("the batch stopped while this job was being submitted: Atlas Cloud may have created "
                        "(and billed) it. Check the dashboard, then resubmit or drop it.")
    elif record.state in FOLLOW_STATES and not record.prediction_id:
        record.state = JobState.QUEUED  # cannot happen by construction; a queued job is the safe reading
    elif retry_failed and record.state == JobState.FAILED:
        record.state, record.error, record.prediction_id, record.refunded = JobState.QUEUED, None, None, False
        record.output_urls, record.files, record.planned_paths = [], [], []
    return record


def record_from_stored(stored, catalog: Catalog) -> JobRecord:
    """A stored job as it stands (for reports; resume_record for continuing one)."""
    model = catalog.get(stored.spec.model)
    if model is None:
        raise StoreError(f'job "{stored.spec.name}" uses {stored.spec.model}, which the catalog no longer '
                         "lists; it cannot be resumed")
    record = JobRecord(stored.position, stored.spec, model, stored.estimate, stored.quote,
                       state=stored.state, prediction_id=stored.prediction_id,
                       output_urls=stored.output_urls, files=stored.files, request_ids=stored.request_ids,
                       error=stored.error, submit_attempts=stored.submit_attempts, refunded=stored.refunded,
                       timestamps=stored.timestamps, queue_order=stored.queue_order, paused=stored.paused,
                       batch=stored.batch, planned_paths=stored.planned_paths)
    return record
