from __future__ import annotations

import pytest

from app.sim import DEMO_KEY, SimServer
from tests.fakes.clock import ManualClock
from tests.sim.doc_client import DocClient


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def make_sim(clock, tmp_path):
    """Starts simulators on free ports with a manual clock; all are stopped after the test."""
    servers = []

    def make(**options) -> SimServer:
        options.setdefault("clock", clock)
        options.setdefault("log_path", tmp_path / f"sim-{len(servers)}.jsonl")
        server = SimServer(port=0, **options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def sim(make_sim):
    return make_sim()


@pytest.fixture
def make_client(clock):
    clients = []

    def make(server: SimServer, key: str = DEMO_KEY) -> DocClient:
        def sleep(seconds: float) -> None:
            # Time passes at once; then outputs in flight must finish before the next poll.
            clock.advance(seconds)
            server.state.wait_media_idle(timeout=30)

        client = DocClient(server.base_url, key, sleep=sleep)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(sim, make_client):
    return make_client(sim)
