"""Python's cyclic garbage collector paused while big sets of objects are built."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """No cyclic collection while a job set, a batch's rows or a review is built. Building 50,000
    jobs makes a million small objects, none of them in a cycle, and each collection the
    allocations set off walks every one still alive: with it on, reading a job set took three
    times as long and opening a review 40% longer. Reference counting still frees everything as
    usual. Threads may overlap here: whichever leaves last with the collector found on turns it
    back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep_out_of_collections() -> None:
    """What is alive now (a job set of 50,000 rows just opened: 300,000 objects) is left out of
    every later cyclic collection. A full collection walks every tracked object, which took
    140-150 ms with such a set open and stalled the window in the middle of a batch. None of it
    is in a cycle, so reference counting still frees all of it when a new set replaces it;
    only a cycle among these objects would wait for the process to end."""
    gc.freeze()


def collected_afterwards(steps):
    """``steps`` (a generator run a slice at a time between the window's other work) with the
    collector paused across all its slices, and what it built then kept out of collections:
    a batch of 50,000 jobs readied for the store makes a few hundred thousand objects, and a
    full collection set off among them took 100 ms or more in a single slice."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield from steps
    finally:
        keep_out_of_collections()
        if enabled:
            gc.enable()
