"""Planning a batch: which jobs run, at what price, in which state, before anything is sent.

Planning depends on the job specs, the catalog (each job's model) and the price table, and on
the folder's job store when a stored batch is continued. It never talks to Atlas Cloud (quotes
come in ready-made) and never runs anything: its records are what ``runner.BatchRunner`` runs.

- A new batch: ``plan_batch`` validates (unless the caller already did), prices and makes the
  records; ``store.new_batch(records)`` then keeps them, so a crash or a kill loses nothing.
- A stored batch: ``plan_resume`` reads it back as records to continue, deciding what each job
  needs now (follow a submitted one, flag one cut off mid-submit, queue failed ones again).
"""

from __future__ import annotations

import time
from pathlib import Path

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, Problem, chain_problems, validate_jobs
from app.engine.atlas.pricing import Cost, PriceTable
from app.engine.run.reconcile import PendingSubmits
from app.engine.run.records import JobRecord, JobState
from app.engine.run.runner import FOLLOW_STATES
from app.engine.run.store import JobStore, StoreError


class InvalidJobsError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def plan_batch(jobs: list[JobSpec], catalog: Catalog, *, prices: PriceTable | None = None,
               quotes: dict[int, Cost] | None = None, validated: bool = False) -> list[JobRecord]:
    """The records of a new batch, queued in the order given; ``quotes`` by position.

    ``validated`` says each job was already checked on its own (the app checks rows as they are
    edited, the CLI before it prints the costs), which is the costly part. How these jobs chain
    to each other is checked anyway: it depends on which jobs were picked, and costs little.
    Raises InvalidJobsError listing every problem.
    """
    problems = chain_problems(jobs, catalog) if validated else validate_jobs(jobs, catalog)
    if problems:
        raise InvalidJobsError(problems)
    return queued_records(jobs, catalog, prices=prices, quotes=quotes)


def queued_records(jobs: list[JobSpec], catalog: Catalog, *, prices: PriceTable | None = None,
                   quotes: dict[int, Cost] | None = None, first: int = 0) -> list[JobRecord]:
    """Records for jobs already checked, estimated and queued now; ``quotes`` by position.
    Positions count from ``first`` (a batch planned a part at a time), else from 0:
    ``store.append`` renumbers jobs added to a stored batch."""
    prices = prices or PriceTable.load()
    quotes = quotes or {}
    queued_at = time.time()
    records = []
    for index, job in enumerate(jobs, first):
        model = catalog.get(job.model)
        record = JobRecord(index, job, model, prices.estimate(model, job.inputs), quotes.get(index))
        record.timestamps["queued_at"] = queued_at
        records.append(record)
    return records


def plan_resume(store: JobStore, catalog: Catalog, out_dir: Path, *, retry_failed: bool = False) -> list[JobRecord]:
    """The latest batch of a folder's store, after a crash, a kill or a closed window.

    Submitted jobs are followed (polled, downloaded), never submitted again; a job caught
    mid-submit needs a decision; queued jobs stay queued; with ``retry_failed`` the failed
    ones are queued again (a failed task was refunded, so this is a new charge). What was
    decided is saved, and the partial files of a killed process are removed from ``out_dir``.
    Raises StoreError for a job whose model the catalog no longer lists.
    """
    records, decided = [], []
    for stored in store.load():
        record = resume_record(stored, catalog, retry_failed, store=store)
        records.append(record)
        if record.state != stored.state or record.prediction_id != stored.prediction_id:
            decided.append(record)
    # Only what resuming decided (a state, or a task found in the history), in one transaction:
    # the other rows are as stored already.
    store.save_many(decided)
    remove_partial_downloads(out_dir)
    return records


def remove_partial_downloads(folder: Path) -> int:
    """Half-written downloads and manifest writes a killed process left behind; the files
    they were meant to become are never partial, so these are safe to delete."""
    removed = 0
    if folder.is_dir():
        for partial in [*folder.rglob(".*.part"), *folder.glob(".manifest.json.*.tmp")]:
            partial.unlink(missing_ok=True)
            removed += 1
    return removed


def resume_record(stored, catalog: Catalog, retry_failed: bool = False, *, store: JobStore | None = None) -> JobRecord:
    """A stored job as a record to continue: a job caught mid-submit is queued to be looked up in
    the account's history before anything is sent (reconcile.py), or, without the note that
    lookup needs, needs a decision (it may have been created and billed); with ``retry_failed``
    a failed job is queued again."""
    record = record_from_stored(stored, catalog)
    if record.state == JobState.SUBMITTING and store is not None and PendingSubmits(store).get(record) is not None:
        record.state = JobState.QUEUED
        record.error = None
        record.timestamps["caught_mid_submit_at"] = time.time()
    elif record.state == JobState.SUBMITTING:
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
    return JobRecord(stored.position, stored.spec, model, stored.estimate, stored.quote,
                     state=stored.state, prediction_id=stored.prediction_id,
                     output_urls=stored.output_urls, files=stored.files, request_ids=stored.request_ids,
                     error=stored.error, submit_attempts=stored.submit_attempts, refunded=stored.refunded,
                     timestamps=stored.timestamps, queue_order=stored.queue_order, paused=stored.paused,
                     batch=stored.batch, planned_paths=stored.planned_paths)
