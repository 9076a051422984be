"""Pictures decoded for the screen, on a pool thread: turned upright and shrunk by the reader
(a JPEG decodes at a fraction of its size; other formats are scaled as they are read), so a
4 MP output never reaches the GUI thread, or the screen, at full size."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageIOHandler, QImageReader


class PictureUnreadable(Exception):
    """The file is not a picture Qt can decode (corrupt, truncated, or an unknown format)."""


def picture_bound() -> QSize:
    """The most pixels a preview can ever use: the largest screen, in device pixels. Decoding
    more is wasted work, and every resize would rescale the surplus."""
    largest = QSize(1920, 1080)  # a floor: a headless run or a small screen still gets a sharp picture
    for screen in QGuiApplication.screens():
        size = screen.size() * screen.devicePixelRatio()
        largest = largest.expandedTo(size)
    return largest


def read_picture(path: str, bound: QSize) -> QImage:
    """Decodes ``path`` turned upright (EXIF) and shrunk to fit ``bound``, aspect kept, in the
    pixel format the screen draws without converting. Meant for a pool thread."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        # The scaled size applies before the EXIF turn: a picture stored sideways fits a turned bound.
        if reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90:
            bound = bound.transposed()
        if size.width() > bound.width() or size.height() > bound.height():
            reader.setScaledSize(size.scaled(bound, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise PictureUnreadable(reader.errorString())
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied if image.hasAlphaChannel()
                                 else QImage.Format.Format_RGB32)
