"""Thumbnails on disk: made once per file version and size, then found with a stat and an exists.

Images are scaled with Pillow; a video's thumbnail is its poster, the first frame FFmpeg can
decode (through PyAV). Safe to call from several threads at once (the review grid calls it
from a pool): two threads asking for one thumbnail make it once, and a thumbnail is written
to a temporary file and renamed, so no reader ever sees half of one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

# At import, not on first use: loading FFmpeg holds the GIL, which would stall a window if it
# happened on a worker thread mid-scroll.
import av
from PIL import Image, ImageOps

from app.engine.core import appdirs
from app.engine.core.i18n import translate

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v"})
DEFAULT_SIZE = 256
JPEG_QUALITY = 85
BACKGROUND = (255, 255, 255)
_LOCK_STRIPES = 64


class ThumbnailError(RuntimeError):
    """A file with no picture to show; the message says which and why."""


def frame_picture(frame: av.VideoFrame, width: int, height: int) -> Image.Image:
    """A decoded video frame as an RGB picture that fits width x height, aspect kept (never
    enlarged). FFmpeg shrinks it as it converts it: no full-size RGB copy is made."""
    scale = min(1.0, width / frame.width, height / frame.height)
    return frame.to_image(width=max(1, round(frame.width * scale)), height=max(1, round(frame.height * scale)),
                          interpolation="AREA")


def _poster(path: Path, size: int) -> Image.Image:
    """The first frame that decodes, fitted to size x size: a damaged packet at the start is
    skipped, not fatal."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise ThumbnailError(translate("Review", "{file} has no video stream").format(file=path.name))
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.FFmpegError:
                    continue
                if frames:
                    return frame_picture(frames[0], size, size)
    except av.error.FFmpegError as exc:
        raise ThumbnailError(translate("Review", "{file} cannot be read as a video ({reason})").format(
            file=path.name, reason=exc)) from None
    raise ThumbnailError(translate("Review", "{file} has no frame that can be decoded").format(file=path.name))


def _still(path: Path, size: int) -> Image.Image:
    try:
        with Image.open(path) as image:
            image.draft("RGB", (size, size))  # JPEG decodes at a fraction of full size
            image.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
            return ImageOps.exif_transpose(image)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ThumbnailError(translate("Review", "{file} cannot be read as an image ({reason})").format(
            file=path.name, reason=exc)) from None


def render(path: Path, size: int) -> Image.Image:
    """An RGB picture of ``path`` that fits in size x size."""
    if Path(path).suffix.lower() in VIDEO_SUFFIXES:
        image = _poster(path, size)
    else:
        image = _still(path, size)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        flat = Image.new("RGB", image.size, BACKGROUND)
        rgba = image.convert("RGBA")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


class ThumbnailCache:
    def __init__(self, root: Path):
        self.root = root
        self._locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]

    def cached_path(self, source: Path, size: int, stat: os.stat_result | None = None) -> Path:
        """Where the thumbnail of this version of ``source`` at ``size`` lives (made or not).
        A changed file (mtime or length) gets a new name, so a stale thumbnail is never shown."""
        stat = stat or os.stat(source)
        key = hashlib.sha1(f"{os.path.abspath(source)}\0{stat.st_mtime_ns}\0{stat.st_size}\0{size}".encode(
            "utf-8", "surrogatepass")).hexdigest()
        return self.root / key[:2] / f"{key[2:]}.jpg"

    def thumbnail(self, source: Path | str, size: int = DEFAULT_SIZE) -> Path:
        source = Path(source)
        if size < 1:
            raise ValueError(f"a thumbnail size is at least 1 pixel, not {size}")
        try:
            stat = os.stat(source)
        except OSError as exc:
            raise ThumbnailError(translate("Review", "{file} cannot be read ({reason})").format(
                file=source.name, reason=exc.strerror or exc)) from None
        target = self.cached_path(source, size, stat)
        if target.exists():
            return target
        with self._locks[hash(target) % _LOCK_STRIPES]:
            if target.exists():  # another thread made it while this one waited
                return target
            image = render(source, size)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".thumb-", suffix=".jpg", dir=target.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    image.save(stream, "JPEG", quality=JPEG_QUALITY)
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        return target


_caches: dict[Path, ThumbnailCache] = {}
_caches_lock = threading.Lock()


def default_cache() -> ThumbnailCache:
    """The cache under the user's cache folder (looked up each time: tests move it)."""
    root = appdirs.cache_dir() / "thumbnails"
    with _caches_lock:
        cache = _caches.get(root)
        if cache is None:
            cache = _caches[root] = ThumbnailCache(root)
        return cache


def thumbnail(path: Path | str, size: int = DEFAULT_SIZE) -> Path:
    """The cached thumbnail of an image or video that fits in size x size pixels (a JPEG file).
    Raises ThumbnailError for a file with no picture."""
    return default_cache().thumbnail(path, size)
