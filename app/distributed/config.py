"""Where the broker is, and the knobs a fleet operator may turn (all from the environment)."""

from __future__ import annotations

import os

BROKER_ENV = "BATCH_STUDIO_BROKER_URL"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
QUEUE = "batch-studio"


def broker_url() -> str:
    return os.environ.get(BROKER_ENV) or DEFAULT_BROKER


def visibility_timeout() -> int:
    """Seconds before a job taken by a worker that vanished is handed to another; the job's own
    lease (renewed while it runs) keeps a slow but alive worker from being second-guessed."""
    return int(os.environ.get("BATCH_STUDIO_VISIBILITY_TIMEOUT", "300"))


def lease_seconds() -> float:
    return float(os.environ.get("BATCH_STUDIO_LEASE_SECONDS", "30"))
