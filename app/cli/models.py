"""``batch-studio models``: the image and video models of the catalog, and where the list came from."""

from __future__ import annotations

import json
import os
import sys

from app.cli.run import EXIT_OK, catalog_service
from app.engine.atlas.client import DEFAULT_BASE_URL
from app.engine.atlas.ladders import build_ladders


def models_command(args=None) -> int:
    service = catalog_service(os.environ.get("ATLASCLOUD_BASE_URL") or DEFAULT_BASE_URL)
    catalog = service.refresh()  # the list only, and only when the cached one is old
    if catalog.problem:
        print(f"note: {catalog.problem}", file=sys.stderr)
    if args is not None and args.ladders:
        return _print_ladders(catalog, as_json=args.json)
    print(f"Models ({catalog.describe()}):")
    for kind in ("Image", "Video"):
        print(f"  {kind}")
        for model in catalog.of_type(kind):
            print(f"    {model.model_id:<50} {model.display_name}")
    return EXIT_OK


def _print_ladders(catalog, as_json: bool) -> int:
    ladders = build_ladders(catalog)
    if as_json:
        print(json.dumps([ladder.ids for ladder in ladders.ladders]))
        return EXIT_OK
    print(f"Model families in tiers ({len(ladders)}, {catalog.describe()}), cheapest first; catalog list "
          "prices compare within a family only:")
    for ladder in ladders.ladders:
        print(f"  {ladder.key}")
        for tier in ladder.tiers:
            price = f"${tier.price}" if tier.price is not None else "no price"
            print(f"    {tier.label:<10} {tier.model_id:<55} {price}")
    return EXIT_OK
