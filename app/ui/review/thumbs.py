"""Grid thumbnails: made on disk by the engine's cache on pool threads, kept in memory as
pixmaps for the tiles on show (and a few hundred more).

Requests are served newest first: while the user scrolls, the tiles painted last are the ones
on screen, and a tile scrolled past long ago can wait (or never be made).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap

from app.engine.review import thumbcache

# Two sizes on disk: sharp enough at every zoom without decoding big JPEGs for small tiles.
SMALL, LARGE = 160, 320
MEMORY_LIMIT = 600  # pixmaps kept; at 160 px that is about 60 MB
SCRUB_MEMORY_LIMIT = 24  # videos whose scrubbing pictures are kept


def disk_size(tile: int) -> int:
    return SMALL if tile <= SMALL else LARGE


class _Bridge(QObject):
    made = Signal(object, object)  # (path, size), QImage or None


SCRUB_FRAMES = 8  # pictures a video tile shows as the mouse moves across it


def scrub_frames(path: Path, size: int, count: int = SCRUB_FRAMES) -> list[QImage]:
    """``count`` pictures spread over a video, for scrubbing a tile by mouse position: a few
    seeks and decodes once, instead of a player per tile."""
    import av

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
                    image = QImage(str(thumbcache.thumbnail(path, size)))
                    image = None if image.isNull() else image
            except Exception:  # noqa: BLE001 - PyAV, Pillow and the OS raise many kinds for a broken file
                image = None  # the tile says "no picture"; a missing or broken file is ordinary here
            loader._bridge.made.emit(key, image)
        loader._worker_done()


class ThumbnailLoader(QObject):
    """``pixmap(path, tile)`` answers at once from memory, else None and the picture is made;
    ``ready`` says when it is."""

    ready = Signal(str)

    def __init__(self, parent=None, threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._threads = threads
        self._bridge = _Bridge(self)
        self._bridge.made.connect(self._arrived)
        self._lock = threading.Lock()
        self._wanted: list[tuple[str, int]] = []  # a stack: the newest request first
        self._queued: set[tuple[str, int]] = set()
        self._workers = 0
        self._pixmaps: OrderedDict[tuple[str, int], QPixmap | None] = OrderedDict()
        self._scrubs: OrderedDict[tuple[str, int], list[QPixmap]] = OrderedDict()
        self._closed = False

    def pixmap(self, path: Path | str, tile: int) -> QPixmap | None:
        key = (str(path), disk_size(tile))
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            return self._pixmaps[key]
        self._request(key)
        return None

    def prefetch(self, path: Path | str, tile: int) -> None:
        """Asks for a picture below every other request: what is on screen comes first."""
        key = (str(path), disk_size(tile))
        if key in self._pixmaps:
            return
        self._request(key, urgent=False)

    def has(self, path: Path | str, tile: int) -> bool:
        return (str(path), disk_size(tile)) in self._pixmaps

    def failed(self, path: Path | str, tile: int) -> bool:
        key = (str(path), disk_size(tile))
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

    def forget_pending(self) -> None:
        """Drops requests not started yet (a new folder, another filter)."""
        with self._lock:
            for key in self._wanted:
                self._queued.discard(key)
            self._wanted.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._queued)

    def close(self) -> None:
        self._closed = True
        self.forget_pending()
        self.pool.waitForDone()
