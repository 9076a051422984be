"""Cheap outputs for scale benchmarks (``python -m app.sim --cheap-media``): a small real PNG
and a short real MP4, with no text drawn, so that a 50,000-job bench measures the client
rather than the simulator's drawing and encoding.

The files are still what the client expects (PNG and MP4 signatures, decodable), and each
differs from the others (the PNG's colour follows the prompt and seed; the MP4 carries the
output's own name in a trailing 'free' box), so nothing downstream can mistake two for one.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

import av
from PIL import Image

SIDE = 32
VIDEO_SIDE = 64
VIDEO_FPS = 8


def write_png(path: Path, body: dict, index: int = 0) -> None:
    digest = hashlib.sha256(f"{body.get('prompt', '')}/{body.get('seed', -1)}/{index}".encode()).digest()
    image = Image.new("RGB", (SIDE, SIDE), tuple(digest[:3]))
    image.putpixel((index % SIDE, 0), tuple(digest[3:6]))
    image.save(path, format="PNG", compress_level=1)


@functools.lru_cache(maxsize=1)
def _clip() -> bytes:
    """One second of a flat 64x64 picture, encoded once per process."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=VIDEO_FPS)
        video.width = video.height = VIDEO_SIDE
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "tune": "stillimage"}
        frame = Image.new("RGB", (VIDEO_SIDE, VIDEO_SIDE), (40, 90, 160))
        for _ in range(VIDEO_FPS):
            for packet in video.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
    return buffer.getvalue()


def write_mp4(path: Path, name: str) -> None:
    label = name.encode("utf-8")
    # A top-level 'free' box after the movie: players skip it, and it makes each file unique.
    trailer = (8 + len(label)).to_bytes(4, "big") + b"free" + label
    path.write_bytes(_clip() + trailer)
