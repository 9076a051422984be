"""``batch-studio recipe FILE...``: what made each output, and ``--jobset OUT.yaml`` to make it again."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

EXIT_OK, EXIT_NOTHING, EXIT_INVALID = 0, 1, 2


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    from app.engine.jobs import jobset
    from app.engine.jobs import recipes

    out, err = out or sys.stdout, err or sys.stderr
    found = [recipes.read_file(path) for path in args.files]
    if args.json:
        document = [{"file": str(f.source), "recipes": f.recipes,
                     "other_tool": [vars(p) for p in f.foreign], "notes": f.notes} for f in found]
        print(json.dumps(document, indent=2, ensure_ascii=False), file=out)
    else:
        for item in found:
            _print(out, item)
    for item in found:
        for note in item.notes:
            print(f"note: {note}", file=err)
    empty = [f for f in found if not f.recipes and not f.foreign]
    if args.jobset is not None:
        catalog = None
        if args.model:
            from app.engine.atlas.catalog import Catalog

            catalog = Catalog.snapshot()  # what the model takes: a seed, a size or an aspect ratio
            if catalog.get(args.model) is None:
                print(f"error: {args.model} is not a model in the catalog; `batch-studio models` lists them",
                      file=err)
                return EXIT_INVALID
        jobs, notes, foreign_count = recipes.restore(args.files, args.model, catalog)
        for note in notes:
            if not any(note in f.notes for f in found):
                print(f"note: {note}", file=err)
        if foreign_count and not args.model:
            print(f"note: {foreign_count} file(s) from other tools name no Atlas model; add --model MODEL to make "
                  "jobs of them", file=err)
        if not jobs:
            print("error: no jobs to write: none of the files carries a recipe", file=err)
            return EXIT_INVALID
        try:
            jobset.save(jobset.JobSet(jobs=jobs), args.jobset)
        except OSError as exc:
            print(f"error: {args.jobset} could not be written: {exc.strerror or exc}", file=err)
            return EXIT_INVALID
        print(f"Wrote {len(jobs)} job(s) to {args.jobset}; run them with `batch-studio run {args.jobset}`.",
              file=out)
    if len(empty) == len(found):
        return EXIT_INVALID
    return EXIT_NOTHING if empty else EXIT_OK


def _print(out: TextIO, found) -> None:
    print(f"{found.source}:", file=out)
    for recipe in found.recipes:
        job = recipe.get("job") or {}
        prompt = recipe.get("prompt") or {}
        print(f"  Batch Studio recipe (version {recipe.get('schema_version')}, {recipe.get('app')})", file=out)
        print(f"  job: {job.get('name')}  batch {job.get('batch')} position {job.get('position')}  "
              f"prediction {job.get('prediction_id')}", file=out)
        print(f"  model: {recipe.get('model')}", file=out)
        if prompt.get("written") is not None:
            print(f"  prompt: {prompt.get('written')}", file=out)
        if recipe.get("seed") is not None:
            print(f"  seed: {recipe.get('seed')}", file=out)
        print(f"  inputs: {json.dumps(recipe.get('inputs'), ensure_ascii=False)}", file=out)
        for entry in recipe.get("files") or []:
            print(f"  local file {entry.get('field')}: {entry.get('file')} (sha256 {str(entry.get('sha256'))[:12]}…"
                  f"{', uploaded as ' + entry['url'] if entry.get('url') else ''})", file=out)
        if recipe.get("parent"):
            print(f"  made from: {json.dumps(recipe['parent'], ensure_ascii=False)}", file=out)
    for params in found.foreign:
        print(f"  from {params.tool} (best effort): prompt {params.prompt!r}, negative {params.negative_prompt!r}, "
              f"seed {params.seed}, size {params.width}x{params.height}, model {params.model_name}", file=out)
