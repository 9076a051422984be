"""`python -m app.bench scale --window --window-batch` reads the window's figures from a process
of its own: that process must open the given job set, run it and hand back one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_the_window_figures_for_a_given_job_set_come_back_as_json(tmp_path):
    from app.bench.scale import write_jobset

    jobs = tmp_path / "jobs.yaml"
    write_jobset(jobs, 6)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}  # the fixtures' fresh profile, inherited
    result = subprocess.run([sys.executable, "-m", "app.bench.scalewindow", "--jobset", str(jobs), "--json", "--run",
                             "--speed", "1000", "--concurrency", "4"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["window_done"] == 6
    assert figures["window_load_s"] > 0 and figures["window_stall_ms"] >= 0 and figures["window_click_ms"] > 0
