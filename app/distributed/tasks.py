"""The Celery app and its one task: run one stored job (submit, poll, download) to its end.

A task holds its job's lease (leases.py) while it runs. When its worker dies the lease lapses
within seconds and the coordinator enqueues the job again; the job store tells the new worker
what already happened (a prediction id means follow, never resubmit; a submit cut off midway
is looked up in the account's history and followed if found, sent once more if not; a job
never submitted is submitted). acks_late + reject_on_worker_lost still
redeliver the dead worker's task later: it finds the job taken or finished and does nothing.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import threading
import time
from pathlib import Path
from typing import Callable

from celery import Celery

from app.distributed import config
from app.distributed.coordination import GlobalGate, connect, publish
from app.distributed.leases import FencedGate, FencedStore, JobKey, JobLease, SubmitClaim
from app.engine.core import appdirs
from app.engine.atlas.catalog import Catalog, CatalogService
from app.engine.atlas.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.core.i18n import translate
from app.engine.run.records import JobRecord, JobState, RunEvent
from app.engine.run.planning import record_from_stored, resume_record
from app.engine.run.reconcile import RESUBMITTED, PendingSubmits, settle_noted
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits
from app.engine.run.store import JobStore
from app.engine.run.timing import DEMO_SERVER, TimingModel
from app.engine.jobs.recipes import RECIPE_POLICY_KEY, RecipePolicy
from app.distributed.timing_share import RedisTimingShare
from app.sim.state import DEMO_KEY

celery_app = Celery("batch_studio", broker=config.broker_url(), backend=config.broker_url())
celery_app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue=config.QUEUE,
    # kombu's default sweep for abandoned messages runs about every 100 s; a dead worker's job
    # should move on about when its visibility timeout says so.
    broker_transport_options={"visibility_timeout": config.visibility_timeout(),
                              "unacked_restore_interval": max(1, min(10, config.visibility_timeout() // 2)),
                              "unacked_restore_throttle": 1},
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_expires=3600,
)


class StandDown:
    """Stops one job's runner without deciding anything (its new holder decides), from any
    thread, even before the runner exists; nothing the runner says after it is published."""

    def __init__(self):
        self.requested = threading.Event()
        self._runner: BatchRunner | None = None

    def __call__(self) -> None:
        self.requested.set()
        if self._runner is not None:
            self._runner.detach("another worker holds this job now")

    def bind(self, runner: BatchRunner) -> None:
        self._runner = runner
        if self.requested.is_set():
            runner.detach("another worker holds this job now")


_catalog_services: dict[str, CatalogService] = {}
_catalog_lock = threading.Lock()


@functools.cache
def _demo_catalog() -> Catalog:
    """The bundled snapshot, read once per worker process rather than once per job."""
    return Catalog.snapshot()


def _catalog_for(base_url: str, demo: bool, model_id: str) -> Catalog:
    """The catalog the batch was planned with: a live model may be missing from the bundled
    snapshot, so a worker reads the same cached list (and lazy schemas) as the app and CLI."""
    if demo:
        return _demo_catalog()
    base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
    with _catalog_lock:
        service = _catalog_services.get(base_url)
        if service is None:
            service = _catalog_services[base_url] = CatalogService(
                lambda: AtlasClient(base_url, _api_key()), appdirs.cache_dir(), base_url=base_url)
    catalog = service.load()
    if model_id not in catalog or service.is_stale():
        catalog = service.refresh(force=model_id not in catalog)
    catalog.ensure_schemas([model_id])
    return catalog


_timings: collections.OrderedDict[tuple, TimingModel] = collections.OrderedDict()
_timing_lock = threading.Lock()
KEPT_BATCHES = 4  # a worker serving several batches at once keeps each one's model


def _timing_for(batch_id: str, server: str, scale: float) -> TimingModel:
    """One timing model per batch in each worker process, shared by its tasks as one process's
    jobs share theirs: what a finished job taught reaches the next job at once, and the model
    reads the batch's shared finishes from where it last stopped. A model per task would
    read its history file, and the whole Redis list of the batch's finishes, for every job:
    a cost that grows with the batch."""
    key = (batch_id, server, scale, config.broker_url())
    with _timing_lock:
        model = _timings.get(key)
        if model is None:
            share = RedisTimingShare(connect(config.broker_url()), batch_id)
            model = _timings[key] = TimingModel.for_server(appdirs.data_dir(), server, scale=scale, share=share)
            while len(_timings) > KEPT_BATCHES:
                _, dropped = _timings.popitem(last=False)
                dropped.flush()
                dropped.share.client.close()
        _timings.move_to_end(key)
        return model


class _Shared:
    """Things the tasks running at once in this process share, as one process's job threads
    share them: opened by the first task that needs one, closed when the last using it ends.
    One store per folder lets the saves of many jobs share a commit (JobStore.save), and one
    HTTP client and Redis pool keep their connections instead of opening them for every job."""

    def __init__(self, open_: Callable[[object], object], close: Callable[[object], None]):
        self._open, self._close = open_, close
        self._entries: dict[object, list] = {}  # key -> [thing, tasks using it]
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._entries[key] = [self._open(key), 0]
            entry[1] += 1
        try:
            yield entry[0]
        finally:
            with self._lock:
                entry[1] -= 1
                last = entry[1] == 0 and self._entries.get(key) is entry
                if last:
                    del self._entries[key]
            if last:
                self._close(entry[0])


_redis_clients = _Shared(connect, lambda client: client.close())
_stores = _Shared(lambda folder: JobStore(Path(folder)), lambda store: store.close())
_clients = _Shared(lambda key: AtlasClient(key[0], DEMO_KEY if key[1] else _api_key()), lambda client: client.close())


# Nobody reads a task's return value (events go by pub/sub), so none is stored.
@celery_app.task(name="batch_studio.run_job", bind=True, ignore_result=True)
def run_job(self, folder: str, batch: int, position: int, batch_id: str, limit: int, base_url: str,
            time_scale: float = 1.0, demo: bool = False) -> str:
    with _redis_clients.use(config.broker_url()) as redis_client:
        stand_down = StandDown()
        lease = JobLease(redis_client, JobKey(folder, batch, position, batch_id), config.lease_seconds(),
                         waiting_seconds=config.waiting_lease_seconds(), on_lost=stand_down)
        if not lease.acquire():
            return "another worker holds this job"  # alive and renewing: it will finish it
        try:
            with _stores.use(folder) as store, _clients.use((base_url or DEFAULT_BASE_URL, demo)) as client:
                return _work(folder, batch, position, batch_id, limit, base_url, time_scale, demo, redis_client, lease,
                             stand_down, store, client)
        finally:
            lease.release()


def _work(folder: str, batch: int, position: int, batch_id: str, limit: int, base_url: str, time_scale: float,
          demo: bool, redis_client, lease: JobLease, stand_down: StandDown, store: JobStore, client: AtlasClient) -> str:
    stored = store.load_job(batch, position)
    if stored is None or stored.state.is_terminal:
        return "nothing to do"
    catalog = _catalog_for(base_url, demo, stored.spec.model)
    record, outcome = _take_up(stored, catalog, store, client, lease, redis_client, batch_id)
    if outcome is not None:
        return outcome
    if record.state != JobState.QUEUED and not lease.commit():
        return "handed to another worker"
    # A dead worker's slots come back in half the time its jobs do: a slot wrongly freed only
    # lets the fleet briefly exceed its limit, a job wrongly freed would be worked on twice.
    pending = PendingSubmits(store)
    gate = FencedGate(GlobalGate(redis_client, batch_id, limit, config.lease_seconds() / 2), lease, stand_down,
                      settled=lambda: pending.get(record) is None)

    def report(event: RunEvent) -> None:
        if stand_down.requested.is_set():
            return  # the job's new holder reports it from now on
        if event.kind == "job" or event.state in ("stopped", "paused"):
            publish(redis_client, batch_id, event)

    # The coordinator writes the manifest; the fleet's limits are the gate's.
    runner = BatchRunner(BatchPlan([record], Path(folder), "distributed"), Limits(concurrency=1), io=Connections(
        client=client, store=FencedStore(store, lease, stand_down), gate=gate, on_event=report,
        timing=_timing_for(batch_id, DEMO_SERVER if demo else client.base_url, time_scale),
        write_manifest=False, recipes=RecipePolicy.from_json(store.meta(RECIPE_POLICY_KEY))))
    stand_down.bind(runner)
    runner.run()
    if gate.refused is SubmitClaim.TAKEN:
        # Refused before anything was sent; what the earlier holder sent is unknown.
        record.state, record.error = JobState.NEEDS_ATTENTION, translate(
            "Fleet", "another worker began submitting this job and stopped answering: Atlas Cloud may have "
                     "created (and billed) it. Check the dashboard, then resubmit or drop it.")
        return _needs_attention(record, store, lease, redis_client, batch_id)
    if stand_down.requested.is_set():
        return "handed to another worker"
    return record.state.value


LOST = "the worker submitting this job stopped answering before Atlas Cloud's reply was saved"


def _take_up(stored, catalog, store: JobStore, client: AtlasClient, lease: JobLease, redis_client,
             batch_id: str) -> tuple[JobRecord, str | None]:
    """The job as its new holder continues it, after settling whatever its earlier holder left
    open; returns the record and, when the task ends here, what it ended with.

    Every worker notes a submit's body in the store before it leaves and drops the note only
    once the outcome is known, so the store tells each case apart:
    - a prediction id: that submit is settled whatever note is left; follow the id;
    - a note: the submit may or may not have reached Atlas; the account's history says which
      (found: follow it; absent: nothing was created, submit it once more);
    - no note: nothing left for this job (killed after taking the ticket or saving "submitting",
      before the note), so it is submitted; the ticket is taken over at the gate."""
    pending = PendingSubmits(store)
    probe = record_from_stored(stored, catalog)
    noted = pending.get(probe)
    if stored.prediction_id:
        if noted is not None:
            if not lease.still_ours():
                return probe, "handed to another worker"
            pending.clear(probe)
        return resume_record(stored, catalog, store=store), None
    if noted is None:
        if probe.state != JobState.SUBMITTING:
            return resume_record(stored, catalog, store=store), None
        probe.state, probe.error = JobState.QUEUED, None
        probe.timestamps["caught_mid_submit_at"] = time.time()
        return probe, None
    record = resume_record(stored, catalog, store=store)  # a noted submit: queued for the lookup
    batch = stored.batch
    verdict = settle_noted(record, store, client, claimed=lambda: {
        job.prediction_id for job in store.load(batch) if job.prediction_id})
    lost = translate("Fleet", LOST)
    if verdict.kind == "found":
        if not lease.still_ours():
            return record, "handed to another worker"
        store.save(record)
        pending.clear(record)
        publish(redis_client, batch_id, RunEvent(
            kind="job", state=record.state.value, job_index=record.index, job_name=record.spec.name,
            model=record.spec.model, message=f"{lost}; {verdict.message}", prediction_id=record.prediction_id,
            cost=record.best_cost))
        return record, None
    if verdict.kind == "absent" and RESUBMITTED not in record.timestamps:
        if not lease.still_ours():
            return record, "handed to another worker"
        # Not created, so nothing was charged: submitted once more, as a single process does.
        record.timestamps[RESUBMITTED] = time.time()
        store.save(record)
        pending.clear(record)
        publish(redis_client, batch_id, RunEvent(
            kind="job", state=record.state.value, job_index=record.index, job_name=record.spec.name,
            model=record.spec.model, message=f"{lost}; {verdict.message}; submitting it once more", retrying=True))
        return record, None
    record.state, record.error = JobState.NEEDS_ATTENTION, f"{lost}; {verdict.message}. " + translate(
        "Fleet", "Check the dashboard, then resubmit or drop it.")
    return record, _needs_attention(record, store, lease, redis_client, batch_id)


def _needs_attention(record, store: JobStore, lease: JobLease, redis_client, batch_id: str) -> str:
    if not lease.still_ours():
        return "handed to another worker"
    store.save(record)
    publish(redis_client, batch_id, RunEvent(
        kind="job", state=record.state.value, job_index=record.index, job_name=record.spec.name,
        model=record.spec.model, message=record.error or "", error=record.error,
        prediction_id=record.prediction_id, cost=record.best_cost))
    return "needs attention"


def _api_key() -> str | None:
    from app.engine.atlas.secrets import api_key

    return api_key()[0] or os.environ.get("BATCH_STUDIO_WORKER_KEY")
