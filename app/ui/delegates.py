"""A progress bar in the Progress column."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from app.ui.tablemodel import PROGRESS_ROLE

BARS_KEPT = 512  # a few sizes x 101 percentages x selected or not
MARGIN = 2  # styles draw a bar's shadow or frame just outside its rectangle


class ProgressDelegate(QStyledItemDelegate):
    """Each bar is drawn by the style once per size, percentage, state and palette, then copied:
    during a big batch the table repaints its visible bars many times a second, and the style's
    own drawing was the largest part of the window's work (about 0.4 ms a bar)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._bars: dict[tuple, QPixmap] = {}

    def paint(self, painter, option, index):
        progress = index.data(PROGRESS_ROLE)
        if progress is None:
            super().paint(painter, option, index)
            return
        rect = option.rect.adjusted(2, 3, -2, -3)
        if rect.width() <= 0 or rect.height() <= 0:
            return
        percent = int(progress * 100)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        style = option.widget.style() if option.widget else QApplication.style()
        key = (rect.width(), rect.height(), percent, option.state.value, option.palette.cacheKey(), ratio, style.name())
        bar = self._bars.get(key)
        if bar is None:
            if len(self._bars) >= BARS_KEPT:
                self._bars.clear()
            bar = self._bars[key] = _draw_bar(style, option, rect.width(), rect.height(), percent, ratio)
        painter.drawPixmap(rect.x() - MARGIN, rect.y() - MARGIN, bar)


def _draw_bar(style, option, width: int, height: int, percent: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round((width + 2 * MARGIN) * ratio), round((height + 2 * MARGIN) * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    bar = QStyleOptionProgressBar()
    bar.rect = QRect(MARGIN, MARGIN, width, height)
    bar.minimum, bar.maximum = 0, 100
    bar.progress = percent
    bar.text = f"{percent}%"
    bar.textVisible = True
    bar.state = option.state
    bar.palette = option.palette
    bar.fontMetrics = option.fontMetrics
    painter = QPainter(pixmap)
    painter.setFont(option.font)
    try:
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
    finally:
        painter.end()
    return pixmap


def warm_up(delegate: ProgressDelegate, view) -> None:
    """The first progress bar a style draws costs tens of milliseconds (caches, fonts);
    pay that while the window is being built, not when the first job starts."""
    from PySide6.QtGui import QImage

    image = QImage(120, 24, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    bar = QStyleOptionProgressBar()
    bar.rect = image.rect()
    bar.minimum, bar.maximum, bar.progress, bar.text = 0, 100, 50, "50%"
    bar.textVisible = True
    view.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
    painter.end()
