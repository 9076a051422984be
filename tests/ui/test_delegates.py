"""The Progress column's bars: drawn by the style once per look, then copied, and a copy looks
like the style's own drawing (its shadow outside the bar included)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionProgressBar, QStyleOptionViewItem

from app.ui.delegates import ProgressDelegate
from app.ui.tablemodel import PROGRESS_ROLE


class Cell:
    def __init__(self, progress):
        self.progress = progress

    def data(self, role):
        return self.progress if role == PROGRESS_ROLE else None


def painted(delegate, progress: float) -> QImage:
    image = QImage(124, 30, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 124, 30)
    option.palette = QApplication.palette()
    option.font = QApplication.font()
    painter = QPainter(image)
    delegate.paint(painter, option, Cell(progress))
    painter.end()
    return image


def drawn_by_the_style(progress: float) -> QImage:
    image = QImage(124, 30, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    bar = QStyleOptionProgressBar()
    bar.rect = QRect(2, 3, 120, 24)
    bar.minimum, bar.maximum, bar.progress = 0, 100, int(progress * 100)
    bar.text, bar.textVisible = f"{bar.progress}%", True
    bar.state = QStyle.StateFlag.State_None
    bar.palette = QApplication.palette()
    painter = QPainter(image)
    painter.setFont(QApplication.font())
    QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
    painter.end()
    return image


def largest_difference(one: QImage, other: QImage) -> int:
    """Per colour channel; a copy blended onto the cell may differ by a rounding step at antialiased corners."""
    return max(abs(getattr(one.pixelColor(x, y), channel)() - getattr(other.pixelColor(x, y), channel)())
               for y in range(one.height()) for x in range(one.width()) for channel in ("red", "green", "blue"))


def test_a_bar_is_drawn_once_per_look_and_copies_match_the_style(qapp):
    delegate = ProgressDelegate()
    first = painted(delegate, 0.5)
    assert painted(delegate, 0.5) == first and len(delegate._bars) == 1
    assert largest_difference(first, drawn_by_the_style(0.5)) <= 2
    assert painted(delegate, 0.6) != first and len(delegate._bars) == 2
