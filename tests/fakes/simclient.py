"""An in-process simulator on a manual clock, and a client whose waits advance that clock:
a batch against it runs in no real time."""

from __future__ import annotations

from contextlib import contextmanager

from app.engine.atlas.client import AtlasClient, Backoff
from app.sim import DEMO_KEY, SimServer
from tests.fakes.clock import ManualClock


@contextmanager
def instant_sim():
    """Yields (server, client, options): pass ``**options`` (clock, sleep, backoff) to the runner."""
    clock = ManualClock()
    server = SimServer(port=0, clock=clock).start()

    def sleep(seconds):
        clock.advance(seconds)
        server.state.wait_media_idle()

    client = AtlasClient(server.base_url, DEMO_KEY, sleep=sleep, backoff=Backoff(base=0.5, cap=4))
    try:
        yield server, client, dict(clock=clock, sleep=sleep, backoff=Backoff(base=0.5, cap=4))
    finally:
        client.close()
        server.stop()
