"""Light and dark palettes follow the system, or the user's choice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel

from app.ui import theme


@pytest.fixture
def app(qapp):
    yield qapp
    theme.apply(qapp, "system")


def _window_lightness(app) -> int:
    return app.palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_and_light_choices_set_the_palette(app, qtbot):
    label = QLabel("x")
    qtbot.addWidget(label)
    theme.accent(label, "error")
    light_error = label.styleSheet()
    assert theme.apply(app, "dark") is True
    assert _window_lightness(app) < 80
    assert app.palette().color(QPalette.ColorRole.Text).lightness() > 180
    assert label.styleSheet() != light_error  # accents follow the theme
    assert theme.state_colour("failed") == theme.colour("error")
    assert theme.apply(app, "light") is False
    assert _window_lightness(app) > 180
    assert label.styleSheet() == light_error


def test_the_system_scheme_is_followed_as_it_changes(app, monkeypatch):
    system = {"dark": False}
    monkeypatch.setattr(theme, "system_is_dark", lambda _app: system["dark"])
    theme.follow_system(app, "system")
    assert not theme.is_dark()
    system["dark"] = True
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.is_dark() and _window_lightness(app) < 80
    system["dark"] = False
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not theme.is_dark() and _window_lightness(app) > 180


def test_an_explicit_choice_ignores_the_system(app, monkeypatch):
    monkeypatch.setattr(theme, "system_is_dark", lambda _app: True)
    theme.follow_system(app, "light")
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not theme.is_dark()
