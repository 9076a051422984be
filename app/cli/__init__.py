"""batch-studio: the desktop app with no command; otherwise one module per command here.

- ``run``: a job set headless, for cron and scripts (app/cli/run.py)
- ``models``: the catalog (app/cli/models.py)
- ``recipe``: the recipe an output carries, or a job set that makes it again (app/cli/recipe.py)
- ``promote``: re-render a batch's picked drafts on their final tier (app/cli/promote.py)
- ``picks``: a batch folder's review, and handing the picks off (app/cli/picks.py)
- ``sim``: the local Atlas simulator (app/cli/sim.py)
- ``worker``: a Celery worker for fleet batches (app/cli/worker.py)
- ``history``: the account's recent generations, downloaded on request (app/cli/history.py)
- ``prompts``: translate or improve a job set's prompts with Atlas's LLM (app/cli/prompts.py)
- ``batch-child``: the process the window runs each local batch in (app/cli/batch_child.py)

The grammar of them all is app/cli/parser.py. Command modules are imported only when their
command runs, so ``batch-studio run`` never loads Qt.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from app.cli.parser import build_parser

JOB_SET_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
# Each command's module and function, imported only when that command runs.
COMMANDS = {
    "run": ("app.cli.run", "run_command"),
    "models": ("app.cli.models", "models_command"),
    "picks": ("app.cli.picks", "picks_command"),
    "recipe": ("app.cli.recipe", "run"),
    "promote": ("app.cli.promote", "promote_command"),
    "history": ("app.cli.history", "history_command"),
    "prompts": ("app.cli.prompts", "prompts_command"),
    "worker": ("app.cli.worker", "main"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 1 and not argv[0].startswith("-") and Path(argv[0]).suffix.lower() in JOB_SET_SUFFIXES:
        return _start_desktop(argv)  # "batch-studio jobs.yaml", as a file manager or desktop entry calls it
    if argv[:1] == ["--self-check"]:  # for packagers: see packaging/build-check.sh
        from app.ui.selfcheck import main as self_check

        return self_check(argv[1:])
    if argv[:1] == ["batch-child"]:  # the window runs each local batch in this process
        from app.cli.batch_child import main as batch_child_main

        return batch_child_main(argv[1:])
    if argv[:1] == ["sim"]:  # the simulator parses its own options
        from app.cli.sim import main as sim_main

        return sim_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command not in COMMANDS:
        return _start_desktop(argv)
    module_name, function_name = COMMANDS[args.command]
    return getattr(importlib.import_module(module_name), function_name)(args)


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
