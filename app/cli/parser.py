"""The command line's grammar: every command and option of ``batch-studio``, in one place so that
``--help`` reads as one page. What each command does lives in its own module beside this one."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app import __version__

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
    run.add_argument("--draft", action="store_true", help="draft mode: run each job on the cheapest tier of its "
                     "model family at a draft resolution and length; promote the picks later")
    run.add_argument("--retry-failed", action="store_true", help="rerun only the failed jobs of the batch in --out")
    run.add_argument("--no-embed", action="store_true", help="keep every output byte-identical to the download; "
                     "each recipe goes to NAME.recipe.json beside it instead")
    run.add_argument("--no-prompts-in-files", action="store_true", help="leave the prompts out of the metadata "
                     "written into outputs (for sharing); the manifest and sidecars keep them")
    run.add_argument("--no-resubmit", action="store_true", help="a submit whose reply was lost and which Atlas's "
                     "history shows was never created waits for you instead of being submitted once more")
    run.add_argument("--demo-speed", type=float, default=DEMO_SPEED, help=argparse.SUPPRESS)
    sim = commands.add_parser("sim", help="run the local Atlas simulator", add_help=False)
    sim.add_argument("args", nargs=argparse.REMAINDER)
    models = commands.add_parser("models", help="list the image and video models")
    models.add_argument("--ladders", action="store_true", help="list the model families that come in tiers, "
                        "cheapest tier first (what draft mode and promote use)")
    models.add_argument("--json", action="store_true", help="with --ladders: a JSON list of ladders, each a list "
                        "of model ids from cheapest to dearest")
    picks = commands.add_parser("picks", help="show a batch folder's review; --export hands the picks off",
                                description="Print the review of a batch folder (picked, rejected and unrated "
                                            "outputs, and the picks). With --export, put the picked outputs in "
                                            "DEST under readable names (hard-linked where possible), with "
                                            "picks.csv and contact-sheet.png. Exit codes: 0 done, 2 not a batch "
                                            "folder or nothing picked.")
    picks.add_argument("folder", type=Path, help="the batch folder (made by the app, the CLI or a worker fleet)")
    picks.add_argument("--export", type=Path, metavar="DEST", help="the folder to put the picks in")
    picks.add_argument("--copy", action="store_true", help="always copy, never hard-link")
    history = commands.add_parser("history", help="list the account's recent generations; --out downloads them",
                                  description="List the generations of this API key (including those made "
                                              "elsewhere) from Atlas Cloud's history. With --out, download the "
                                              "finished ones (or those given with --pick) into a new batch folder "
                                              "with their recipes, store and manifest, while their URLs still "
                                              "work. Exit codes: 0 done, 1 some not downloaded, 2 bad input, 3 the "
                                              "history cannot be read.")
    history.add_argument("--since", default="7d", help="how far back: 30m, 12h, 7d, 2w (default 7d)")
    history.add_argument("--model", help="only this model id")
    history.add_argument("--out", type=Path, metavar="DIR", help="download into this (new) batch folder")
    history.add_argument("--pick", nargs="+", metavar="ID", help="only these prediction ids (with --out)")
    history.add_argument("--demo", action="store_true", help="use the built-in simulator")
    prompts = commands.add_parser("prompts", help="translate or improve a job set's prompts with Atlas's LLM",
                                  description="Send each job's prompt to an LLM of the catalog (the cheapest by "
                                              "default) and write the job set with the new prompts to -o; the "
                                              "prompts as written are kept under prompts_as_written. translate: "
                                              "Korean, Japanese and Chinese prompts into English; improve: richer "
                                              "prompts for each job's model type. Each call's cost counts in "
                                              "today's spend. Exit codes: 0 done, 1 some replies refused, 2 bad "
                                              "input, 3 no LLM access or no network.")
    prompts.add_argument("action", choices=["translate", "improve"])
    prompts.add_argument("jobset", type=Path, help="the job set file (not changed)")
    prompts.add_argument("-o", "--out", type=Path, required=True, help="where to write the new job set")
    prompts.add_argument("--model", help="the Text model id to use (default: a cheap one)")
    prompts.add_argument("--demo", action="store_true", help="use the built-in simulator")
    _add_promote(commands)
    worker = commands.add_parser("worker", help="run a Celery worker for distributed batches",
                                 description="A Celery worker (broker: BATCH_STUDIO_BROKER_URL, default "
                                             "redis://127.0.0.1:6379/0). Its API key comes from ATLASCLOUD_API_KEY.")
    worker.add_argument("--concurrency", type=_concurrency, default=4, help="jobs this worker runs at once")
    worker.add_argument("--name", help="worker name (default: a unique one)")
    _add_recipe(commands)
    return parser


def _add_promote(commands) -> None:
    promote = commands.add_parser("promote", help="re-render a batch's drafts on their final tier",
                                  description="Re-render picked drafts of a batch folder on the final tier (the "
                                              "job's own model, or the top tier of its family), prompt, seed and "
                                              "inputs carried over; each final is linked to its draft. Prints the "
                                              "cost first and asks before spending. Exit codes: 0 done, 1 some "
                                              "failed, 2 nothing to promote or invalid, 3 stopped (budget).")
    promote.add_argument("folder", type=Path, help="the batch folder")
    which = promote.add_mutually_exclusive_group()
    which.add_argument("--picks", action="store_true", help="the picked outputs (the default)")
    which.add_argument("--all", action="store_true", help="every finished job")
    which.add_argument("--job", nargs="+", metavar="NAME", help="these jobs, by name")
    promote.add_argument("--keep-composition", action="store_true", help="start each final from its draft's "
                         "picture where the family has an image-to-image, edit or image-to-video tier")
    promote.add_argument("--yes", action="store_true", help="do not ask for confirmation before spending money")
    promote.add_argument("--max-spend", type=_money, metavar="USD", help="the batch's spend cap, drafts included")
    promote.add_argument("--daily-cap", type=_money, metavar="USD", help="never let today's spend pass this")
    promote.add_argument("--demo", action="store_true", help="use the built-in simulator: nothing real, nothing "
                         "billed")
    promote.add_argument("--demo-speed", type=float, default=DEMO_SPEED, help=argparse.SUPPRESS)


def _add_recipe(commands) -> None:
    recipe = commands.add_parser(
        "recipe", help="print the recipe an output carries; --jobset writes a job set that makes it again",
        description="Read the recipe of outputs (PNG, JPEG, WebP, MP4, WebM, NAME.recipe.json sidecars or a "
                    "picks.csv). Files made by A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus give their prompt, "
                    "negative prompt, seed and size (best effort); with --model they become jobs on that model. "
                    "Exit codes: 0 every file had a recipe, 1 some had none, 2 nothing could be read or written.")
    recipe.add_argument("files", type=Path, nargs="+", metavar="FILE", help="outputs, sidecars or picks.csv")
    recipe.add_argument("--jobset", type=Path, metavar="OUT.yaml", help="write the jobs to this job set (YAML, "
                        "JSON or CSV by its suffix)")
    recipe.add_argument("--model", help="the model for jobs from other tools' files (they name no Atlas model)")
    recipe.add_argument("--json", action="store_true", help="print the recipes as one JSON document")
