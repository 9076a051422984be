"""``batch-studio promote DIR``: a batch's picked drafts re-rendered on their final tier.

The finals join the folder's batch, each linked to its draft, and run by resuming the batch:
the drafts and everything else already finished stay as they are.
"""

from __future__ import annotations

import sys
from typing import TextIO

from app.cli.run import (EXIT_INVALID, EXIT_OK, EXIT_SOME_FAILED, EXIT_STOPPED, ConsoleReporter, _print_summary,
                         _run_interruptibly, backend, fan_out)
from app.cli import draft_mode
from app.engine.atlas import secrets
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.ladders import build_ladders
from app.engine.core import appdirs
from app.engine.review.promote import items_to_promote, plan_promote
from app.engine.review.reroll import RerollError, append_to_batch
from app.engine.review.session import ReviewError, open_folder
from app.engine.run import logs
from app.engine.run.ledger import SpendLedger
from app.engine.run.planning import plan_resume
from app.engine.run.records import JobState
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits


def promote_command(args, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    key, _ = secrets.api_key()
    demo = args.demo or not key
    try:
        session = open_folder(args.folder)
    except ReviewError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INVALID
    with session, backend(demo, args.demo_speed) as (client, mode):
        catalog = Catalog.snapshot() if demo else _live_catalog(client)
        ladders = build_ladders(catalog)
        ledger = SpendLedger(appdirs.data_dir() / f"spend-{mode}.json")
        try:
            items = items_to_promote(session, picks=not args.all, names=args.job or ())
            if not items:
                print("error: nothing to promote: pick some outputs in review mode (or `batch-studio picks`), or "
                      "name jobs with --job, or use --all", file=err)
                return EXIT_INVALID
            catalog.ensure_schemas({item.model for item in items} | {ladders.final_model(i.model) for i in items})
            promotion = plan_promote(session, items, catalog, ladders, keep_composition=args.keep_composition,
                                     budget=session.budget(max_spend=args.max_spend, daily_cap=args.daily_cap,
                                                           ledger=ledger),
                                     client=None if demo else client)
        except RerollError as exc:
            print(f"error: {exc}", file=err)
            return EXIT_INVALID
        for line in promotion.skipped + promotion.notices + ([promotion.plan.note] if promotion.plan.note else []):
            print(f"note: {line}", file=err)
        plan = promotion.plan
        if not plan.jobs:
            print("error: nothing to promote: every chosen job already ran on its final tier", file=err)
            return EXIT_INVALID
        for job in plan.jobs:
            print(f"  {job.spec.name:<40} {job.spec.model:<45} {job.cost.label()}", file=out)
        print(f"Promote {len(plan.jobs)} draft(s) to final: {plan.total_label()}", file=out)
        if plan.problem:
            print(f"error: {plan.problem}", file=err)
            return EXIT_STOPPED
        if not args.yes and sys.stdin.isatty():
            answer = input(f"Render {len(plan.jobs)} final(s) for {plan.total_label()}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was submitted.", file=err)
                return EXIT_OK
        elif not args.yes and mode == "live":
            print("error: promoting spends money: confirm with --yes when not at a terminal", file=err)
            return EXIT_INVALID
        try:
            append_to_batch(session, plan, catalog)
        except RerollError as exc:
            print(f"error: {exc}", file=err)
            return EXIT_INVALID
        records = plan_resume(session.store, catalog, session.folder)
        reporter = ConsoleReporter(sum(1 for r in records if not r.state.is_terminal), out, err)
        runner = BatchRunner(BatchPlan(records, session.folder, mode),
                             Limits(concurrency=4, max_spend=session.budget(max_spend=args.max_spend).max_spend,
                                    daily_cap=args.daily_cap),
                             io=Connections(client=client, store=session.store, ledger=ledger,
                                            on_event=fan_out([reporter.handle, logs.log_event])))
        result = _run_interruptibly(runner, err)
        reporter.close()
        _print_summary(out, result, session.folder)
        draft_mode.print_saving(out, session.folder, catalog)
    if result.status in ("stopped", "paused") and result.reason != "cancelled by the user":
        return EXIT_STOPPED
    return EXIT_SOME_FAILED if any(r.state != JobState.DONE for r in result.records) else EXIT_OK


def _live_catalog(client) -> Catalog:
    from app.cli.run import catalog_service

    return catalog_service(client.base_url, client.timeouts).refresh()
