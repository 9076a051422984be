"""Light and dark: the palette follows the system's colour scheme, or the user's choice.

Where the platform style already follows the system (Windows 11, macOS, most Linux
desktops with a Qt platform theme) a "system" light scheme keeps the native look. A dark
scheme the platform style cannot draw, and any explicit choice, use Fusion with a
palette of ours, so every widget agrees on the colours.
"""

from __future__ import annotations

import weakref

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

CHOICES = ("system", "light", "dark")

# Text colours that keep their meaning on either background (AA contrast on both).
_ACCENTS = {
    False: {"error": "#c62828", "warning": "#b26a00", "attention": "#ef6c00", "done": "#2e7d32", "muted": "#757575"},
    True: {"error": "#ef9a9a", "warning": "#ffcc80", "attention": "#ffb74d", "done": "#81c784", "muted": "#bdbdbd"},
}
_STATE_ACCENTS = {"done": "done", "failed": "error", "invalid": "error", "needs_attention": "attention",
                  "cancelled": "muted"}

_state = {"dark": False, "choice": "system", "native_style": None, "following": False}
_accented: "weakref.WeakKeyDictionary[QWidget, str]" = weakref.WeakKeyDictionary()


def is_dark() -> bool:
    return _state["dark"]


def colour(role: str) -> str:
    return _ACCENTS[is_dark()][role]


def state_colour(state: str) -> str | None:
    role = _STATE_ACCENTS.get(state)
    return colour(role) if role else None


def accent(widget: QWidget, role: str) -> None:
    """Colours a label's text by meaning; the colour follows later theme changes."""
    _accented[widget] = role
    widget.setStyleSheet(f"color: {colour(role)};")


def dark_palette() -> QPalette:
    palette = QPalette()
    base, window, text, disabled = QColor("#1e1e1e"), QColor("#2b2b2b"), QColor("#e6e6e6"), QColor("#7f7f7f")
    highlight = QColor("#3d7bd9")
    for role, value in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, text),
                        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, QColor("#262626")),
                        (QPalette.ColorRole.ToolTipBase, QColor("#3a3a3a")), (QPalette.ColorRole.ToolTipText, text),
                        (QPalette.ColorRole.PlaceholderText, QColor("#9e9e9e")), (QPalette.ColorRole.Text, text),
                        (QPalette.ColorRole.Button, QColor("#333333")), (QPalette.ColorRole.ButtonText, text),
                        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")), (QPalette.ColorRole.Link,
                                                                             QColor("#82b1ff")),
                        (QPalette.ColorRole.Highlight, highlight),
                        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
                        (QPalette.ColorRole.Light, QColor("#3c3c3c")), (QPalette.ColorRole.Midlight,
                                                                        QColor("#343434")),
                        (QPalette.ColorRole.Mid, QColor("#2a2a2a")), (QPalette.ColorRole.Dark, QColor("#1a1a1a")),
                        (QPalette.ColorRole.Shadow, QColor("#000000"))):
        palette.setColor(role, value)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def system_is_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply(app: QApplication, choice: str = "system") -> bool:
    """Sets the palette for ``choice`` (system, light or dark); returns True when dark."""
    choice = choice if choice in CHOICES else "system"
    if _state["native_style"] is None:
        _state["native_style"] = app.style().name()
    dark = choice == "dark" or (choice == "system" and system_is_dark(app))
    if choice == "system" and not dark:
        app.setStyle(_state["native_style"])
        app.setPalette(app.style().standardPalette())
    else:
        app.setStyle("Fusion")
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
    _state["dark"], _state["choice"] = dark, choice
    for widget, role in list(_accented.items()):
        if shiboken6.isValid(widget):  # a closed window's labels may outlive their Qt side
            widget.setStyleSheet(f"color: {colour(role)};")
        else:
            del _accented[widget]
    return dark


def follow_system(app: QApplication, choice: str = "system") -> None:
    """Applies ``choice`` now and again whenever the system switches between light and dark."""
    apply(app, choice)
    if not _state["following"]:
        _state["following"] = True
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app, _state["choice"]))
