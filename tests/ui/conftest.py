from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path, qapp):
    """QSettings go to an INI file in this test's temp folder, never the user's."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("BatchStudioTests")
    qapp.setApplicationName("Batch Studio Tests")
    yield
    QSettings().clear()


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
