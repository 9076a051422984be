"""Paints a tile: the picture (or a placeholder), its pick, reject and rating badges, and the
job name and model · cost under it. Sizes follow the zoom slider; every tile is the same size."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate


PADDING = 6
PICKED_COLOUR = QColor("#2e7d32")
REJECTED_COLOUR = QColor("#c62828")
LINK_COLOUR = QColor("#1565c0")
STAR_COLOUR = QColor("#f9a825")


class TileDelegate(QStyledItemDelegate):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.tile = 160
        self._text_lines = 2
        self._placeholder = QCoreApplication.translate("ReviewGrid", "loading…")
        self._no_picture = QCoreApplication.translate("ReviewGrid", "no picture")
        self._no_output = QCoreApplication.translate("ReviewGrid", "no output ({status})")
        self._video = QCoreApplication.translate("ReviewGrid", "video")
        self._elisions: dict[tuple, str] = {}

    def set_tile(self, tile: int) -> None:
        self.tile = tile

    def sizeHint(self, option, index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(self.tile + 2 * PADDING, self.tile + 2 * PADDING + self._text_lines * line + 4)

    def paint(self, painter: QPainter, option, index) -> None:
        # Runs for every tile on every repaint: the output is read once and texts are cached.
        model = index.model()
        output = model.output(index)
        if output is None:
            return
        painter.save()
        rect = option.rect.adjusted(2, 2, -2, -2)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        linked = output.item.link is not None
        if selected:
            painter.fillRect(rect, palette.highlight())
        elif linked:
            painter.fillRect(rect, palette.alternateBase())
        picture = QRect(rect.x() + PADDING - 2, rect.y() + PADDING - 2, self.tile, self.tile)
        pixmap = model.loader.pixmap(output.file, self.tile) if output.file is not None else None
        hover = getattr(self.parent(), "scrub_at", None)
        if output.is_video and hover is not None and hover[0] == index.row():
            frames = model.loader.scrub(output.file, self.tile)
            if frames:
                pixmap = frames[min(int(hover[1] * len(frames)), len(frames) - 1)]
        frame = picture  # where the badges go: on the picture itself, whatever its shape
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.size().scaled(picture.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(picture.center())
            frame = target
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, pixmap.width() != size.width())
            painter.drawPixmap(target, pixmap)
        else:
            painter.fillRect(picture, palette.mid())
            if output.file is None:
                text = self._no_output.format(status=output.item.status)
            else:
                text = self._no_picture if model.loader.failed(output.file, self.tile) else self._placeholder
            painter.setPen(palette.text().color())
            painter.drawText(picture, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        if output.is_video:
            self._tag(painter, frame, self._video)
        self._badges(painter, frame, output.pick.value, output.rating or 0, linked)
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        top = picture.bottom() + 4
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QRect(picture.x(), top, self.tile, line), Qt.AlignmentFlag.AlignLeft,
                         self._elided(metrics, model.title(output), Qt.TextElideMode.ElideRight))
        painter.setFont(option.font)
        model_name, cost = model.caption(output)
        cost_width = min(self.tile, metrics.horizontalAdvance(cost))
        painter.drawText(QRect(picture.x(), top + line, self.tile, line), Qt.AlignmentFlag.AlignLeft,
                         self._elided(metrics, model_name, Qt.TextElideMode.ElideRight, self.tile - cost_width) + cost)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(QPen(palette.highlight().color(), 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def _elided(self, metrics: QFontMetrics, text: str, mode, width: int | None = None) -> str:
        width = self.tile if width is None else width
        key = (text, width, mode)
        elided = self._elisions.get(key)
        if elided is None:
            if len(self._elisions) > 5000:
                self._elisions.clear()
            elided = self._elisions[key] = metrics.elidedText(text, mode, width)
        return elided

    @staticmethod
    def _tag(painter: QPainter, picture: QRect, text: str) -> None:
        metrics = painter.fontMetrics()
        box = QRect(picture.left() + 4, picture.bottom() - metrics.height() - 4, metrics.horizontalAdvance(text) + 8,
                    metrics.height())
        painter.fillRect(box, QColor(0, 0, 0, 150))
        painter.setPen(Qt.GlobalColor.white)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    @staticmethod
    def _badges(painter: QPainter, picture: QRect, pick: str, rating: int, linked: bool) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        size = max(18, min(picture.width(), picture.height()) // 7)
        badge = QRectF(picture.left() + 4, picture.top() + 4, size, size)
        font = painter.font()
        font.setBold(True)
        font.setPixelSize(int(size * 0.7))
        painter.setFont(font)
        if pick in ("picked", "rejected"):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PICKED_COLOUR if pick == "picked" else REJECTED_COLOUR)
            painter.drawEllipse(badge)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "✓" if pick == "picked" else "✕")
        if linked:
            corner = QRectF(picture.right() - size - 3, picture.top() + 4, size, size)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(LINK_COLOUR)
            painter.drawEllipse(corner)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(corner, Qt.AlignmentFlag.AlignCenter, "↻")
        if rating:
            stars = "★" * rating
            font.setPixelSize(max(11, size // 2))
            painter.setFont(font)
            metrics = painter.fontMetrics()
            box = QRectF(picture.right() - metrics.horizontalAdvance(stars) - 10, picture.bottom() - metrics.height() - 4,
                         metrics.horizontalAdvance(stars) + 6, metrics.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(STAR_COLOUR)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, stars)
        painter.setBrush(Qt.BrushStyle.NoBrush)
