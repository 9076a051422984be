"""``batch-studio history [--since 7d] [--model M] [--out DIR]``: the account's recent
generations, including those made elsewhere; with --out, the finished ones (or those named
with --pick) are downloaded into a new batch folder, with their recipes, store and manifest.
Exit codes: 0 done, 1 some could not be downloaded, 2 bad input, 3 the history cannot be read."""

from __future__ import annotations

import sys

from app.cli.run import DEMO_BANNER, EXIT_INVALID, EXIT_OK, EXIT_SOME_FAILED, EXIT_STOPPED, backend
from app.engine.atlas import secrets
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.errors import AtlasError
from app.engine.jobs.outputs import folder_problem
from app.engine.run import recover
from app.engine.run.records import JobState
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits
from app.engine.run.store import JobStore

DEMO_HISTORY = 4  # generations the demo's simulator says were made elsewhere
DEMO_SPEED = 20.0


def history_command(args) -> int:
    out, err = sys.stdout, sys.stderr
    try:
        since = recover.parse_since(args.since)
    except ValueError as exc:
        print(f"error: --since: {exc}", file=err)
        return EXIT_INVALID
    if args.out is not None and (problem := folder_problem(args.out)):
        print(f"error: {problem}", file=err)
        return EXIT_INVALID
    demo = args.demo or not secrets.api_key()[0]
    if demo:
        why = "You asked for --demo." if args.demo else "No API key is set: set ATLASCLOUD_API_KEY to use your account."
        print(DEMO_BANNER.format(why=why), file=err)
    with backend(demo, DEMO_SPEED, history_seed=DEMO_HISTORY) as (client, mode):
        try:
            items = recover.recent(client, since, model=args.model)
        except AtlasError as exc:
            print(f"error: the account's history could not be read: {exc}", file=err)
            return EXIT_STOPPED
        catalog = Catalog.snapshot()
        assessed = recover.assess(items, catalog)
        print(f"{len(items)} generation(s) in the last {args.since}" + (f" with {args.model}" if args.model else ""),
              file=err)
        for entry in assessed:
            note = "" if entry.ok else f"   ({entry.problem})"
            print(f"  {entry.item.prediction_id}  {recover.describe(entry.item)}{note}", file=out)
        if args.out is None:
            if any(entry.ok for entry in assessed):
                print("Download them with --out DIR (all finished ones, or --pick ID ...).", file=err)
            return EXIT_OK
        chosen = [e for e in assessed if e.ok and (not args.pick or e.item.prediction_id in args.pick)]
        unknown = set(args.pick or ()) - {e.item.prediction_id for e in assessed}
        if unknown:
            print(f"error: not in the history of the last {args.since}: {', '.join(sorted(unknown))}", file=err)
            return EXIT_INVALID
        if not chosen:
            print("Nothing to download: no finished generation was chosen.", file=err)
            return EXIT_OK
        records = recover.recovered_records(chosen, catalog)
        store = JobStore(args.out)
        try:
            if store.unfinished():
                print(f"error: {args.out} holds an unfinished batch; choose another --out", file=err)
                return EXIT_INVALID
            store.new_batch(records)
            # Nothing is submitted: every record already has its task, so the runner only follows.
            runner = BatchRunner(BatchPlan(records, args.out, mode), Limits(concurrency=4), io=Connections(
                client=client, store=store, on_event=lambda event: None))
            result = runner.run()
        finally:
            store.close()
    done = sum(1 for r in result.records if r.state == JobState.DONE)
    for record in result.records:
        where = record.files[0].path if record.files else record.error
        print(f"  {record.spec.name}: {record.state.value}  {where}", file=out)
    print(f"Downloaded {done} of {len(records)} into {args.out} (manifest.json, recipes from each request body).",
          file=err)
    return EXIT_OK if done == len(records) else EXIT_SOME_FAILED
