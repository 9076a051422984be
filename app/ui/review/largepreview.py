"""Space on a tile: the output large (a video plays), through the app's preview pane and its
player rules. Arrows step through the grid and the triage keys work here too."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from app.ui.preview import PreviewPane


class LargePreview(QDialog):
    key_pressed = Signal(int, object)  # key, modifiers: the grid decides what it means

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preview"))
        self.setObjectName("review_large_preview")
        self.pane = PreviewPane(self)
        # The dialog takes every key: a focused button would eat Space.
        for child in self.pane.findChildren(QWidget):
            child.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pane)
        self.resize(1000, 760)

    def show_output(self, path: str | None, caption: str) -> None:
        self.pane.show_files([path] if path else [], caption)
        if not self.isVisible():
            self.show()
            self.raise_()
            self.activateWindow()
        self.setFocus()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reject()
            return
        self.key_pressed.emit(event.key(), event.modifiers())

    def hideEvent(self, event):
        self.pane.show_file(None)  # the player stops through its own queue of requests
        super().hideEvent(event)

    def release(self) -> None:
        """Before the window goes: the player stopped for good and the strip's pool drained."""
        self.pane.show_file(None)
        self.pane.video.release()
        self.pane.outputs.thumbnails.wait()
