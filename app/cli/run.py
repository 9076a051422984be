"""``batch-studio run``: a batch in a terminal or from cron, with the same engine as the app."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from app.cli import draft_mode
from app.engine.core import appdirs
from app.engine.jobs import jobset
from app.engine.run import logs
from app.engine.atlas import secrets
from app.engine.run.webhooks import WebhookSender, secret_from_environment
from app.engine.atlas.catalog import Catalog, CatalogService, SchemaUnavailable
from app.engine.atlas.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.jobs.spec import chain_stages, validate_jobs
from app.engine.jobs.outputs import folder_problem
from app.engine.atlas.pricing import ESTIMATE, Cost, PriceTable, format_cost, format_money, quote_bodies, summarize
from app.engine.run.records import JobState, RunEvent
from app.engine.run.planning import plan_batch, plan_resume
from app.engine.run.reconcile import RecoveryPolicy
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits
from app.engine.run.timing import DEMO_SERVER, TimingModel
from app.engine.run.store import JobStore, StoreError
from app.engine.run.ledger import SpendLedger
from app.engine.core.fileio import NewerVersionError
from app.engine.jobs.recipes import RecipePolicy

EXIT_OK, EXIT_SOME_FAILED, EXIT_INVALID, EXIT_STOPPED = 0, 1, 2, 3
DEMO_BANNER = """\
======================================================================
  DEMO MODE: the built-in simulator stands in for Atlas Cloud.
  Nothing real is generated and nothing is billed.
  {why}
======================================================================"""


@contextlib.contextmanager
def backend(demo: bool, speed: float, *, history_seed: int = 0):
    """(client, mode): the in-process simulator in demo mode, else the real API. ``history_seed``
    gives the demo that many generations "made elsewhere" in its history, their files ready."""
    if demo:
        from app.sim import DEMO_KEY, SimServer

        with SimServer(port=0, speed=speed, history_seed=history_seed) as server:
            if history_seed:
                server.state.wait_media_idle()
            client = AtlasClient(server.base_url, DEMO_KEY)
            try:
                yield client, "demo"
            finally:
                client.close()
        return
    key, _ = secrets.api_key()
    client = AtlasClient(os.environ.get("ATLASCLOUD_BASE_URL") or DEFAULT_BASE_URL, key)
    try:
        yield client, "live"
    finally:
        client.close()


def run_command(args) -> int:
    out, err = sys.stdout, sys.stderr
    logger = logs.setup()
    logger.info("cli run", extra={"fields": {"jobset": str(args.jobset), "demo": bool(args.demo)}})
    key, _ = secrets.api_key()
    demo = args.demo or not key
    if demo:
        why = ("You asked for --demo." if args.demo else
               "No API key is set: set ATLASCLOUD_API_KEY to use your Atlas Cloud account.")
        print(DEMO_BANNER.format(why=why), file=err)
    with backend(demo, args.demo_speed) as (client, mode):
        service = None if demo else catalog_service(client.base_url, client.timeouts)
        catalog = Catalog.snapshot() if service is None else service.refresh()  # the list, only when stale
        if catalog.problem:
            print(f"note: {catalog.problem}", file=err)
        try:
            loaded, catalog = _load_jobset_and_schemas(args.jobset, catalog, service, err)
        except jobset.JobSetError as exc:
            _print_problems(err, f"{args.jobset} cannot be used; nothing was submitted:", exc.messages)
            return EXIT_INVALID
        for notice in loaded.notices:
            print(f"note: {notice}", file=err)
        jobs = loaded.resolved_jobs(catalog)
        problems = validate_jobs(jobs, catalog)
        if problems:
            _print_problems(err, f"{args.jobset} has {len(problems)} problem(s); nothing was submitted:",
                            [str(p) for p in problems])
            return EXIT_INVALID
        drafts = None
        if getattr(args, "draft", False) or loaded.draft:
            jobs, drafts = draft_mode.drafts_for(jobs, catalog, err)
            if drafts is None:
                return EXIT_INVALID
        out_dir = args.out or (Path(loaded.output_dir) if loaded.output_dir else None)
        # An estimate writes nothing, so it needs no output folder.
        if out_dir is None and not args.estimate:
            print("error: choose where outputs go with --out DIR (or output_dir in the job set)", file=err)
            return EXIT_INVALID
        if out_dir is not None and not out_dir.is_absolute() and args.out is None:
            out_dir = args.jobset.parent / out_dir
        if not args.estimate and (problem := folder_problem(out_dir)):
            print(f"error: {problem}", file=err)
            return EXIT_INVALID

        prices = PriceTable.load()
        models = [catalog.get(job.model) for job in jobs]
        estimates = [prices.estimate(model, job.inputs) for model, job in zip(models, jobs)]
        quotes, quote_problem = quote_bodies(client, [j.quote_body(m) for j, m in zip(jobs, models)])
        if quote_problem:
            print(f"note: live prices are unavailable ({quote_problem}); showing estimates", file=err)
        costs = [quotes.get(i, estimates[i]) for i in range(len(jobs))]
        summary = summarize([job.model for job in jobs], costs)
        if args.json:
            stages = chain_stages(jobs)
            print(json.dumps({"kind": "estimate", "jobs": len(jobs), "total": float(summary.total),
                              "per_stage": {str(st): float(sum((c.amount for c, s in zip(costs, stages) if s == st),
                                                               Decimal(0))) for st in sorted(set(stages))},
                              "basis": summary.basis, "per_model": {m: {"jobs": n, "amount": float(a), "basis": b}
                                                                   for m, (n, a, b) in summary.per_model.items()}}),
                  file=out, flush=True)
        else:
            _print_cost_table(out, jobs, costs, summary)
        if drafts is not None:
            draft_mode.print_draft_costs(err if args.json else out, drafts, summary.total, catalog, prices)
        if args.estimate:
            return EXIT_OK
        if args.max_spend is not None and summary.total > args.max_spend:
            print(f"note: the total {summary.total_label()} is above --max-spend {format_money(args.max_spend)}; "
                  "jobs stop being submitted before one would cross it", file=err)
        if mode == "live" and not args.yes and sys.stdin.isatty():
            answer = input(f"Submit {len(jobs)} jobs to Atlas Cloud for {summary.total_label()}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was submitted.", file=err)
                return EXIT_OK

        concurrency = args.concurrency or loaded.concurrency or 4
        timing = TimingModel.for_server(appdirs.data_dir(), DEMO_SERVER if demo else client.base_url,
                                        scale=1.0 / args.demo_speed if demo else 1.0)
        reporter = JsonReporter(out) if args.json else ConsoleReporter(len(jobs), out, err)
        webhook_url = args.webhook or loaded.webhook_url
        # Nothing below needs the parsed job set or the per-job lists made for the cost table: a
        # 50,000-job batch would otherwise hold them for its whole run.
        del loaded, models, estimates, costs
        webhook = WebhookSender(webhook_url, secret_from_environment()) if webhook_url else None
        handlers = [reporter.handle, logs.log_event] + ([webhook.on_event] if webhook else [])
        limits = Limits(concurrency=concurrency, max_spend=args.max_spend, daily_cap=args.daily_cap,
                        recovery=RecoveryPolicy(resubmit=not args.no_resubmit))
        on_event = fan_out(handlers)
        if args.executor == "celery":
            from app.distributed import config as fleet_config
            from app.distributed.coordination import broker_problem

            if problem := broker_problem(fleet_config.broker_url()):
                print(f"error: {problem}.", file=err)
                return EXIT_INVALID
        if (args.resume or args.retry_failed) and not JobStore.exists(out_dir):
            print(f"error: {out_dir} holds no batch to resume; run without --resume to start one.", file=err)
            return EXIT_INVALID
        try:
            store = JobStore(out_dir)
        except (StoreError, NewerVersionError) as exc:
            print(f"error: {exc}", file=err)
            return EXIT_INVALID
        try:
            if args.resume or args.retry_failed:
                # The stored batch may use models the job set no longer names: their schemas too.
                if failures := catalog.ensure_schemas({stored.spec.model for stored in store.load()}
                                                      & set(catalog.models)):
                    _print_problems(err, f"{out_dir} cannot be resumed; nothing was submitted:",
                                    sorted(failures.values()))
                    store.close()
                    return EXIT_INVALID
                records = plan_resume(store, catalog, out_dir, retry_failed=args.retry_failed)
                reporter.total = len(records)
                waiting = sum(1 for r in records if not r.state.is_terminal)
                print(f"Resuming {len(records)} job(s) in {out_dir}: {waiting} not finished; submitted jobs "
                      "are followed, never submitted again.", file=err)
            else:
                unfinished = store.unfinished()
                if unfinished:
                    print(f"error: {out_dir} holds an unfinished batch ({unfinished} job(s) not finished). Continue it "
                          "with --resume (nothing is submitted twice), or choose another --out.", file=err)
                    return EXIT_INVALID
                archive_previous_manifest(out_dir, store.latest_batch())
                # Validated above, before the costs were shown.
                records = plan_batch(jobs, catalog, prices=prices, quotes=quotes, validated=True)
                batch_number = store.new_batch(records)
                if drafts is not None:
                    draft_mode.remember_finals(store, batch_number, drafts)
        except StoreError as exc:
            print(f"error: {exc}", file=err)
            return EXIT_INVALID
        runner = BatchRunner(BatchPlan(records, out_dir, mode), limits, io=Connections(
            client=client, store=store, ledger=SpendLedger(appdirs.data_dir() / f"spend-{mode}.json"),
            on_event=on_event, timing=timing,
            recipes=RecipePolicy(embed=not getattr(args, "no_embed", False),
                                 prompts=not getattr(args, "no_prompts_in_files", False))))
        try:
            if args.executor == "celery":
                from app.distributed.coordinator import run_distributed

                result = run_distributed(runner, store=store, catalog=catalog, base_url=client.base_url,
                                         on_event=on_event, demo=demo,
                                         time_scale=1.0 / args.demo_speed if demo else 1.0)
            else:
                result = _run_interruptibly(runner, err)
        finally:
            store.close()
            if webhook is not None:
                webhook.close()
        reporter.close()
        if args.json:
            reporter.summary(result, out_dir)
        else:
            _print_summary(out, result, out_dir)
            draft_mode.print_saving(out, out_dir, catalog)
    if result.status in ("stopped", "paused") and result.reason != "cancelled by the user":
        return EXIT_STOPPED
    if any(r.state != JobState.DONE for r in result.records):
        return EXIT_SOME_FAILED
    return EXIT_OK


def catalog_service(base_url: str, timeouts=None) -> CatalogService:
    """The live catalog for this base URL, cached in the user's cache folder."""
    def client_factory() -> AtlasClient:
        return AtlasClient(base_url) if timeouts is None else AtlasClient(base_url, timeouts=timeouts)

    return CatalogService(client_factory, appdirs.cache_dir(), base_url=base_url)


def _load_jobset_and_schemas(path: Path, catalog: Catalog, service: CatalogService | None, err: TextIO):
    """The job set, and a catalog holding the schemas of every model it uses (fetched together).

    A model missing from a cached list may have been added since: the list is fetched once more
    before that model is called unknown. Raises JobSetError for what cannot be used.
    """
    loaded = _load_jobset(path, catalog)
    used = {job.model for job in loaded.resolved_jobs() if job.model}
    if service is not None and catalog.source != "live" and catalog.problem is None and \
            any(model_id not in catalog for model_id in used):
        catalog = service.refresh(force=True)
        if catalog.problem:
            print(f"note: {catalog.problem}", file=err)
        loaded = _load_jobset(path, catalog)
        used = {job.model for job in loaded.resolved_jobs() if job.model}
    failures = catalog.ensure_schemas(sorted(model_id for model_id in used if model_id in catalog))
    if failures:
        raise jobset.JobSetError([reason for _, reason in sorted(failures.items())])
    return loaded, catalog


def _load_jobset(path: Path, catalog: Catalog):
    try:
        return jobset.load(path, catalog)
    except SchemaUnavailable as exc:  # a CSV or tutorial file reads schemas while it is read
        raise jobset.JobSetError([str(exc)]) from None


def archive_previous_manifest(out_dir: Path, previous_batch: int | None) -> None:
    """A new batch in a used folder keeps the old batch's manifest beside the new one."""
    current = out_dir / "manifest.json"
    if previous_batch is not None and current.is_file():
        current.replace(out_dir / f"manifest-batch-{previous_batch}.json")


def _run_interruptibly(runner: BatchRunner, err: TextIO):
    """Ctrl+C cancels cooperatively; the records and the manifest are still finished properly."""
    box = {}
    worker = threading.Thread(target=lambda: box.update(result=runner.run()), name="batch-run")
    worker.start()
    interrupted = False
    while worker.is_alive():
        try:
            worker.join(0.2)
        except KeyboardInterrupt:
            if not interrupted:
                print("\nCancelling: waiting for jobs in flight to stop (their results are kept)...", file=err)
                runner.cancel()
                interrupted = True
    return box["result"]


def _print_problems(stream: TextIO, heading: str, messages: list[str]) -> None:
    print(f"error: {heading}", file=stream)
    for message in messages:
        print(f"  - {message}", file=stream)


def _print_cost_table(stream: TextIO, jobs, costs: list[Cost], summary) -> None:
    stages = chain_stages(jobs)
    if max(stages) > 1:
        print("Cost by stage (chained jobs wait for the images they start from):", file=stream)
        for stage in sorted(set(stages)):
            members = [c for c, s in zip(costs, stages) if s == stage]
            part = summarize(["x"] * len(members), members)
            print(f"  stage {stage}: {len(members)} job(s)  {part.total_label()}", file=stream)
    if len(jobs) <= 30:
        width = min(40, max(len(job.name) for job in jobs))
        for job, cost in zip(jobs, costs):
            print(f"  {job.name[:width]:<{width}}  {job.model:<45} {cost.label()}", file=stream)
    print("Cost by model:", file=stream)
    for model_id, (count, amount, basis) in sorted(summary.per_model.items()):
        print(f"  {model_id:<45} {count:>5} job(s)  {format_cost(amount, basis)}", file=stream)
    print(f"Total for {len(jobs)} job(s): {summary.total_label()}", file=stream)


def _print_summary(stream: TextIO, result, out_dir: Path) -> None:
    records = result.records
    by_state = {state: sum(1 for r in records if r.state == state) for state in JobState}
    charged = [r.charged for r in records if r.charged is not None]
    bases = {r.best_cost.basis for r in records if r.prediction_id}
    basis = next(iter(bases)) if len(bases) == 1 else ("mixed" if bases else ESTIMATE)
    print("", file=stream)
    print(f"Batch {result.status}: {result.reason}", file=stream)
    print(f"  jobs {len(records)}, succeeded {by_state[JobState.DONE]}, failed {by_state[JobState.FAILED]}, "
          f"needs attention {by_state[JobState.NEEDS_ATTENTION]}, cancelled {by_state[JobState.CANCELLED]}, "
          f"not submitted {by_state[JobState.QUEUED]}", file=stream)
    print(f"  total cost {format_cost(sum(charged, Decimal(0)), basis)} (refunds of failed tasks deducted), "
          f"elapsed {_duration(result.elapsed)}", file=stream)
    per_model: dict[str, Decimal] = {}
    for record in records:
        if record.charged is not None:
            per_model[record.spec.model] = per_model.get(record.spec.model, Decimal(0)) + record.charged
    for model_id, amount in sorted(per_model.items()):
        print(f"    {model_id:<45} {format_money(amount)}", file=stream)
    print(f"  outputs and manifest.json in {out_dir}", file=stream)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{seconds:.1f}s"


def fan_out(handlers):
    def handle(event: RunEvent) -> None:
        for handler in handlers:
            handler(event)
    return handle


class JsonReporter:
    """One JSON object per line on stdout: every event, then a summary."""

    def __init__(self, out: TextIO):
        self.out = out
        self.total = 0
        self._lock = threading.Lock()

    def handle(self, event: RunEvent) -> None:
        if event.kind == "job" and event.state == "running" and event.progress is not None and not event.message:
            return
        line = json.dumps({"time": round(event.timestamp, 3), **logs.event_fields(event)}, ensure_ascii=False)
        with self._lock:
            print(line, file=self.out, flush=True)

    def close(self) -> None:
        pass

    def summary(self, result, out_dir: Path) -> None:
        records = result.records
        charged = sum((r.charged for r in records if r.charged is not None), Decimal(0))
        states = {state.value: sum(1 for r in records if r.state == state) for state in JobState}
        print(json.dumps({"kind": "summary", "status": result.status, "reason": result.reason,
                          "jobs": len(records), "states": states, "total_cost": float(charged),
                          "elapsed_seconds": round(result.elapsed, 2), "output_dir": str(out_dir)}),
              file=self.out, flush=True)


class ConsoleReporter:
    """A line per job event, and a live progress bar when the output is a terminal."""

    def __init__(self, total: int, out: TextIO, err: TextIO):
        self.total = total
        self.out, self.err = out, err
        self.tty = err.isatty()
        self._lock = threading.Lock()
        self._states: dict[int, str] = {}
        # Jobs in each state, kept as events arrive: a line costs the same in any size of batch.
        self._counts: dict[str, int] = {}
        self._started = time.monotonic()
        self._bar_shown = False

    def handle(self, event: RunEvent) -> None:
        with self._lock:
            if event.kind == "batch":
                if event.state != "started":
                    self._line(f"batch {event.state}: {event.message}")
                return
            previous = self._states.get(event.job_index)
            self._states[event.job_index] = event.state
            if previous != event.state:
                if previous is not None:
                    self._counts[previous] -= 1
                self._counts[event.state] = self._counts.get(event.state, 0) + 1
            if previous != event.state or event.message:
                detail = event.output_path or event.message or (event.prediction_id or "")
                done = sum(self._counts.get(s, 0) for s in ("done", "failed", "cancelled", "needs_attention"))
                cost = f"  {event.cost.label()}" if event.cost and event.state in ("submitted", "done") else ""
                self._line(f"[{done:>{len(str(self.total))}}/{self.total}] {event.state:<15} {event.job_name}  "
                           f"{event.model}  {detail}{cost}")
            self._draw_bar()

    def _line(self, text: str) -> None:
        if self._bar_shown:
            self.err.write("\r\033[K")
            self._bar_shown = False
        print(text, file=self.out, flush=True)

    def _draw_bar(self) -> None:
        if not self.tty:
            return
        done = self._counts.get("done", 0)
        failed = sum(self._counts.get(s, 0) for s in ("failed", "needs_attention", "cancelled"))
        width = 30
        filled = int(width * (done + failed) / max(1, self.total))
        elapsed = int(time.monotonic() - self._started)
        self.err.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done + failed}/{self.total}  done {done}  "
                       f"failed {failed}  {elapsed // 60}:{elapsed % 60:02d}")
        self.err.flush()
        self._bar_shown = True

    def close(self) -> None:
        with self._lock:
            if self._bar_shown:
                self.err.write("\n")
                self._bar_shown = False
