from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.backend import Backend
from app.ui.settings import AppSettings
from app.ui.window import MainWindow


@pytest.fixture(autouse=True)
def fresh_settings(app_settings_dir):
    return app_settings_dir


@pytest.fixture
def answers(monkeypatch):
    """Auto-answers message boxes and records what they said."""
    said = []

    def record(kind, answer):
        def box(parent, title, text, *args, **kwargs):
            said.append((kind, title, text))
            return answer
        return box

    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok))
    return said


@pytest.fixture
def window(qtbot, answers):
    backend = Backend(demo=True, demo_speed=50)
    win = MainWindow(AppSettings(), backend)
    qtbot.addWidget(win, before_close_func=MainWindow.shutdown)
    win.show()
    yield win
    win.shutdown()
    backend.close()
