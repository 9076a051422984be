"""Table thumbnails, made on a pool thread: a scaled image, or a video's first frame."""

from __future__ import annotations

from pathlib import Path

# Imported here, before the window shows: importing PyAV loads FFmpeg with the GIL held,
# which would freeze the window if the first video thumbnail did it mid-batch.
import av
import PIL.Image  # noqa: F401 - PyAV's to_image() imports it lazily, for the same reason
from PySide6.QtCore import QObject, QSize, QThreadPool, Signal
from PySide6.QtGui import QImage

from app.engine.jobs.spec import VIDEO_SUFFIXES
from app.engine.review.thumbcache import frame_picture
from app.ui.pictures import read_picture
from app.ui.tasks import Task

THUMBNAIL = QSize(48, 48)


def make_thumbnail(path: str) -> QImage:
    """A picture of ``path`` no larger than THUMBNAIL, aspect kept and turned upright (EXIF).
    The reader is told the size it is for: a JPEG then decodes at a fraction of full size, and
    a video frame is shrunk as it is converted, never copied at full size to become 48 pixels."""
    if Path(path).suffix.lower() in VIDEO_SUFFIXES:
        return _first_frame(path, THUMBNAIL)
    return read_picture(path, THUMBNAIL)


def _first_frame(path: str, bound: QSize) -> QImage:
    with av.open(path) as container:
        picture = frame_picture(next(container.decode(video=0)), bound.width(), bound.height())
    return QImage(picture.tobytes(), picture.width, picture.height, picture.width * 3,
                  QImage.Format.Format_RGB888).copy()


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
