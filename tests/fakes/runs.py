"""Runners built the way the app and the CLI build them: plan, keep in the store, run."""

from __future__ import annotations

from pathlib import Path

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.planning import plan_batch, plan_resume
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits
from app.engine.run.store import JobStore


def new_runner(jobs: list[JobSpec], catalog: Catalog, out_dir: Path, *, limits: Limits = Limits(),
               mode: str = "live", store: JobStore | None = None, prices=None, quotes=None,
               **connections) -> BatchRunner:
    """A new batch of ``jobs`` (validated here); ``connections`` are Connections' fields."""
    records = plan_batch(jobs, catalog, prices=prices, quotes=quotes)
    if store is not None:
        store.new_batch(records)
    return BatchRunner(BatchPlan(records, out_dir, mode), limits, io=Connections(store=store, **connections))


def resumed_runner(store: JobStore, catalog: Catalog, out_dir: Path, *, limits: Limits = Limits(),
                   mode: str = "live", retry_failed: bool = False, **connections) -> BatchRunner:
    """The store's latest batch, continued."""
    records = plan_resume(store, catalog, out_dir, retry_failed=retry_failed)
    return BatchRunner(BatchPlan(records, out_dir, mode), limits, io=Connections(store=store, **connections))
