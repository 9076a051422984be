"""One batch across real Celery workers and a real Redis, against the simulator."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys

from app.sim import DEMO_KEY, SimServer
from tests.distributed.conftest import ROOT


def coordinator(jobs_file, out, env, sim):
    return subprocess.Popen([sys.executable, "-m", "app", "run", str(jobs_file), "--out", str(out), "--yes",
                             "--executor", "celery", "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**env, "ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": sim.base_url})


def write_jobs(path, count, model="google/imagen4-fast", extra=""):
    path.write_text("schema_version: 1\nconcurrency: 4\njobs:\n" + "".join(
        f"- {{name: 'job {i}', model: {model}, inputs: {{prompt: 'distributed {i}'{extra}}}}}\n" for i in range(count)))


def test_a_batch_spreads_over_two_workers(fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_jobs(jobs, 12)
    with SimServer(port=0, speed=20) as sim:
        workers = [start_worker("alpha"), start_worker("beta")]
        run = coordinator(jobs, tmp_path / "out", fleet_env, sim)
        stdout, stderr = run.communicate(timeout=240)
        assert run.returncode == 0, stderr
        assert json.loads(stdout.splitlines()[-1])["states"]["done"] == 12
        assert sim.stats()["tasks_created"] == 12 and sim.stats()["duplicate_submits"] == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["successful"] == 12 and manifest["batch"]["executor"] == "celery"
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    shares = [worker.log_path.read_text().count("succeeded in") for worker in workers]
    assert all(share > 0 for share in shares) and sum(shares) >= 12, shares


def test_a_worker_killed_mid_job_does_not_cause_a_second_submit(qtbot, fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_jobs(jobs, 1, "bytedance/seedance-v1.5-pro-fast/text-to-video", ", duration: 4")
    store = tmp_path / "out" / ".batch-studio" / "jobs.sqlite"

    def submitted() -> bool:
        if not store.exists():
            return False
        try:
            with sqlite3.connect(store) as db:
                row = db.execute("SELECT state, prediction_id FROM jobs").fetchone()
        except sqlite3.OperationalError:
            return False  # the coordinator is still creating it
        return bool(row and row[1] and row[0] in ("submitted", "running"))

    with SimServer(port=0, speed=1.5) as sim:  # the clip takes about ten seconds
        doomed = start_worker("doomed", concurrency=1)
        run = coordinator(jobs, tmp_path / "out", fleet_env, sim)
        qtbot.waitUntil(submitted, timeout=60000)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        start_worker("rescuer", concurrency=1)
        stdout, stderr = run.communicate(timeout=180)
        assert run.returncode == 0, stderr
        assert json.loads(stdout.splitlines()[-1])["states"]["done"] == 1
        submits = [e for e in sim.log_entries() if e.get("kind") == "submit" and e.get("created")]
        assert len(submits) == 1 and sim.stats()["tasks_created"] == 1
    video = json.loads((tmp_path / "out" / "manifest.json").read_text())["results"][0]
    assert (tmp_path / "out" / video["local_path"]).read_bytes()[4:8] == b"ftyp"


def test_a_worker_with_a_rejected_key_stops_the_batch_instead_of_hanging(fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_jobs(jobs, 3)
    with SimServer(port=0, speed=20) as sim:
        start_worker("no-key", env={"ATLASCLOUD_API_KEY": "apikey-revoked"})
        run = coordinator(jobs, tmp_path / "out", fleet_env, sim)
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode == 3, stderr
        assert "401" in stdout and sim.stats()["tasks_created"] == 0
