from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox


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
