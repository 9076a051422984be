"""Child processes the benchmarks start: the simulator in a process of its own, and a way to
stop any of them that never leaves one behind."""

from __future__ import annotations

import signal
import subprocess
import sys
from contextlib import contextmanager


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """Asks politely (SIGTERM), then insists."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def simulator_process(*options: str):
    """``python -m app.sim --port 0 OPTIONS`` in a process of its own, as an independent server
    would be (it does not compete with the engine for this interpreter); yields its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", *options],
                               stdout=subprocess.PIPE, text=True)
    try:
        yield process.stdout.readline().split("listening on ", 1)[1].strip()
    finally:
        stop(process)
