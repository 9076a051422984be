"""``batch-studio picks DIR``: the review of a batch folder, and ``--export DEST`` to hand the picks off."""

from __future__ import annotations

import gc
import sys
from typing import TextIO

from app.engine.review.picks import ExportError, export_picks, short_model
from app.engine.atlas.pricing import format_cost
from app.engine.review.session import ReviewError, ReviewSession, describe, open_folder
from app.engine.core.gcpause import collector_paused

EXIT_OK, EXIT_INVALID = 0, 2


def picks_command(args, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        # A review of 50,000 jobs is a million small objects that live until the command ends:
        # collections during the build, and the first ones after it, would only walk them again
        # and again. Frozen, the collector leaves them be until the command is done.
        with collector_paused():
            session = open_folder(args.folder)
            gc.freeze()
    except ReviewError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INVALID
    try:
        with session:
            _print_summary(out, session)
            if args.export is None:
                return EXIT_OK
            try:
                result = export_picks(session, args.export, link=not args.copy)
            except ExportError as exc:
                print(f"error: {exc}", file=err)
                return EXIT_INVALID
    finally:
        gc.unfreeze()
    print("", file=out)
    print(f"Exported {result.summary()}.", file=out)
    print(f"  {result.csv_path.name} and {', '.join(p.name for p in result.sheets)} written", file=out)
    for output in result.missing:
        print(f"  note: {output.path} is picked but no longer exists", file=err)
    return EXIT_OK


def _print_summary(out: TextIO, session: ReviewSession) -> None:
    counts = session.counts()
    source = f"batch {session.batch}" if session.has_store else "manifest.json only"
    print(f"Review of {session.folder} ({source}): {len(session.items)} job(s), {counts.total} output(s)", file=out)
    print(f"  {describe(counts)}", file=out)
    if session.store is not None and session.batch is not None:
        from app.engine.atlas.catalog import Catalog
        from app.engine.review.savings import batch_saving

        try:
            saving = batch_saving(session.store, session.batch, Catalog.snapshot())
        except Exception:  # noqa: BLE001 - a final model the bundled catalog lacks: the figure is left out
            saving = None
        if saving is not None:
            print(f"  {saving.sentence()}", file=out)
    picked = session.picked()
    if not picked:
        print("  Nothing is picked yet: open the folder in Batch Studio's review to pick outputs.", file=out)
        return
    print("Picked:", file=out)
    width = min(40, max(len(o.item.name) for o in picked))
    for output in picked:
        item = output.item
        rating = f"{'*' * output.rating:<5}" if output.rating else "     "
        print(f"  {item.name[:width]:<{width}}  {short_model(item.model):<22} {rating}  "
              f"{format_cost(item.cost.amount, item.cost.basis):<22} {output.path}", file=out)
