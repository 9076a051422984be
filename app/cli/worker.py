"""``batch-studio worker``: a Celery worker that runs Batch Studio jobs (the tasks are app/distributed/tasks.py)."""

from __future__ import annotations

import uuid


def main(args) -> int:
    from app.distributed.tasks import celery_app

    name = args.name or f"batch-studio-{uuid.uuid4().hex[:8]}@%h"
    # Threads: a job mostly waits on HTTP; a thread pool also lets SIGKILL take the whole
    # worker at once, which is what the redelivery guarantees are built for.
    celery_app.worker_main(["worker", "--pool", "threads", "--concurrency", str(args.concurrency),
                            "--queues", "batch-studio", "--hostname", name, "--loglevel", "INFO",
                            "--without-gossip", "--without-mingle"])
    return 0
