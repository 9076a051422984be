"""Table and form thumbnails are decoded already shrunk, upright, with their aspect kept."""

from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImageReader

from app.engine.review import thumbcache
from app.sim.media import render_mp4
from app.ui import pictures
from app.ui.thumbcache import THUMBNAIL, make_thumbnail, scrub_frames

SEEDANCE = "bytedance/seedance-v1.5-pro-fast/text-to-video"
ORIENTATION = 0x0112


def test_a_big_picture_is_decoded_at_thumbnail_size(tmp_path, monkeypatch):
    path = tmp_path / "wide.jpg"
    Image.new("RGB", (2048, 1024), (200, 30, 30)).save(path, quality=90)
    asked = []

    class RecordingReader(QImageReader):
        def read(self):
            asked.append(self.scaledSize())
            return super().read()

    monkeypatch.setattr(pictures, "QImageReader", RecordingReader)
    image = make_thumbnail(str(path))
    assert asked == [QSize(48, 24)]  # the reader knew the size it decodes for, not just the caller
    assert image.size() == QSize(48, 24)
    assert image.pixelColor(24, 12).red() > 150


def test_a_photo_stored_sideways_comes_out_upright(tmp_path):
    path = tmp_path / "portrait.jpg"
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # turn 90 degrees to show: stored 200 wide, shown 200 tall
    Image.new("RGB", (200, 100), (20, 20, 220)).save(path, exif=exif)
    assert make_thumbnail(str(path)).size() == QSize(24, 48)


def test_a_small_picture_is_not_enlarged(tmp_path):
    path = tmp_path / "icon.png"
    Image.new("RGBA", (16, 12), (0, 255, 0, 255)).save(path)
    image = make_thumbnail(str(path))
    assert image.size() == QSize(16, 12) and image.pixelColor(8, 6) == QColor(0, 255, 0)


def test_a_video_thumbnail_is_its_first_frame_shrunk_with_its_aspect(tmp_path):
    clip = tmp_path / "clip.mp4"
    render_mp4(clip, {"prompt": "a thumbnail", "duration": 2}, SEEDANCE)
    image = make_thumbnail(str(clip))
    with Image.open(thumbcache.thumbnail(clip, 256)) as poster:
        wide = poster.width / poster.height
    assert image.width() == THUMBNAIL.width() and abs(image.width() / image.height() - wide) < 0.1
    frames = scrub_frames(clip, 160, count=2)
    assert frames and all(max(frame.width(), frame.height()) == 160 for frame in frames)
