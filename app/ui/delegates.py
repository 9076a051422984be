"""A progress bar in the Progress column."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar

from app.ui.tablemodel import PROGRESS_ROLE


class ProgressDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index):
        progress = index.data(PROGRESS_ROLE)
        if progress is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum = 0, 100
        bar.progress = int(progress * 100)
        bar.text = f"{bar.progress}%"
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


def warm_up(delegate: ProgressDelegate, view) -> None:
    """The first progress bar a style draws costs tens of milliseconds (caches, fonts);
    pay that while the window is being built, not when the first job starts."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(120, 24, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    bar = QStyleOptionProgressBar()
    bar.rect = image.rect()
    bar.minimum, bar.maximum, bar.progress, bar.text = 0, 100, 50, "50%"
    bar.textVisible = True
    view.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)
    painter.end()
