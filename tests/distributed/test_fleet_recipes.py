"""A fleet's workers write each output's recipe as the coordinator was told to."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

from app.engine.jobs import recipes
from app.sim import DEMO_KEY, SimServer
from tests.distributed.conftest import ROOT
from tests.distributed.test_celery import write_jobs


def test_run_no_embed_reaches_the_workers(fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_jobs(jobs, 4)
    with SimServer(port=0, speed=20) as sim:
        worker = start_worker("gamma")
        run = subprocess.run([sys.executable, "-m", "app", "run", str(jobs), "--out", str(tmp_path / "out"), "--yes",
                              "--executor", "celery", "--json", "--no-embed"], cwd=ROOT, capture_output=True,
                             text=True, timeout=240,
                             env={**fleet_env, "ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": sim.base_url})
        assert run.returncode == 0, run.stderr
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["successful"] == 4
    for result in manifest["results"]:
        [listed] = result["files"]
        assert listed["recipe"] == "sidecar" and listed["written_sha256"] == listed["sha256"]
        found = recipes.read_file(tmp_path / "out" / listed["path"])
        assert found.recipes[0]["job"]["prediction_id"] == result["prediction_id"]
