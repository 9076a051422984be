"""``batch-studio sim``: the local Atlas simulator on loopback.

The simulator parses its own options (``batch-studio sim --help``); ``python -m app.sim`` is the
same command, which the benches and tests start as a process of its own.
"""

from __future__ import annotations


def main(argv: list[str]) -> int:
    from app.sim.__main__ import main as sim_main

    return sim_main(argv)
