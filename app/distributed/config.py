"""Where the broker is, and the knobs a fleet operator may turn (all from the environment)."""

from __future__ import annotations

import os

BROKER_ENV = "BATCH_STUDIO_BROKER_URL"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
QUEUE = "batch-studio"


def broker_url() -> str:
    return os.environ.get(BROKER_ENV) or DEFAULT_BROKER


def visibility_timeout() -> int:
    """Seconds before Celery hands an unacknowledged task to another worker. A dead worker's jobs
    do not wait for it (their leases lapse within ``lease_seconds`` and the coordinator moves them
    on); it only covers a task that died before it took its lease, and its late redelivery finds
    the job taken or finished and does nothing."""
    return int(os.environ.get("BATCH_STUDIO_VISIBILITY_TIMEOUT", "300"))


def lease_seconds() -> float:
    """A job's lease TTL: its worker renews it every quarter of this, and a worker gone silent
    for this long loses its jobs to the rest of the fleet."""
    return float(os.environ.get("BATCH_STUDIO_LEASE_SECONDS", "12"))


def waiting_lease_seconds() -> float:
    """The lease TTL of a job that has sent nothing yet (waiting for a fleet slot): a worker that
    dies holding such jobs lets them go sooner, and moving one on wrongly costs nothing."""
    return min(lease_seconds(), max(2.0, lease_seconds() / 3))
