"""python -m app.bench engine | gui | soak | celery | catalog | scale"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    which = argv[0] if argv else ""
    if which == "engine":
        from app.bench.engine import main as run
    elif which == "gui":
        from app.bench.gui import main as run
    elif which == "celery":
        from app.bench.celery import main as run
    elif which == "soak":
        from app.bench.soak import main as run
    elif which == "catalog":
        from app.bench.catalog import main as run
    elif which == "fleet":
        from app.bench.scalefleet import main as run
    elif which == "scale":
        from app.bench.scale import main as run
    elif which == "scalewindow":
        from app.bench.scalewindow import main as run
    else:
        print("usage: python -m app.bench engine|gui|soak|celery|catalog|scale [options]", file=sys.stderr)
        return 2
    return run(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
