"""The Celery app and its one task: run one stored job (submit, poll, download) to its end.

acks_late + reject_on_worker_lost: a task whose worker dies is delivered again; the job
store tells the new worker what already happened (a prediction id means follow, never
resubmit; a submit cut off midway needs a person).
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

from app.distributed import config
from app.distributed.coordination import GlobalGate, JobLease, connect, publish
from app.engine.catalog import Catalog
from app.engine.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.records import JobState
from app.engine.runner import BatchRunner, resume_record
from app.engine.store import JobStore
from app.engine.timing import TimingModel
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


@celery_app.task(name="batch_studio.run_job", bind=True)
def run_job(self, folder: str, batch: int, position: int, batch_id: str, limit: int, base_url: str,
            time_scale: float = 1.0, demo: bool = False) -> str:
    redis_client = connect(config.broker_url())
    lease = JobLease(redis_client, f"{folder}:{batch}:{position}", config.lease_seconds())
    if not lease.acquire():
        return "another worker holds this job"  # alive and renewing: it will finish it
    store = JobStore(Path(folder))
    client = AtlasClient(base_url or DEFAULT_BASE_URL, DEMO_KEY if demo else _api_key())
    try:
        stored = next((job for job in store.load(batch) if job.position == position), None)
        if stored is None or stored.state.is_terminal:
            return "nothing to do"
        catalog = Catalog.snapshot()
        record = resume_record(stored, catalog)
        if record.state == JobState.NEEDS_ATTENTION:
            store.save(record)  # the previous worker died mid-submit: a person decides
            publish(redis_client, batch_id, _attention_event(record))
            return "needs attention"
        gate = GlobalGate(redis_client, batch_id, limit, config.lease_seconds())
        runner = BatchRunner([], records=[record], store=store, client=client, catalog=catalog,
                             out_dir=Path(folder), concurrency=1, gate=gate, mode="distributed",
                             timing=TimingModel(None, scale=time_scale), write_manifest=False,
                             on_event=lambda event: publish(redis_client, batch_id, event)
                             if event.kind == "job" or event.state in ("stopped", "paused") else None)
        runner.run()
        return record.state.value
    finally:
        client.close()
        store.close()
        lease.release()
        redis_client.close()


def _api_key() -> str | None:
    from app.engine.secrets import api_key

    return api_key()[0] or os.environ.get("BATCH_STUDIO_WORKER_KEY")


def _attention_event(record):
    from app.engine.records import RunEvent

    return RunEvent(kind="job", state=record.state.value, job_index=record.index, job_name=record.spec.name,
                    model=record.spec.model, message=record.error or "", error=record.error,
                    prediction_id=record.prediction_id, cost=record.best_cost)
