"""The interface's one way to small pictures: the engine's disk cache (app.engine.review.thumbcache)
makes and keeps every thumbnail; this adapter reads them into pixmaps on pool threads, keeps
the recent ones in memory, and says when one is ready. The review grid, the job table, the
inputs form and the preview strip all use it.

Requests are served newest first: while the user scrolls, the tiles painted last are the ones
on screen, and a tile scrolled past long ago can wait (or never be made).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

# Imported here, before the window shows: importing PyAV loads FFmpeg with the GIL held,
# which would freeze the window if the first video thumbnail did it mid-batch.
import av
import PIL.Image  # noqa: F401 - PyAV's to_image() imports it lazily, for the same reason
from PySide6.QtCore import QObject, QRunnable, QSize, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from app.engine.review import thumbcache
from app.engine.jobs.spec import IMAGE_SUFFIXES, VIDEO_SUFFIXES
from app.ui.pictures import read_picture

# Two sizes on disk: sharp enough at every zoom without decoding big JPEGs for small tiles.
SMALL, LARGE = 160, 320
THUMBNAIL = QSize(48, 48)  # the table's, the form's and the preview strip's pictures
MEMORY_LIMIT = 600  # pixmaps kept; at 160 px that is about 60 MB
SCRUB_MEMORY_LIMIT = 24  # videos whose scrubbing pictures are kept
SCRUB_FRAMES = 8  # pictures a video tile shows as the mouse moves across it


def disk_size(tile: int) -> int:
    return SMALL if tile <= SMALL else LARGE


def previewable(value: str) -> bool:
    """A local image or video file we can make a picture of without any network I/O: the form
    must never wait on a URL (it shows one as text)."""
    if not value or "://" in value or value.startswith("data:"):
        return False
    suffix = Path(value).suffix.lower()
    return (suffix in IMAGE_SUFFIXES or suffix in VIDEO_SUFFIXES) and Path(value).is_file()


def make_picture(path: str, size: int) -> QImage:
    """A picture of ``path`` that fits in size x size, aspect kept and upright. Meant for a pool
    thread. The disk cache makes it (once per file version); a still that already fits the
    cache's size is read as it is, since a JPEG copy of it could only lose detail."""
    bound = QSize(size, size)
    if Path(path).suffix.lower() not in VIDEO_SUFFIXES:
        stored = QImageReader(path).size()
        if stored.isValid() and max(stored.width(), stored.height()) <= disk_size(size):
            return read_picture(path, bound)
    return read_picture(str(thumbcache.thumbnail(path, disk_size(size))), bound)


def make_thumbnail(path: str) -> QImage:
    """A picture of ``path`` no larger than THUMBNAIL (the table's, the form's)."""
    return make_picture(path, THUMBNAIL.width())


def scrub_frames(path: Path, size: int, count: int = SCRUB_FRAMES) -> list[QImage]:
    """``count`` pictures spread over a video, for scrubbing a tile by mouse position: a few
    seeks and decodes once, instead of a player per tile."""
    images = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else \
            (container.duration / 1_000_000 if container.duration else 0.0)
        for number in range(count):
            seconds = duration * number / count
            container.seek(int(seconds / stream.time_base), stream=stream, any_frame=False, backward=True)
            frame = next((f for f in container.decode(stream) if f.time is None or f.time >= seconds - 0.05), None)
            if frame is None:
                break
            picture = thumbcache.frame_picture(frame, size, size)
            data = picture.tobytes()
            images.append(QImage(data, picture.width, picture.height, picture.width * 3,
                                 QImage.Format.Format_RGB888).copy())
    return images


class _Bridge(QObject):
    made = Signal(object, object)  # (path, size), QImage (a list of them to scrub) or None


class _Worker(QRunnable):
    def __init__(self, loader: "ThumbnailLoader"):
        super().__init__()
        self.loader = loader

    def run(self) -> None:
        loader = self.loader
        while (key := loader._next()) is not None:
            path, size = key
            try:
                if size < 0:  # the scrubbing frames of a video
                    image = scrub_frames(Path(path), -size) or None
                else:
                    image = make_picture(path, size)
            except Exception:  # noqa: BLE001 - PyAV, Pillow, Qt and the OS raise many kinds for a broken file
                image = None  # "no picture": a missing, broken or half-written file is ordinary here
            loader._bridge.made.emit(key, image)
        loader._worker_done()


class ThumbnailLoader(QObject):
    """``pixmap(path, tile)`` answers at once from memory, else None and the picture is made;
    ``ready`` says when it is (or that there is none: then ``failed`` is true).

    ``accept`` decides which paths are worth asking for at all (the form passes `previewable`,
    so typed text and URLs never reach a pool thread); the review grid's outputs always are."""

    ready = Signal(str)

    def __init__(self, parent=None, threads: int = 2, accept: Callable[[str], bool] | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._threads = threads
        self._accept = accept
        self._bridge = _Bridge(self)
        self._bridge.made.connect(self._arrived)
        self._lock = threading.Lock()
        self._wanted: list[tuple[str, int]] = []  # a stack: the newest request first
        self._queued: set[tuple[str, int]] = set()
        self._workers = 0
        self._pixmaps: OrderedDict[tuple[str, int], QPixmap | None] = OrderedDict()
        self._scrubs: OrderedDict[tuple[str, int], list[QPixmap]] = OrderedDict()
        self._again: set[tuple[str, int]] = set()  # reloaded while being made
        self._closed = False

    @staticmethod
    def _key(path: Path | str, tile: int) -> tuple[str, int]:
        # Grid tiles share the disk's two sizes; the small pictures are kept at their own size.
        return str(path), (disk_size(tile) if tile > THUMBNAIL.width() else tile)

    def pixmap(self, path: Path | str, tile: int = THUMBNAIL.width()) -> QPixmap | None:
        key = self._key(path, tile)
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            return self._pixmaps[key]
        if self._accept is None or self._accept(key[0]):
            self._request(key)
        return None

    def reload(self, path: Path | str, tile: int = THUMBNAIL.width()) -> None:
        """Makes the picture again: a job run again may write a new file under the same name
        (the disk cache notices the change; the memory here must not answer first)."""
        key = self._key(path, tile)
        self._pixmaps.pop(key, None)
        with self._lock:
            making = key in self._queued and key not in self._wanted
        if making:  # from what may be the old file: made once more when it arrives
            self._again.add(key)
        else:
            self._request(key)

    def forget(self, path: Path | str, tile: int = THUMBNAIL.width()) -> None:
        """Like ``reload``, but made only when next asked for (a table row painted): the file
        may have been written again under the same name."""
        key = self._key(path, tile)
        self._pixmaps.pop(key, None)
        with self._lock:
            making = key in self._queued and key not in self._wanted
        if making:
            self._again.add(key)

    def prefetch(self, path: Path | str, tile: int) -> None:
        """Asks for a picture below every other request: what is on screen comes first."""
        key = self._key(path, tile)
        if key in self._pixmaps:
            return
        self._request(key, urgent=False)

    def has(self, path: Path | str, tile: int = THUMBNAIL.width()) -> bool:
        return self._key(path, tile) in self._pixmaps

    def failed(self, path: Path | str, tile: int = THUMBNAIL.width()) -> bool:
        key = self._key(path, tile)
        return key in self._pixmaps and self._pixmaps[key] is None

    def _request(self, key: tuple[str, int], urgent: bool = True) -> None:
        if self._closed:
            return
        with self._lock:
            if key in self._queued:
                if key not in self._wanted or not urgent:
                    return  # being made right now, or already waiting
                self._wanted.remove(key)  # asked again: it moves to the top
            self._queued.add(key)
            if urgent:
                self._wanted.append(key)
            else:
                self._wanted.insert(0, key)
            start = self._workers < self._threads
            if start:
                self._workers += 1
        if start:
            self.pool.start(_Worker(self))

    def _next(self) -> tuple[str, int] | None:
        with self._lock:
            if not self._wanted or self._closed:
                return None
            key = self._wanted.pop()
            return key

    def _worker_done(self) -> None:
        with self._lock:
            self._workers -= 1

    def scrub(self, path: Path | str, tile: int) -> list[QPixmap] | None:
        """A video's scrubbing pictures when made, else None (and they are made)."""
        key = (str(path), -disk_size(tile))
        if key in self._scrubs:
            return self._scrubs[key]
        self._request(key)
        return None

    def _arrived(self, key: tuple[str, int], image) -> None:
        with self._lock:
            self._queued.discard(key)
        if key[1] < 0:
            self._scrubs[key] = [QPixmap.fromImage(frame) for frame in image] if image else []
            while len(self._scrubs) > SCRUB_MEMORY_LIMIT:
                self._scrubs.popitem(last=False)
            self.ready.emit(key[0])
            return
        self._pixmaps[key] = QPixmap.fromImage(image) if image is not None else None
        while len(self._pixmaps) > MEMORY_LIMIT:
            self._pixmaps.popitem(last=False)
        self.ready.emit(key[0])
        if key in self._again:
            self._again.discard(key)
            self._request(key)

    def forget_pending(self) -> None:
        """Drops requests not started yet (a new folder, another filter)."""
        with self._lock:
            for key in self._wanted:
                self._queued.discard(key)
            self._wanted.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._queued)

    def wait(self) -> None:
        """Until every requested picture is made (tests, and the window as it closes)."""
        self.pool.waitForDone()

    def close(self) -> None:
        self._closed = True
        self.forget_pending()
        self.pool.waitForDone()
