"""Table thumbnails, made on a pool thread: a scaled image, or a video's first frame."""

from __future__ import annotations

from pathlib import Path

# Imported here, before the window shows: importing PyAV loads FFmpeg with the GIL held,
# which would freeze the window if the first video thumbnail did it mid-batch.
import av
import PIL.Image  # noqa: F401 - PyAV's to_image() imports it lazily, for the same reason
from PySide6.QtCore import QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader

from app.engine.jobs import VIDEO_SUFFIXES
from app.ui.tasks import Task

THUMBNAIL = QSize(48, 48)


def make_thumbnail(path: str) -> QImage:
    if Path(path).suffix.lower() in VIDEO_SUFFIXES:
        with av.open(path) as container:
            frame = next(container.decode(video=0)).to_image().convert("RGB")
        data = frame.tobytes()
        image = QImage(data, frame.width, frame.height, frame.width * 3, QImage.Format.Format_RGB888).copy()
    else:
        reader = QImageReader(path)
        image = reader.read()
    if image.isNull():
        raise ValueError(f"cannot read {path}")
    return image.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class ThumbnailLoader(QObject):
    ready = Signal(str, QImage)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    def request(self, path: str) -> None:
        task = Task(lambda: (path, make_thumbnail(path)))
        task.signals.done.connect(self._made)
        self.pool.start(task)

    def _made(self, result) -> None:
        self.ready.emit(*result)

    def wait(self) -> None:
        self.pool.waitForDone()
