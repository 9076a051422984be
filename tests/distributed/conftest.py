"""A real redis-server on a free loopback port, and Celery workers as subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.bench.processes import stop
from app.distributed import local_redis

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url(qtbot, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed; bash packaging/dev.sh installs it")
    server, port = local_redis.launch(tmp_path)
    qtbot.waitUntil(lambda: local_redis.answers(port), timeout=10000)
    yield f"redis://127.0.0.1:{port}/0"
    stop(server, timeout=20)


@pytest.fixture
def fleet_env(redis_url):
    from app.sim import DEMO_KEY

    # Each worker brings its own key, as a real fleet does.
    return {**os.environ, "BATCH_STUDIO_BROKER_URL": redis_url, "BATCH_STUDIO_VISIBILITY_TIMEOUT": "4",
            "BATCH_STUDIO_LEASE_SECONDS": "3", "PYTHONPATH": str(ROOT), "ATLASCLOUD_API_KEY": DEMO_KEY}


@pytest.fixture
def start_worker(fleet_env, tmp_path):
    workers = []

    def start(name: str, concurrency: int = 2, env: dict | None = None) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")
        worker = subprocess.Popen([sys.executable, "-m", "app", "worker", "--concurrency", str(concurrency),
                                   "--name", f"{name}@test"], cwd=ROOT, env={**fleet_env, **(env or {})},
                                  stdout=log, stderr=subprocess.STDOUT)
        worker.log_path = tmp_path / f"{name}.log"
        workers.append((worker, log))
        return worker

    yield start
    for worker, log in workers:
        stop(worker)
        log.close()
