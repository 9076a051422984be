"""The coordinating side of a Celery batch: enqueue the jobs, follow the events the workers
publish, start chained jobs when their images exist, and keep the manifest from the store."""

from __future__ import annotations

import time
import uuid
from typing import Callable

from app.distributed import config
from app.distributed.coordination import connect, decode, event_channel
from app.engine import manifest
from app.engine.catalog import Catalog
from app.engine.records import JobRecord, JobState, RunEvent
from app.engine.runner import BatchResult, BatchRunner, record_from_stored, remove_partial_downloads
from app.engine.store import JobStore


def run_distributed(runner: BatchRunner, *, store: JobStore, catalog: Catalog, base_url: str,
                    on_event: Callable[[RunEvent], None], time_scale: float = 1.0, demo: bool = False,
                    check_every: float = 1.0) -> BatchResult:
    """``runner`` holds the batch's records (already in the store); the workers do the work."""
    from app.distributed.tasks import run_job

    started = time.monotonic()
    batch_id = uuid.uuid4().hex
    batch = runner.records[0].batch
    redis_client = connect(config.broker_url())
    events = redis_client.pubsub(ignore_subscribe_messages=True)
    events.subscribe(event_channel(batch_id))
    by_name = {record.spec.name: record for record in runner.records}
    waiting = {r.index for r in runner.records if r.spec.image_from and r.spec.image_from in by_name}
    writer = manifest.ManifestWriter(runner.out_dir)

    def enqueue(record: JobRecord) -> None:
        run_job.apply_async(args=[str(runner.out_dir), batch, record.index, batch_id, runner.concurrency, base_url,
                                  time_scale, demo])

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
            records = [record_from_stored(stored, catalog) for stored in store.load(batch)]
            for record in records:
                if record.index not in waiting:
                    continue
                parent = next(r for r in records if r.spec.name == record.spec.image_from)
                if parent.state == JobState.DONE:
                    waiting.discard(record.index)
                    enqueue(record)
                elif parent.state.is_terminal:
                    waiting.discard(record.index)
                    reason = (f'its start image comes from "{parent.spec.name}", which ended as '
                              f"{parent.state.value.replace('_', ' ')}; nothing was charged")
                    store.update(batch, record.index, state=JobState.FAILED, error=reason)
                    on_event(RunEvent(kind="job", state="failed", job_index=record.index, job_name=record.spec.name,
                                      model=record.spec.model, error=reason, message=reason))
            writer.write(lambda: _document(records, runner, batch_id), force=True)
            if all(record.state.is_terminal for record in records) and not waiting:
                break
    finally:
        events.close()
        redis_client.close()
    if halt is not None:
        _withdraw(redis_client_url=config.broker_url())
    records = [record_from_stored(stored, catalog) for stored in store.load(batch)]
    remove_partial_downloads(runner.out_dir)
    status, reason = halt or ("finished", "all jobs ended")
    writer.write(lambda: _document(records, runner, batch_id, status), force=True)
    on_event(RunEvent(kind="batch", state=status, message=reason))
    return BatchResult(status, reason, records, time.monotonic() - started)


def _withdraw(redis_client_url: str) -> None:
    """Jobs still waiting in the queue are taken back: they stay queued in the store and
    ``--resume`` (or reopening the folder) sends them again once the key or balance is fixed."""
    from app.distributed.tasks import celery_app

    celery_app.control.purge()


def _document(records: list[JobRecord], runner: BatchRunner, batch_id: str, status: str = "running") -> dict:
    return manifest.build(records, batch={"status": status, "executor": "celery", "batch_id": batch_id,
                                          "concurrency": runner.concurrency},
                          mode=runner.mode, base_url=runner.client.base_url)
