"""``batch-studio models``: the image and video models of the catalog, and where the list came from."""

from __future__ import annotations

import os
import sys

from app.cli.run import EXIT_OK, catalog_service
from app.engine.atlas.client import DEFAULT_BASE_URL


def models_command() -> int:
    service = catalog_service(os.environ.get("ATLASCLOUD_BASE_URL") or DEFAULT_BASE_URL)
    catalog = service.refresh()  # the list only, and only when the cached one is old
    if catalog.problem:
        print(f"note: {catalog.problem}", file=sys.stderr)
    print(f"Models ({catalog.describe()}):")
    for kind in ("Image", "Video"):
        print(f"  {kind}")
        for model in catalog.of_type(kind):
            print(f"    {model.model_id:<50} {model.display_name}")
    return EXIT_OK
