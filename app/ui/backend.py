"""Which Atlas the app talks to: the real API with a key, or the in-process simulator."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from app.engine import appdirs, secrets
from app.engine.catalog import Catalog
from app.engine.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.timing import TimingModel
from app.engine.ledger import SpendLedger


# The demo simulator remembers its tasks (so a demo batch survives closing the app) for a week.
DEMO_MEMORY_SECONDS = 7 * 24 * 3600


class DemoServer:
    """The simulator in a child process: its rendering and serving would otherwise compete
    with the window for the GIL. It exits when this process's end of its stdin closes."""

    def __init__(self, speed: float, data_dir: Path):
        import subprocess
        import sys

        journal = data_dir / "journal.jsonl"
        if journal.exists() and time.time() - journal.stat().st_mtime > DEMO_MEMORY_SECONDS:
            shutil.rmtree(data_dir, ignore_errors=True)  # demo outputs from long ago: free the disk

        # Lower priority: rendering demo videos must never take CPU from the window.
        lower_priority = (lambda: os.nice(10)) if hasattr(os, "nice") else None
        # A bundled (frozen) app has no `-m`; its own executable runs the simulator as `sim`.
        launcher = [sys.executable, "sim"] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app.sim"]
        self.process = subprocess.Popen(
            [*launcher, "--port", "0", "--speed", str(speed), "--exit-with-stdin",
             "--data-dir", str(data_dir), "--balance", "10000"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=lower_priority)
        first = self.process.stdout.readline()
        if "listening on " not in first:
            self.stop()
            raise RuntimeError("the demo simulator did not start; run `python -m app.sim` to see why")
        self.base_url = first.split("listening on ", 1)[1].strip()

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


class Backend:
    """Owns the simulator in demo mode. Clients are made per use: requests sessions are not
    meant to be shared across the worker threads that poll, quote and download."""

    def __init__(self, *, demo: bool, base_url: str = "", demo_speed: float = 10.0):
        self.demo = demo
        self.demo_speed = demo_speed
        self._server = None
        self._key: str | None = None
        if demo:
            from app.sim import DEMO_KEY

            self._server = DemoServer(demo_speed, appdirs.data_dir() / "demo-simulator")
            self.base_url = self._server.base_url
            self._key = DEMO_KEY
        else:
            self.base_url = (os.environ.get("ATLASCLOUD_BASE_URL") or base_url or DEFAULT_BASE_URL).rstrip("/")
            self._key, _ = secrets.api_key()
        self.catalog = Catalog.snapshot() if demo else Catalog.load(appdirs.cache_dir())

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    def client(self) -> AtlasClient:
        return AtlasClient(self.base_url, self._key)

    def timing(self) -> TimingModel:
        mode = "demo" if self.demo else "live"
        return TimingModel(appdirs.data_dir() / f"timing-{mode}.json",
                           scale=1.0 / self.demo_speed if self.demo else 1.0)

    def ledger(self) -> SpendLedger:
        """Today's spend across batches; demo money is counted apart from real money."""
        return SpendLedger(appdirs.data_dir() / f"spend-{'demo' if self.demo else 'live'}.json")

    def refresh_catalog(self) -> Catalog:
        """Network I/O: call from a worker thread."""
        if self.demo:
            return self.catalog
        client = self.client()
        try:
            return Catalog.refresh(client, appdirs.cache_dir())
        finally:
            client.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
