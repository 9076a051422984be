"""``run --draft`` (or ``draft: true`` in the job set): the jobs swapped for their drafts before
they are priced, the finals remembered beside the batch, and the saving reported at the end."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TextIO

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.ladders import build_ladders
from app.engine.atlas.pricing import PriceTable, format_money
from app.engine.jobs.draft import DraftJob, draft_jobs, finals_meta_key, finals_to_json
from app.engine.jobs.spec import JobSpec, validate_jobs
from app.engine.review.savings import batch_saving
from app.engine.run.store import JobStore


def drafts_for(jobs: list[JobSpec], catalog: Catalog, err: TextIO) -> tuple[list[JobSpec], list[DraftJob] | None]:
    """The draft of each job, each change said on ``err``; None when a draft is not valid."""
    ladders = build_ladders(catalog)
    if failures := catalog.ensure_schemas({ladders.draft_model(job.model) for job in jobs} & set(catalog.models)):
        for reason in sorted(failures.values()):
            print(f"error: {reason}", file=err)
        return jobs, None
    drafts = draft_jobs(jobs, catalog, ladders)
    cheaper = sum(1 for d in drafts if d.laddered)
    print(f"Draft mode: {cheaper} of {len(drafts)} job(s) run on a cheaper tier or smaller settings; promote the "
          "picks with `batch-studio promote DIR`.", file=err)
    for draft in drafts:
        for notice in draft.notices:
            print(f"note: {notice}", file=err)
    specs = [d.draft for d in drafts]
    if problems := validate_jobs(specs, catalog):
        print("error: the drafts cannot run; nothing was submitted:", file=err)
        for problem in problems:
            print(f"  - {problem}", file=err)
        return jobs, None
    return specs, drafts


def final_total(drafts: list[DraftJob], catalog: Catalog, prices: PriceTable) -> Decimal:
    return sum((prices.estimate(catalog.get(d.final.model), d.final.inputs).amount for d in drafts), Decimal(0))


def print_draft_costs(stream: TextIO, drafts: list[DraftJob], draft_total: Decimal, catalog: Catalog,
                      prices: PriceTable) -> None:
    full = final_total(drafts, catalog, prices)
    print(f"Drafts {format_money(draft_total)} · every job on its final tier ≈{format_money(full)} (estimate)",
          file=stream)


def remember_finals(store: JobStore, batch: int, drafts: list[DraftJob]) -> None:
    store.set_meta(finals_meta_key(batch), finals_to_json(drafts))


def print_saving(stream: TextIO, out_dir: Path, catalog: Catalog) -> None:
    """The batch's saving line, when it ran as drafts."""
    if not JobStore.exists(out_dir):
        return
    store = JobStore(out_dir)
    try:
        batch = store.latest_batch()
        saving = batch_saving(store, batch, catalog) if batch is not None else None
    finally:
        store.close()
    if saving is not None:
        print(f"  {saving.sentence()}", file=stream)
