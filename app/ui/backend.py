"""Which Atlas the app talks to: the real API with a key, or the in-process simulator."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.engine.core import appdirs
from app.engine.atlas import secrets
from app.engine.atlas.catalog import Catalog, CatalogService
from app.engine.atlas.client import DEFAULT_BASE_URL, AtlasClient
from app.engine.atlas.llm import LLMClient
from app.engine.run.timing import DEMO_SERVER, TimingModel
from app.engine.run.ledger import SpendLedger
from app.ui.tasks import Task


# The demo simulator remembers its tasks (so a demo batch survives closing the app) for a week.
DEMO_MEMORY_SECONDS = 7 * 24 * 3600


class DemoServer:
    """The simulator in a child process: its rendering and serving would otherwise compete
    with the window for the GIL. It exits when this process's end of its stdin closes."""

    def __init__(self, speed: float, data_dir: Path, cheap_media: bool = False):
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
             "--data-dir", str(data_dir), "--balance", "10000", *(["--cheap-media"] if cheap_media else [])],
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

    def __init__(self, *, demo: bool, base_url: str = "", demo_speed: float = 10.0,
                 catalog_service: CatalogService | None = None, demo_cheap_media: bool = False):
        self.demo = demo
        self.demo_speed = demo_speed
        self._server = None
        self._key: str | None = None
        if demo:
            from app.sim import DEMO_KEY

            # Cheap media (small real files, no drawing): scale benches measure the window, not the simulator.
            self._server = DemoServer(demo_speed, appdirs.data_dir() / "demo-simulator", demo_cheap_media)
            self.base_url = self._server.base_url
            self._key = DEMO_KEY
        else:
            self.base_url = (os.environ.get("ATLASCLOUD_BASE_URL") or base_url or DEFAULT_BASE_URL).rstrip("/")
            self._key, _ = secrets.api_key()
        # Demo mode keeps the simulator's catalog, which is the bundled snapshot.
        self.catalog_service = None if demo else catalog_service or CatalogService(
            self.client, appdirs.cache_dir(), base_url=self.base_url)
        self.catalog = Catalog.snapshot().with_problem(None, "demo") if demo else self.catalog_service.load()

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    def client(self) -> AtlasClient:
        return AtlasClient(self.base_url, self._key)

    def llm(self) -> LLMClient:
        """Atlas's LLM endpoint on the same key (prompt help); one per request, like client()."""
        return LLMClient(self.base_url, self._key)

    def process_environment(self) -> dict[str, str]:
        """The environment of a child process that talks to this server for the app (a batch):
        the app's key goes there only, never on a command line or into a file."""
        env = {name: value for name, value in os.environ.items()
               if name not in ("ATLASCLOUD_API_KEY", "ATLAS_CLOUD_API_KEY")}
        if self._key:
            env["ATLASCLOUD_API_KEY"] = self._key
        return env

    def timing(self) -> TimingModel:
        """What this server taught about generation times: the demo simulator (a new port each
        launch) and every other base URL learn apart from the live service."""
        return TimingModel.for_server(appdirs.data_dir(), DEMO_SERVER if self.demo else self.base_url,
                                      scale=1.0 / self.demo_speed if self.demo else 1.0)

    def ledger(self) -> SpendLedger:
        """Today's spend across batches; demo money is counted apart from real money."""
        return SpendLedger(appdirs.data_dir() / f"spend-{'demo' if self.demo else 'live'}.json")

    def catalog_is_stale(self) -> bool:
        """Whether the live model list is old enough to fetch again (reads only the cache file)."""
        return self.catalog_service is not None and self.catalog_service.is_stale()

    def refresh_catalog(self, force: bool = False) -> Catalog:
        """Network I/O: call from a worker thread. Failing, gives the cache or the snapshot with
        ``problem`` set; the caller swaps ``catalog`` on the GUI thread."""
        if self.catalog_service is None:
            return self.catalog
        return self.catalog_service.refresh(force=force)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


class CatalogUpdater(QObject):
    """Keeps the window's catalog current without ever blocking it: the model list is refreshed
    and schemas are loaded on this object's pool; the new catalog is swapped in on the GUI
    thread (``changed``), so every view reads one catalog at a time."""

    changed = Signal(object)  # the new Catalog, already in backend.catalog
    problem_changed = Signal(str)  # why the last refresh failed, "" when it worked
    busy_changed = Signal(bool)
    schemas_loaded = Signal(object, object)  # the model ids asked for, {model_id: reason} for those that failed

    def __init__(self, backend: Backend, parent=None):
        super().__init__(parent)
        self.backend = backend
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)  # a list refresh never waits behind a schema load
        self.problem = ""
        self.refreshing = False
        self._loading: set[str] = set()

    def refresh_if_stale(self) -> bool:
        return self.backend.catalog_is_stale() and self.refresh()

    def refresh(self, force: bool = False) -> bool:
        """Starts a refresh unless one is running or the app runs on the simulator."""
        if self.backend.catalog_service is None or self.refreshing:
            return False
        self.refreshing = True
        self.busy_changed.emit(True)
        backend = self.backend
        task = Task(lambda: backend.refresh_catalog(force))
        task.signals.done.connect(self._refreshed)
        task.signals.failed.connect(self._refresh_failed)
        self.pool.start(task)
        return True

    def _refreshed(self, catalog: Catalog) -> None:
        self.refreshing = False
        self.busy_changed.emit(False)
        self.problem = catalog.problem or ""
        if catalog is not self.backend.catalog:
            self.backend.catalog = catalog
            self.changed.emit(catalog)
        self.problem_changed.emit(self.problem)

    def _refresh_failed(self, reason: str) -> None:
        # Only a bug gets here: the service turns network trouble into a catalog with a problem.
        self.refreshing = False
        self.busy_changed.emit(False)
        self.problem = reason
        self.problem_changed.emit(reason)

    def ensure_schemas(self, model_ids) -> list[str]:
        """Loads, on the pool, the schemas of these models not loaded yet; ``schemas_loaded``
        follows. Returns the ids it started loading (those already on their way are not asked twice)."""
        catalog = self.backend.catalog
        wanted = [model_id for model_id in dict.fromkeys(model_ids)
                  if (model := catalog.get(model_id)) is not None and not model.schema_loaded
                  and model_id not in self._loading]
        if not wanted:
            return []
        self._loading.update(wanted)
        task = Task(lambda: (wanted, catalog.ensure_schemas(wanted)))
        task.signals.done.connect(self._schemas_done)
        task.signals.failed.connect(self._schemas_crashed)
        self.pool.start(task)
        return wanted

    def is_loading(self, model_id: str) -> bool:
        return model_id in self._loading

    def _schemas_done(self, result) -> None:
        model_ids, failures = result
        self._loading.difference_update(model_ids)
        self.schemas_loaded.emit(model_ids, failures)

    def _schemas_crashed(self, reason: str) -> None:
        model_ids, self._loading = list(self._loading), set()
        self.schemas_loaded.emit(model_ids, {model_id: reason for model_id in model_ids})

    def wait(self) -> None:
        self.pool.waitForDone()
