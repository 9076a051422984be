"""batch-studio: the desktop app with no sub-command; ``run`` for headless batches (cron)."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app import __version__, recipe_command

DEMO_SPEED = 10.0


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in USD, for example 25 or 12.50") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("must be between 1 and 64")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="batch-studio", description="Batch image and video generation "
                                     "through Atlas Cloud. With no command, opens the desktop app.")
    parser.add_argument("--version", action="version", version=f"Batch Studio {__version__}")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run a job set headless", description="Run a job set (YAML or JSON) "
                              "without a window. Environment: ATLASCLOUD_API_KEY (or ATLAS_CLOUD_API_KEY), "
                              "ATLASCLOUD_BASE_URL. Exit codes: 0 all done, 1 some failed, 2 invalid input "
                              "(nothing submitted), 3 stopped (budget, balance or key).")
    run.add_argument("jobset", type=Path, help="the job set file")
    run.add_argument("--out", type=Path, help="output folder (default: the job set's output_dir)")
    run.add_argument("--concurrency", type=_concurrency, help="jobs in flight at once (default: the job set's, or 4)")
    run.add_argument("--demo", action="store_true", help="use the built-in simulator: nothing real, nothing billed")
    run.add_argument("--estimate", action="store_true", help="print the cost table and submit nothing")
    run.add_argument("--max-spend", type=_money, metavar="USD", help="never submit a job that would cross this")
    run.add_argument("--daily-cap", type=_money, metavar="USD", help="never let today's spend (all batches, app "
                     "included) pass this; the batch pauses instead")
    run.add_argument("--yes", action="store_true", help="do not ask for confirmation before spending money")
    run.add_argument("--json", action="store_true", help="print one JSON object per event on stdout (for cron "
                     "and scripts); notes go to stderr")
    run.add_argument("--webhook", metavar="URL", help="POST signed JSON events here (overrides the job set's "
                     "webhook_url); the signing secret comes from BATCH_STUDIO_WEBHOOK_SECRET")
    run.add_argument("--executor", choices=["local", "celery"], default="local",
                     help="local: this process runs the jobs; celery: Celery workers do (BATCH_STUDIO_BROKER_URL)")
    run.add_argument("--resume", action="store_true", help="continue the batch stored in --out after a crash or "
                     "kill: submitted jobs are polled and downloaded, never submitted again")
    run.add_argument("--retry-failed", action="store_true", help="rerun only the failed jobs of the batch in --out")
    run.add_argument("--no-embed", action="store_true", help="keep every output byte-identical to the download; "
                     "each recipe goes to NAME.recipe.json beside it instead")
    run.add_argument("--no-prompts-in-files", action="store_true", help="leave the prompts out of the metadata "
                     "written into outputs (for sharing); the manifest and sidecars keep them")
    run.add_argument("--demo-speed", type=float, default=DEMO_SPEED, help=argparse.SUPPRESS)
    sim = commands.add_parser("sim", help="run the local Atlas simulator", add_help=False)
    sim.add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser("models", help="list the image and video models")
    picks = commands.add_parser("picks", help="show a batch folder's review; --export hands the picks off",
                                description="Print the review of a batch folder (picked, rejected and unrated "
                                            "outputs, and the picks). With --export, put the picked outputs in "
                                            "DEST under readable names (hard-linked where possible), with "
                                            "picks.csv and contact-sheet.png. Exit codes: 0 done, 2 not a batch "
                                            "folder or nothing picked.")
    picks.add_argument("folder", type=Path, help="the batch folder (made by the app, the CLI or a worker fleet)")
    picks.add_argument("--export", type=Path, metavar="DEST", help="the folder to put the picks in")
    picks.add_argument("--copy", action="store_true", help="always copy, never hard-link")
    worker = commands.add_parser("worker", help="run a Celery worker for distributed batches",
                                 description="A Celery worker (broker: BATCH_STUDIO_BROKER_URL, default "
                                             "redis://127.0.0.1:6379/0). Its API key comes from ATLASCLOUD_API_KEY.")
    worker.add_argument("--concurrency", type=_concurrency, default=4, help="jobs this worker runs at once")
    worker.add_argument("--name", help="worker name (default: a unique one)")
    recipe_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 1 and not argv[0].startswith("-") and Path(argv[0]).suffix.lower() in (".yaml", ".yml", ".json",
                                                                                          ".csv"):
        return _start_desktop(argv)  # "batch-studio jobs.yaml", as a file manager or desktop entry calls it
    if argv[:1] == ["--self-check"]:  # for packagers: see packaging/build-check.sh
        from app.ui.selfcheck import main as self_check

        return self_check(argv[1:])
    if argv[:1] == ["batch-child"]:  # the window runs each local batch in this process (app/batchproc.py)
        from app.batchproc import main as batch_child_main

        return batch_child_main(argv[1:])
    if argv[:1] == ["sim"]:
        from app.sim.__main__ import main as sim_main

        return sim_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from app.headless import run_command

        return run_command(args)
    if args.command == "worker":
        from app.distributed.worker import main as worker_main

        return worker_main(args)
    if args.command == "picks":
        from app.picks_command import picks_command

        return picks_command(args)
    if args.command == "recipe":
        return recipe_command.run(args)
    if args.command == "models":
        from app.headless import models_command

        return models_command()
    return _start_desktop(argv)


def _start_desktop(argv: list[str]) -> int:
    try:
        from app.ui.main import main as ui_main
    except ImportError as exc:
        print(f"The desktop app cannot start: {exc}. Run `batch-studio run JOBSET --demo` for a headless batch.",
              file=sys.stderr)
        return 1
    return ui_main(argv)


if __name__ == "__main__":
    sys.exit(main())
