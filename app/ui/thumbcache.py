"""Small pictures of local files for the inputs form and the preview strip, made off the GUI
thread and kept once made.

Only local files are read: a URL would mean network I/O, and the form must never wait on
that (it shows a URL as text).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from app.engine.jobs.spec import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from app.ui.tasks import Task
from app.ui.thumbnails import make_thumbnail


def previewable(value: str) -> bool:
    """A local image or video file we can make a picture of without any network I/O."""
    if not value or "://" in value or value.startswith("data:"):
        return False
    suffix = Path(value).suffix.lower()
    return (suffix in IMAGE_SUFFIXES or suffix in VIDEO_SUFFIXES) and Path(value).is_file()


def _quiet_thumbnail(path: str) -> tuple[str, QImage | None]:
    # A broken or half-written file is ordinary here (the user picks anything): no picture,
    # and no traceback either.
    try:
        return path, make_thumbnail(path)
    except Exception:  # noqa: BLE001 - PyAV and Qt raise many kinds for unreadable files
        return path, None


class ThumbnailCache(QObject):
    """``pixmap(path)`` answers at once: the picture when made, else None and it is made."""

    ready = Signal(str)  # a path whose picture is now available

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._made: dict[str, QPixmap | None] = {}
        self._asked: set[str] = set()

    def pixmap(self, path: str) -> QPixmap | None:
        if path in self._made:
            return self._made[path]
        if path not in self._asked and previewable(path):
            self._asked.add(path)
            task = Task(lambda: _quiet_thumbnail(path))
            task.signals.done.connect(self._arrived)
            self.pool.start(task)
        return None

    def _arrived(self, result) -> None:
        path, image = result
        self._made[path] = QPixmap.fromImage(image) if image is not None else None
        self._asked.discard(path)
        if image is not None:
            self.ready.emit(path)

    def wait(self) -> None:
        self.pool.waitForDone()
