"""A 10,000-job batch killed with SIGKILL mid-way, then resumed: nothing lost, nothing
submitted twice, and the manifest is the store again at the end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.bench.processes import stop
from app.bench.scale import manifest_matches_store, write_jobset
from app.engine.run.store import JobStore
from app.sim import DEMO_KEY

ROOT = Path(__file__).resolve().parents[2]
JOBS = 10_000


@pytest.mark.slow  # about two minutes of two cores: ten thousand real HTTP jobs, twice started
def test_a_10000_job_batch_killed_mid_way_resumes_without_losing_or_repeating_a_job(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_jobset(jobs, JOBS)
    out, data = tmp_path / "out", tmp_path / "sim"
    sim = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", "1000", "--cheap-media",
                            "--data-dir", str(data), "--balance", "5000"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = sim.stdout.readline().split("listening on ", 1)[1].strip()
        env = {**os.environ, "ATLASCLOUD_BASE_URL": base_url, "ATLASCLOUD_API_KEY": DEMO_KEY,
               "XDG_DATA_HOME": str(tmp_path / "profile")}
        command = [sys.executable, "-m", "app", "run", str(jobs), "--out", str(out), "--json", "--yes",
                   "--concurrency", "32"]
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True)
        done = 0
        for line in first.stdout:
            done += '"state": "done"' in line
            if done >= JOBS // 3:
                break
        first.send_signal(signal.SIGKILL)
        first.wait()
        first.stdout.close()
        resumed = subprocess.run(command + ["--resume"], cwd=ROOT, env=env, capture_output=True, text=True,
                                 timeout=900)
        # 1 says some jobs did not finish: those cut off mid-submit wait for a decision (below).
        assert resumed.returncode in (0, 1), resumed.stderr[-2000:]
    finally:
        stop(sim)
        sim.stdout.close()

    store = JobStore(out)
    try:
        stored = store.load()
    finally:
        store.close()
    tasks = [json.loads(line) for line in (data / "journal.jsonl").read_text().splitlines()
             if '"type": "task"' in line]
    prompts = Counter(task["body"]["prompt"] for task in tasks)
    assert len(stored) == JOBS
    assert not [prompt for prompt, count in prompts.items() if count > 1]  # nothing submitted twice
    # Nothing lost: every task the simulator created (and billed) is a job's prediction id, but
    # for a submit the kill cut off before its reply: that job waits for a person's decision.
    known = {job.prediction_id for job in stored}
    by_prompt = {job.spec.inputs["prompt"]: job for job in stored}
    unknown = [task for task in tasks if task["id"] not in known]
    assert all(by_prompt[task["body"]["prompt"]].state.value == "needs_attention" for task in unknown)
    states = Counter(job.state.value for job in stored)
    # A job cut off mid-submit waits for a person's decision; every other one finished.
    assert states["done"] + states["needs_attention"] == JOBS and states["needs_attention"] <= 32
    assert manifest_matches_store(out)[0]
