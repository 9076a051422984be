"""A throwaway redis-server on a free loopback port, for benchmarks and tests of the fleet."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(directory: Path, port: int | None = None) -> tuple[subprocess.Popen, int]:
    """Starts redis-server without persistence (nothing outlives the run); returns it and its
    port. It may not answer yet: wait for ``answers(port)``."""
    port = port or free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(directory)], stdout=subprocess.DEVNULL)
    return server, port


def answers(port: int) -> bool:
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False
    finally:
        client.close()
