"""The coordinating side of a Celery batch: enqueue the jobs, follow the events the workers
publish, start chained jobs when their images exist, move on the jobs of a worker that died
(its leases lapsed), and keep the manifest from the store."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Callable

import redis

from app.distributed import config
from app.distributed.coordination import connect, decode, event_channel
from app.distributed.leases import forget_run, held_key, reclaim_orphans
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
    writer = manifest.ManifestWriter(runner.out_dir, store=store)
    # The workers read the batch from the store, and so what goes into its files.
    store.set_meta(RECIPE_POLICY_KEY, json.dumps(runner.io.recipes.as_dict()))
    view = BatchView(runner.records)

    def write_manifest() -> None:
        records = view.snapshot()
        writer.write_records(lambda: _head(records, runner, batch_id), records, force=True)

    # Its own thread: a rewrite of a 10,000-job manifest never holds up the look at the store.
    pump = ManifestPump(write_manifest, len(runner.records), interval=check_every)
    folder = str(runner.out_dir)

    tasks: dict[str, int] = {}  # task id -> job position, to tell which jobs still wait in the queue

    def enqueue(record: JobRecord, priority: int = PRIORITY_QUEUED) -> None:
        sent = run_job.apply_async(args=[folder, batch, record.index, batch_id, runner.concurrency, base_url,
                                         time_scale, demo], priority=priority, connection=broker)
        tasks[sent.id] = record.index

    def move_on_stranded(orphans: list[int]) -> None:
        """A worker that died had also taken tasks it never started (Celery hands each worker
        more than it runs at once): those jobs hold no lease for the sweep to find, and Celery
        gives them back only after its visibility timeout. Every job not ended, not held, and
        not waiting in the queue is one of them, and goes to the next free worker now. Once per
        death, so reading the queue is no cost per job; a job counted in error (a live worker
        took it between the two reads) gets a second task, which finds it held or done."""
        waiting_tasks = _queued_task_ids(redis_client)
        queued = {tasks[task] for task in waiting_tasks if task in tasks}
        held = {int(position) for position in redis_client.hkeys(held_key(batch_id))} | set(orphans)
        for record in view.snapshot():
            if record.state.is_terminal or record.index in held or record.index in queued or view.is_waiting(record):
                continue
            enqueue(record, PRIORITY_RECOVERED)

    def move_on_orphans() -> None:
        """Jobs whose worker stopped renewing their lease (it died) go to the next free worker,
        which follows a stored prediction id, settles a cut-off submit from the account's
        history, or submits a queued job."""
        orphans = reclaim_orphans(redis_client, batch_id, folder, batch)
        if orphans:
            move_on_stranded(orphans)
        for position in orphans:
            record = view.current.get(position)
            if record is None or record.state.is_terminal:
                continue
            enqueue(record, PRIORITY_RECOVERED)
            message = translate("Fleet", "its worker stopped answering; another worker takes it over")
            on_event(RunEvent(kind="job", state=record.state.value, job_index=record.index,
                              job_name=record.spec.name, model=record.spec.model, message=message,
                              prediction_id=record.prediction_id, retrying=True))

    def start_children(parent: JobRecord) -> None:
        """A parent ended: its waiting children go to the queue, or fail (and so theirs)."""
        for child in view.release_children(parent):
            if parent.state == JobState.DONE:
                enqueue(child)
                continue
            reason = (f'its start image comes from "{parent.spec.name}", which ended as '
                      f"{parent.state.value.replace('_', ' ')}; nothing was charged")
            store.update(batch, child.index, state=JobState.FAILED, error=reason)
            # An update keeps the row's rowid, so no look at the store would bring it back: told here.
            failed = dataclasses.replace(child, state=JobState.FAILED, error=reason, manifest_entry=None)
            failed.changed()
            view.replace(failed)
            pump.poke()
            on_event(RunEvent(kind="job", state="failed", job_index=child.index, job_name=child.spec.name,
                              model=child.spec.model, error=reason, message=reason))
            start_children(failed)

    on_event(RunEvent(kind="batch", state="started", message=f"{len(runner.records)} jobs on the Celery "
                                                                f"workers, up to {runner.concurrency} at a time"))
    for record in runner.records:
        if not view.is_waiting(record) and not record.state.is_terminal:
            enqueue(record)
    for record in runner.records:
        if record.state.is_terminal:
            start_children(view.current[record.index])  # a resumed batch: parents that ended before
    since = 0
    last_check = 0.0
    halt: tuple[str, str] | None = None
    pump.start()
    try:
        while view.unfinished or view.waiting:
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
            # Only the rows saved since the last look: a look costs what changed, not the batch.
            changed, since = store.load_changed(batch, since)
            for stored in changed:
                record = view.replace(record_from_stored(stored, catalog))
                pump.poke()
                if record.state.is_terminal:
                    start_children(record)
            move_on_orphans()
    finally:
        pump.stop()
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


class BatchView:
    """The coordinator's picture of the batch, kept by what changed: each job's latest row, a
    running count of jobs not ended, and the chained jobs waiting for each parent (by name), so
    a look at the store costs the rows saved since the last one, never the whole batch."""

    def __init__(self, records: list[JobRecord]):
        self.current: dict[int, JobRecord] = {record.index: record for record in records}
        self.unfinished = sum(1 for record in records if not record.state.is_terminal)
        names = {record.spec.name for record in records}
        self.children: dict[str, list[int]] = {}
        for record in records:
            if record.spec.image_from and record.spec.image_from in names and not record.state.is_terminal:
                self.children.setdefault(record.spec.image_from, []).append(record.index)
        self.waiting = sum(len(group) for group in self.children.values())

    def is_waiting(self, record: JobRecord) -> bool:
        return bool(record.spec.image_from) and record.index in self.children.get(record.spec.image_from, ())

    def replace(self, record: JobRecord) -> JobRecord:
        """A job's newer row; returns it."""
        before = self.current.get(record.index)
        if before is not None and not before.state.is_terminal:
            self.unfinished -= 1
        if not record.state.is_terminal:
            self.unfinished += 1
        self.current[record.index] = record
        return record

    def release_children(self, parent: JobRecord) -> list[JobRecord]:
        """The children that waited for ``parent`` (once: a parent's later rows find none)."""
        if parent.state.is_terminal and parent.spec.name in self.children:
            positions = self.children.pop(parent.spec.name)
            self.waiting -= len(positions)
            return [self.current[position] for position in positions]
        return []

    def snapshot(self) -> list[JobRecord]:
        """Every job's latest row, from any thread: one copy of the values (made under the GIL)."""
        return list(self.current.values())


def _queued_task_ids(client: redis.Redis) -> set[str]:
    """Ids of the tasks waiting in the broker's queue (kombu keeps one Redis list per priority step)."""
    from kombu.transport.redis import PRIORITY_STEPS, Channel

    ids = set()
    for step in PRIORITY_STEPS:
        for message in client.lrange(f"{config.QUEUE}{Channel.sep}{step}" if step else config.QUEUE, 0, -1):
            try:
                ids.add(json.loads(message)["headers"]["id"])
            except (ValueError, KeyError, TypeError):
                continue  # not a Celery task message
    return ids


def _withdraw(broker) -> None:
    """Jobs still waiting in the queue are taken back: they stay queued in the store and
    ``--resume`` (or reopening the folder) sends them again once the key or balance is fixed."""
    from app.distributed.tasks import celery_app

    celery_app.control.purge(connection=broker)


def _head(records: list[JobRecord], runner: BatchRunner, batch_id: str, status: str = "running") -> dict:
    return manifest.head(records, batch={"status": status, "executor": "celery", "batch_id": batch_id,
                                          "concurrency": runner.concurrency},
                          mode=runner.plan.mode, base_url=runner.io.client.base_url)
