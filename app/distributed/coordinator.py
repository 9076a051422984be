"""The coordinating side of a Celery batch: enqueue the jobs, follow the events the workers
publish, start chained jobs when their images exist, move on the jobs of a worker that died
(its leases lapsed), and keep the manifest from the store."""

from __future__ import annotations

import json
import time
import uuid
from typing import Callable

import redis

from app.distributed import config
from app.distributed.coordination import connect, decode, event_channel
from app.distributed.leases import forget_run, reclaim_orphans
from app.engine.run import manifest
from app.engine.atlas.catalog import Catalog
from app.engine.core.i18n import translate
from app.engine.run.records import JobRecord, JobState, RunEvent
from app.engine.run.planning import record_from_stored, remove_partial_downloads
from app.engine.run.runner import BatchResult, BatchRunner
from app.engine.run.store import JobStore
from app.engine.jobs.recipes import RECIPE_POLICY_KEY
from app.engine.run.manifestpump import ManifestPump

# kombu's Redis transport serves priority 0 first: a job taken back from a dead worker goes
# ahead of the queue, so it moves on within seconds even behind thousands of queued jobs.
PRIORITY_QUEUED = 6
PRIORITY_RECOVERED = 0


def run_distributed(runner: BatchRunner, *, store: JobStore, catalog: Catalog, base_url: str,
                    on_event: Callable[[RunEvent], None], time_scale: float = 1.0, demo: bool = False,
                    check_every: float = 1.0) -> BatchResult:
    """``runner`` holds the batch's records (already in the store); the workers do the work."""
    from app.distributed.tasks import celery_app, run_job

    started = time.monotonic()
    batch_id = uuid.uuid4().hex
    batch = runner.records[0].batch
    redis_client = connect(config.broker_url())
    # The broker named now, not the one this process saw when it first imported the tasks.
    broker = celery_app.connection_for_write(config.broker_url())
    events = redis_client.pubsub(ignore_subscribe_messages=True)
    events.subscribe(event_channel(batch_id))
    by_name = {record.spec.name: record for record in runner.records}
    waiting = {r.index for r in runner.records if r.spec.image_from and r.spec.image_from in by_name}
    writer = manifest.ManifestWriter(runner.out_dir, store=store)
    # The workers read the batch from the store, and so what goes into its files.
    store.set_meta(RECIPE_POLICY_KEY, json.dumps(runner.io.recipes.as_dict()))
    # Rows as last read, by position: each look reads only the rows saved since the one before.
    current = {record.index: record for record in runner.records}
    since = 0
    pump = ManifestPump(lambda: writer.write_records(lambda: _head(list(current.values()), runner, batch_id),
                                                     list(current.values()), force=True), len(current),
                        interval=check_every)

    folder = str(runner.out_dir)

    def enqueue(record: JobRecord, priority: int = PRIORITY_QUEUED) -> None:
        run_job.apply_async(args=[folder, batch, record.index, batch_id, runner.concurrency, base_url,
                                  time_scale, demo], priority=priority, connection=broker)

    def move_on_orphans(records: list[JobRecord]) -> None:
        """Jobs whose worker stopped renewing their lease (it died) go to the next free worker,
        which follows a stored prediction id, flags a cut-off submit, or submits a queued job."""
        by_index = {record.index: record for record in records}
        for position in reclaim_orphans(redis_client, batch_id, folder, batch):
            record = by_index.get(position)
            if record is None or record.state.is_terminal:
                continue
            enqueue(record, PRIORITY_RECOVERED)
            message = translate("Fleet", "its worker stopped answering; another worker takes it over")
            on_event(RunEvent(kind="job", state=record.state.value, job_index=record.index,
                              job_name=record.spec.name, model=record.spec.model, message=message,
                              prediction_id=record.prediction_id, retrying=True))

    on_event(RunEvent(kind="batch", state="started", message=f"{len(runner.records)} jobs on the Celery "
                                                                f"workers, up to {runner.concurrency} at a time"))
    for record in runner.records:
        if record.index not in waiting and not record.state.is_terminal:
            enqueue(record)
    records = runner.records
    last_check = 0.0
    halt: tuple[str, str] | None = None
    try:
        while True:
            message = events.get_message(timeout=check_every)
            if message and message.get("type") == "message":
                event = decode(message["data"])
                if event.kind == "batch":
                    # A worker hit a rejected key or an empty balance: the whole batch must stop.
                    halt = halt or (event.state, event.message)
                    break
                on_event(event)
            if time.monotonic() - last_check < check_every and message:
                continue
            last_check = time.monotonic()
            changed, since = store.load_changed(batch, since)
            for stored in changed:
                current[stored.position] = record_from_stored(stored, catalog)
                pump.poke()
            records = list(current.values())
            move_on_orphans(records)
            by_name = {record.spec.name: record for record in records}
            for record in records:
                if record.index not in waiting:
                    continue
                parent = by_name[record.spec.image_from]
                if parent.state == JobState.DONE:
                    waiting.discard(record.index)
                    enqueue(record)
                elif parent.state.is_terminal:
                    waiting.discard(record.index)
                    reason = (f'its start image comes from "{parent.spec.name}", which ended as '
                              f"{parent.state.value.replace('_', ' ')}; nothing was charged")
                    store.update(batch, record.index, state=JobState.FAILED, error=reason)
                    # An update keeps the row's rowid: this copy is told directly.
                    record.state, record.error = JobState.FAILED, reason
                    record.changed()
                    pump.poke()
                    on_event(RunEvent(kind="job", state="failed", job_index=record.index, job_name=record.spec.name,
                                      model=record.spec.model, error=reason, message=reason))
            if pump.due():
                pump.write_now()
            if all(record.state.is_terminal for record in records) and not waiting:
                break
    finally:
        events.close()
        try:
            forget_run(redis_client, batch_id)
        except redis.RedisError:
            pass  # the list expires by itself; the batch's own outcome matters more
        redis_client.close()
        try:
            if halt is not None:
                _withdraw(broker)
        finally:
            broker.release()
    records = [record_from_stored(stored, catalog) for stored in store.load(batch)]
    remove_partial_downloads(runner.out_dir)
    status, reason = halt or ("finished", "all jobs ended")
    writer.write_records(lambda: _head(records, runner, batch_id, status), records, force=True)
    on_event(RunEvent(kind="batch", state=status, message=reason))
    return BatchResult(status, reason, records, time.monotonic() - started)


def _withdraw(broker) -> None:
    """Jobs still waiting in the queue are taken back: they stay queued in the store and
    ``--resume`` (or reopening the folder) sends them again once the key or balance is fixed."""
    from app.distributed.tasks import celery_app

    celery_app.control.purge(connection=broker)


def _head(records: list[JobRecord], runner: BatchRunner, batch_id: str, status: str = "running") -> dict:
    return manifest.head(records, batch={"status": status, "executor": "celery", "batch_id": batch_id,
                                          "concurrency": runner.concurrency},
                          mode=runner.plan.mode, base_url=runner.io.client.base_url)
