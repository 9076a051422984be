"""``batch-studio prompts translate|improve JOBSET -o OUT.yaml``: prompt help from Atlas's LLM.

Each job's prompt goes to the LLM once; a good reply replaces it in OUT, the prompt as written
is kept under ``prompts_as_written``, and each call's cost goes to today's spend. A refused
reply (empty, far too long, not a prompt) leaves that job as it was. JOBSET itself is never
rewritten. Exit codes: 0 done, 1 some replies refused, 2 bad input, 3 no LLM (key, network).
"""

from __future__ import annotations

import contextlib
import os
import sys
from decimal import Decimal

from app.cli.run import DEMO_BANNER, EXIT_INVALID, EXIT_OK, EXIT_SOME_FAILED, EXIT_STOPPED
from app.engine.atlas import secrets
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.atlas.errors import AtlasError
from app.engine.atlas.llm import LLMClient, LLMError, default_model, text_models
from app.engine.core import appdirs
from app.engine.jobs import jobset
from app.engine.jobs.promptassist import PromptReplyError, assist, estimated_cost, language_of
from app.engine.run.ledger import SpendLedger


@contextlib.contextmanager
def llm_backend(demo: bool):
    """(origin, key, mode): the in-process simulator in demo mode, else the real service."""
    if demo:
        from app.sim import DEMO_KEY, SimServer

        with SimServer(port=0, llm_chunk_delay=0.0) as server:
            yield server.base_url, DEMO_KEY, "demo"
        return
    yield os.environ.get("ATLASCLOUD_BASE_URL") or DEFAULT_BASE_URL, secrets.api_key()[0], "live"


def prompts_command(args) -> int:
    out, err = sys.stdout, sys.stderr
    try:
        loaded = jobset.load(args.jobset)
    except jobset.JobSetError as exc:
        print(f"error: {args.jobset} cannot be used:", *exc.messages, sep="\n  ", file=err)
        return EXIT_INVALID
    if args.out.resolve() == args.jobset.resolve():
        print("error: -o must name a new file; the job set is never rewritten in place", file=err)
        return EXIT_INVALID
    catalog = Catalog.snapshot()
    demo = args.demo or not secrets.api_key()[0]
    if demo:
        why = "You asked for --demo." if args.demo else "No API key is set: set ATLASCLOUD_API_KEY to use your account."
        print(DEMO_BANNER.format(why=why), file=err)
    chosen = [job for job in loaded.jobs if isinstance(job.inputs.get("prompt"), str) and job.inputs["prompt"].strip()]
    if args.action == "translate":
        chosen = [job for job in chosen if language_of(job.inputs["prompt"]) is not None]
    if not chosen:
        print(f"Nothing to {args.action}: no job has a " + ("Korean, Japanese or Chinese prompt."
                                                            if args.action == "translate" else "prompt."), file=err)
        jobset.save(loaded, args.out)
        return EXIT_OK
    with llm_backend(demo) as (origin, key, mode):
        atlas = AtlasClient(origin, key)
        try:
            models = text_models(atlas.list_models())
        except AtlasError as exc:
            print(f"error: the model list could not be read ({exc}); nothing was changed", file=err)
            return EXIT_STOPPED
        finally:
            atlas.close()
        model = default_model(models, args.model)
        if model is None or (args.model and model.model_id != args.model):
            known = ", ".join(m.model_id for m in models) or "none"
            print(f"error: {args.model or 'a Text model'} is not in the catalog's LLMs (listed: {known})", file=err)
            return EXIT_INVALID
        estimate = estimated_cost(model, args.action, [job.inputs["prompt"] for job in chosen])
        print(f"{args.action.capitalize()} {len(chosen)} prompt(s) with {model.label()}: at most "
              f"${estimate:.4f}", file=err)
        llm = LLMClient(origin, key)
        ledger = SpendLedger(appdirs.data_dir() / f"spend-{mode}.json")
        spent, refused = Decimal(0), 0
        try:
            for job in chosen:
                original = job.inputs["prompt"]
                model_info = catalog.get(job.model)
                is_video = model_info.is_video if model_info is not None else False
                try:
                    result = assist(llm, model, args.action, original, is_video=is_video)
                except PromptReplyError as exc:
                    charge = getattr(exc, "chat", None)
                    if charge is not None:
                        spent += charge.cost
                        ledger.add(charge.cost)
                    refused += 1
                    print(f'  "{job.name}": {exc}', file=err)
                    continue
                spent += result.cost
                ledger.add(result.cost)
                job.inputs["prompt"] = result.prompts[0]
                loaded.prompts_as_written.setdefault(job.name, original)
                print(f'  "{job.name}": {original}\n    -> {result.prompts[0]}', file=out)
        except LLMError as exc:
            print(f"error: {exc}", file=err)
            return EXIT_STOPPED  # nothing is written: the job list stays as it was
        finally:
            llm.close()
    jobset.save(loaded, args.out)
    print(f"Wrote {args.out}: {len(chosen) - refused} prompt(s) changed, {refused} left as written; "
          f"LLM cost ${spent:.6f} (counted in today's spend)", file=err)
    return EXIT_SOME_FAILED if refused else EXIT_OK
