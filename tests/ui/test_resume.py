"""Closing the app mid-batch and reopening the folder: nothing lost, nothing paid twice."""

from __future__ import annotations

import json

from app.engine.core import appdirs
from app.engine.jobs.spec import JobSpec
from app.ui.backend import Backend
from app.ui.settings import AppSettings
from app.ui.window import MainWindow


def open_window(qtbot, speed):
    backend = Backend(demo=True, demo_speed=speed)
    window = MainWindow(AppSettings(), backend)
    qtbot.addWidget(window, before_close_func=MainWindow.shutdown)
    window.show()
    return window, backend


def created_tasks() -> list[str]:
    journal = appdirs.data_dir() / "demo-simulator" / "journal.jsonl"
    return [json.loads(line)["id"] for line in journal.read_text().splitlines() if '"type": "task"' in line]


def test_close_mid_batch_then_reopen_the_folder(qtbot, tmp_path, answers):
    window, backend = open_window(qtbot, speed=4)
    window.set_output_dir(tmp_path / "out")
    clips = [JobSpec(f"clip {i}", "bytedance/seedance-v1.5-pro-fast/text-to-video", {"prompt": f"scene {i}",
                                                                                       "duration": 4})
             for i in range(3)]
    window.jobs.insert(clips + [JobSpec("held", "google/imagen4", {"prompt": "later"})])
    window.costs.refresh_all()
    window.select_rows([3])
    window.act_hold.trigger()
    assert window.run_batch()
    qtbot.waitUntil(lambda: all(j.state in ("submitted", "running") for j in window.jobs.rows[:3]), timeout=20000)
    assert window.close()  # answers "yes": detach, do not cancel
    backend.close()
    assert len(created_tasks()) == 3

    window, backend = open_window(qtbot, speed=50)
    try:
        assert window.reopen_folder(tmp_path / "out")
        assert window.jobs.rows[3].paused and window.jobs.rows[3].state == "queued"
        qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
        assert [j.state for j in window.jobs.rows[:3]] == ["done"] * 3, [j.error for j in window.jobs.rows]
        assert window.jobs.rows[3].state == "queued"  # reopened paused, and held anyway
        assert len(created_tasks()) == 3  # followed, never submitted again
        window.select_rows([3])
        window.act_release.trigger()
        assert window.run_batch()
        qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
        assert window.jobs.rows[3].state == "done" and len(created_tasks()) == 4
    finally:
        window.shutdown()
        backend.close()


def test_a_new_run_over_an_unfinished_folder_offers_to_reopen_it(qtbot, tmp_path, answers, monkeypatch):
    window, backend = open_window(qtbot, speed=2)
    try:
        window.set_output_dir(tmp_path / "out")
        window.jobs.insert([JobSpec("clip", "google/veo3.1/text-to-video", {"prompt": "slow", "duration": 8})])
        window.costs.refresh_all()
        assert window.run_batch()
        qtbot.waitUntil(lambda: window.jobs.rows[0].state in ("submitted", "running"), timeout=20000)
        window.controller.detach()
        qtbot.waitUntil(lambda: not window.controller.running, timeout=20000)
        window.controller.close_store()
        reopened = []
        monkeypatch.setattr(window, "reopen_folder", lambda folder=None: reopened.append(folder) or True)
        assert not window.run_batch()
        assert reopened == [tmp_path / "out"]
        assert any("Unfinished batch" in title for _, title, _ in answers)
    finally:
        window.shutdown()
        backend.close()


def test_a_killed_app_loses_nothing_and_pays_nothing_twice(qtbot, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "out"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "-m", "tests.ui.kill_driver", str(out)], cwd=root, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert app.stdout.readline().strip() == "READY"
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait()
        app.stdout.close()
    assert len(created_tasks()) == 3

    window, backend = open_window(qtbot, speed=50)
    try:
        assert window.reopen_folder(out)
        qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
        assert [j.state for j in window.jobs.rows] == ["done"] * 3, [j.error for j in window.jobs.rows]
        assert len(created_tasks()) == 3
        assert all(Path(j.output_path).read_bytes()[4:8] == b"ftyp" for j in window.jobs.rows)
    finally:
        window.shutdown()
        backend.close()
