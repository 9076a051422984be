"""The desktop app with its executor set to Celery: jobs run on a worker, rows update here."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QMessageBox

from app.engine.jobs.spec import JobSpec
from app.ui.backend import Backend
from app.ui.settings import AppSettings
from app.ui.window import MainWindow


def test_the_app_runs_a_batch_on_celery_workers(qtbot, fleet_env, start_worker, tmp_path, monkeypatch,
                                               app_settings_dir):
    worker = start_worker("app-fleet")
    monkeypatch.setenv("BATCH_STUDIO_BROKER_URL", fleet_env["BATCH_STUDIO_BROKER_URL"])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    backend = Backend(demo=True, demo_speed=40)
    settings = AppSettings()
    settings.executor = "celery"
    window = MainWindow(settings, backend)
    qtbot.addWidget(window, before_close_func=MainWindow.shutdown)
    try:
        window.set_output_dir(tmp_path / "out")
        window.jobs.insert([JobSpec(f"fleet {i}", "google/imagen4-fast", {"prompt": f"from the fleet {i}"})
                            for i in range(3)])
        window.costs.refresh_all()
        assert window.run_batch()
        qtbot.waitUntil(lambda: not window.controller.running, timeout=60000)
        assert [job.state for job in window.jobs.rows] == ["done"] * 3, [j.error for j in window.jobs.rows]
        assert all(os.path.isfile(job.output_path) for job in window.jobs.rows)
    finally:
        window.shutdown()
        backend.close()
    assert "succeeded in" in worker.log_path.read_text()
