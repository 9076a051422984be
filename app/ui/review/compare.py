"""Two to four outputs side by side. Pictures share one zoom and one position (the wheel zooms
them all, dragging one moves them all); videos share one control bar: play, pause and seek
act on every player at once.

Players follow app/ui/preview.py's rules: each video gets its source once, through
VideoView (which never switches a source mid-setup), every other player call is queued, and
every player is released before the dialog goes.
"""

from __future__ import annotations

from PySide6.QtCore import Q_ARG, QMetaObject, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import (QDialog, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QGridLayout,
                               QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QVBoxLayout, QWidget)

from app.engine.review.picks import short_model
from app.engine.review.session import ReviewOutput
from app.ui.preview import VideoView

MIN_ITEMS, MAX_ITEMS = 2, 4
ZOOM_STEP = 1.25


class LinkedImageView(QGraphicsView):
    def __init__(self, pixmap: QPixmap, link: "ImageLink", parent=None):
        super().__init__(parent)
        self.link = link
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem(pixmap)
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        for bar in (self.horizontalScrollBar(), self.verticalScrollBar()):
            bar.valueChanged.connect(lambda _value, view=self: link.follow(view))

    def wheelEvent(self, event):
        step = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
        self.link.zoom(self.link.scale * step)

    def position(self) -> tuple[float, float]:
        """Where the view is, as fractions of how far it can scroll."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        return (h.value() / h.maximum() if h.maximum() else 0.5, v.value() / v.maximum() if v.maximum() else 0.5)

    def move_to(self, fractions: tuple[float, float]) -> None:
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(round(fractions[0] * h.maximum()))
        v.setValue(round(fractions[1] * v.maximum()))


class ImageLink:
    """One zoom and one position for every picture; pictures of different sizes are shown at
    the same scale relative to their own size, so details line up."""

    def __init__(self):
        self.views: list[LinkedImageView] = []
        self.scale = 1.0
        self._following = False

    def add(self, view: LinkedImageView) -> None:
        self.views.append(view)

    def fit(self) -> None:
        """The largest scale at which every picture fits its pane."""
        scales = []
        for view in self.views:
            size = view.item.pixmap().size()
            if size.width() and size.height():
                area = view.viewport().size()
                scales.append(min(area.width() / size.width(), area.height() / size.height()))
        self.zoom(min(scales) if scales else 1.0)

    def zoom(self, scale: float) -> None:
        self.scale = max(0.02, min(scale, 32.0))
        where = self.views[0].position() if self.views else (0.5, 0.5)
        self._following = True
        try:
            for view in self.views:
                view.resetTransform()
                view.scale(self.scale, self.scale)
                view.move_to(where)
        finally:
            self._following = False

    def follow(self, leader: LinkedImageView) -> None:
        if self._following:
            return
        self._following = True
        try:
            where = leader.position()
            for view in self.views:
                if view is not leader:
                    view.move_to(where)
        finally:
            self._following = False


class VideoSync(QWidget):
    """The one control bar of every video in the comparison."""

    def __init__(self, videos: list[VideoView], parent=None):
        super().__init__(parent)
        self.videos = videos
        self.play_button = QToolButton(self)
        self.play_button.setObjectName("compare_play")
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setObjectName("compare_seek")
        self.time = QLabel("0:00", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.seek, 1)
        layout.addWidget(self.time)
        self.playing = True  # VideoView starts each video playing
        self.play_button.clicked.connect(self.toggle)
        self.seek.sliderMoved.connect(self.seek_to)
        leader = videos[0].player
        leader.durationChanged.connect(self._duration)
        leader.positionChanged.connect(self._position)
        self._show_state()

    def _duration(self, _duration: int) -> None:
        self.seek.setRange(0, max(int(v.player.duration()) for v in self.videos))

    def _position(self, position: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(int(position))
        seconds = int(position) // 1000
        self.time.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def _call(self, method: str, *args) -> None:
        for video in self.videos:
            QMetaObject.invokeMethod(video.player, method, Qt.ConnectionType.QueuedConnection, *args)

    def play(self) -> None:
        self.playing = True
        self._call("play")
        self._show_state()

    def pause(self) -> None:
        self.playing = False
        self._call("pause")
        self._show_state()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek_to(self, position: int) -> None:
        self._call("setPosition", Q_ARG("qint64", int(position)))

    def restart_together(self) -> None:
        """Once every video has loaded: all from the start, in step."""
        self.seek_to(0)
        self.play() if self.playing else self.pause()

    def _show_state(self) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if self.playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip(self.tr("Pause all") if self.playing else self.tr("Play all"))


class CompareDialog(QDialog):
    def __init__(self, outputs: list[ReviewOutput], parent=None):
        super().__init__(parent)
        if not MIN_ITEMS <= len(outputs) <= MAX_ITEMS:
            raise ValueError(f"compare takes {MIN_ITEMS} to {MAX_ITEMS} outputs, not {len(outputs)}")
        self.setObjectName("review_compare")
        self.setWindowTitle(self.tr("Compare %n output(s)", "", len(outputs)))
        self.outputs = outputs
        self.link = ImageLink()
        self.images: list[LinkedImageView] = []
        self.videos: list[VideoView] = []
        grid = QGridLayout()
        columns = 2 if len(outputs) == 4 else len(outputs)
        for number, output in enumerate(outputs):
            cell = QVBoxLayout()
            if output.is_video:
                view = VideoView(self)
                for control in (view.play_button, view.seek, view.time, view.loop, view.mute):
                    control.hide()
                view.mute.setChecked(number > 0)  # one soundtrack at a time
                self.videos.append(view)
            else:
                view = LinkedImageView(QPixmap(str(output.file)), self.link, self)
                self.link.add(view)
                self.images.append(view)
            caption = QLabel(f"{output.item.name} · {short_model(output.item.model)}", self)
            caption.setToolTip(output.item.prompt)
            cell.addWidget(view, 1)
            cell.addWidget(caption)
            grid.addLayout(cell, number // columns, number % columns)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        self.sync = VideoSync(self.videos, self) if self.videos else None
        if self.sync is not None:
            layout.addWidget(self.sync)
        hint = QLabel(self.tr("Wheel: zoom every picture · drag: move them together · Space: play or pause"), self)
        layout.addWidget(hint)
        self.resize(1200, 760)
        self._waiting = set(range(len(self.videos)))
        for index, (view, output) in enumerate(zip(self.videos, [o for o in outputs if o.is_video])):
            view.player.mediaStatusChanged.connect(lambda status, index=index: self._loaded(index, status))
            view.load(str(output.file))
        self._released = False

    def showEvent(self, event):
        super().showEvent(event)
        QTimer.singleShot(0, self.link.fit)

    def _loaded(self, index: int, status) -> None:
        if status in (QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.LoadedMedia,
                      QMediaPlayer.MediaStatus.InvalidMedia):
            self._waiting.discard(index)
            if not self._waiting and self.sync is not None:
                self._waiting = {-1}  # only once
                self.sync.restart_together()

    def keyPressEvent(self, event):
        if event.key() == Qt.Key.Key_Space and self.sync is not None:
            self.sync.toggle()
            return
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.link.zoom(self.link.scale * ZOOM_STEP)
            return
        if event.key() == Qt.Key.Key_Minus:
            self.link.zoom(self.link.scale / ZOOM_STEP)
            return
        if event.key() == Qt.Key.Key_0:
            self.link.fit()
            return
        super().keyPressEvent(event)

    def release(self) -> None:
        """Every player stopped for good (waiting out any setup) before the dialog goes."""
        if self._released:
            return
        self._released = True
        for view in self.videos:
            view.release()

    def done(self, result: int) -> None:
        self.release()
        super().done(result)

    def closeEvent(self, event):
        self.release()
        super().closeEvent(event)
