"""Preview of a finished job: the image scaled with its aspect kept, or the video playing
with play/pause, a seek slider, loop and mute. A job with several outputs (``num_images``,
``max_images``) shows a strip of them and previous/next, so every output can be seen.

Pictures are decoded on the pane's own pool thread, already shrunk to what a screen can
show: a 4 MP output decoded on the GUI thread would hold the window still for tens of
milliseconds at every step through a job's outputs."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Q_ARG, QEventLoop, QMetaObject, QSize, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QPixmap
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QPushButton, QSizePolicy, QSlider, QStackedWidget, QStyle,
                               QToolButton, QVBoxLayout, QWidget)

from app.engine.jobs.spec import VIDEO_SUFFIXES
from app.ui.pictures import picture_bound, read_picture
from app.ui.tasks import Task
from app.ui.thumbcache import ThumbnailLoader, previewable

LOADING_NOTICE_MS = 150  # a decode that takes longer than this says so


def show_in_folder(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


def open_with_system(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def _decode(request: int, path: str, bound: QSize) -> tuple[int, QImage | None, str]:
    # A file that cannot be read is an ordinary outcome here, told to the user in words:
    # no traceback, and the request number travels back either way to spot stale answers.
    try:
        return request, read_picture(path, bound), ""
    except Exception as exc:  # noqa: BLE001 - Qt's plugins and the file system fail in many ways
        return request, None, str(exc)


class ScaledImage(QLabel):
    """Keeps the picture's aspect ratio as the pane is resized, or says why there is none."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pixmap = QPixmap()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumSize(QSize(120, 90))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_picture(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        if pixmap.isNull():
            self.clear()
        self._rescale()

    def has_picture(self) -> bool:
        return not self._pixmap.isNull()

    def show_message(self, text: str) -> None:
        self._pixmap = QPixmap()
        self.clear()
        self.setText(text)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        # The pixmap is already no larger than a screen, so a smooth rescale stays cheap.
        if self._pixmap.isNull():
            return
        self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))


class VideoView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self)
        self.player.setAudioOutput(self.audio)
        self.video = QVideoWidget(self)
        self.player.setVideoOutput(self.video)
        self.play_button = QToolButton(self)
        self.play_button.setObjectName("play_pause")
        self.seek = QSlider(Qt.Orientation.Horizontal, self)
        self.seek.setObjectName("seek")
        self.time = QLabel("0:00 / 0:00", self)
        self.loop = QCheckBox(self.tr("Loop"), self)
        self.loop.setChecked(True)
        self.mute = QCheckBox(self.tr("Mute"), self)
        controls = QHBoxLayout()
        for widget in (self.play_button, self.seek, self.time, self.loop, self.mute):
            controls.addWidget(widget, 1 if widget is self.seek else 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        self.play_button.clicked.connect(self.toggle)
        self.seek.sliderMoved.connect(self.player.setPosition)
        self.loop.toggled.connect(self._apply_loop)
        self.mute.toggled.connect(self.audio.setMuted)
        self.player.durationChanged.connect(lambda d: self.seek.setRange(0, int(d)))
        self.player.positionChanged.connect(self._position)
        self.player.playbackStateChanged.connect(self._state)
        self._wanted: str | None = None
        self._current: str | None = None
        self._busy = False
        self._patience = QTimer(self)
        self._patience.setSingleShot(True)
        self._patience.timeout.connect(self._setup_done)
        self.player.mediaStatusChanged.connect(self._settled)
        self._apply_loop(True)
        self._state(self.player.playbackState())

    def load(self, path: str) -> None:
        self._request(path)

    def stop(self) -> None:
        self._request(None)

    # Qt's FFmpeg backend (Qt 6.11) can deadlock or crash when it is told to switch or stop
    # while it is still setting a file up on its own threads: a row selected and the window
    # closed at once, or rows clicked through quickly. So a request made mid-setup waits
    # until playback has started (or failed), and only the latest one is carried out.
    #
    # The calls themselves are queued: Qt makes them from its event loop, where PySide has
    # let go of the GIL. Made directly, a call that waits for a backend thread would hold
    # the GIL while that thread might need it (to log through a Python message handler).
    _SETTLED = (QMediaPlayer.MediaStatus.BufferedMedia, QMediaPlayer.MediaStatus.EndOfMedia,
                QMediaPlayer.MediaStatus.InvalidMedia, QMediaPlayer.MediaStatus.NoMedia)
    SETUP_PATIENCE_MS = 5000

    def _request(self, path: str | None) -> None:
        self._wanted = path
        if not self._busy and path != self._current:  # moving between pictures asks nothing of the player
            self._apply()

    def _settled(self, status) -> None:
        if status in self._SETTLED and self._busy:
            self._setup_done()

    def _setup_done(self) -> None:
        self._busy = False
        self._patience.stop()
        if self._wanted != self._current:
            self._apply()

    def _apply(self) -> None:
        self._current = self._wanted
        if self._current is None:
            self._call("stop")
            self._call("setSource", Q_ARG(QUrl, QUrl()))
        else:
            self._busy = True
            self._patience.start(self.SETUP_PATIENCE_MS)  # a backend that never reports must not wedge the pane
            self._call("setSource", Q_ARG(QUrl, QUrl.fromLocalFile(self._current)))
            self._call("play")

    def _call(self, method: str, *args) -> None:
        QMetaObject.invokeMethod(self.player, method, Qt.ConnectionType.QueuedConnection, *args)

    def release(self, timeout_ms: int = 3000) -> None:
        """Stops for good before the window goes: waits out a setup, then for the stop itself."""
        self._wanted = None
        deadline = time.monotonic() + timeout_ms / 1000
        loop = QEventLoop()
        while self._busy and time.monotonic() < deadline:
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        self._busy = False
        self._apply()
        while not self.player.source().isEmpty() and time.monotonic() < deadline + 1:
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    def toggle(self) -> None:
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        self._call("pause" if playing else "play")

    def _apply_loop(self, on: bool) -> None:
        self.player.setLoops(QMediaPlayer.Loops.Infinite if on else QMediaPlayer.Loops.Once)

    def _position(self, position: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(int(position))
        self.time.setText(f"{_clock(position)} / {_clock(self.player.duration())}")

    def _state(self, state) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip(self.tr("Pause") if playing else self.tr("Play"))


def _clock(ms: int) -> str:
    seconds = max(0, int(ms)) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


class OutputStrip(QWidget):
    """Previous/next, "2 of 4" and a row of small pictures: one per output of the job."""

    chosen = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.thumbnails = ThumbnailLoader(self, threads=1, accept=previewable)
        self.previous = QToolButton(self)
        self.previous.setObjectName("previous_output")
        self.previous.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous.setToolTip(self.tr("Previous output"))
        self.next = QToolButton(self)
        self.next.setObjectName("next_output")
        self.next.setArrowType(Qt.ArrowType.RightArrow)
        self.next.setToolTip(self.tr("Next output"))
        self.position = QLabel(self)
        self.position.setObjectName("output_position")
        self.pictures = QListWidget(self)
        self.pictures.setObjectName("output_strip")
        self.pictures.setViewMode(QListView.ViewMode.IconMode)
        self.pictures.setFlow(QListView.Flow.LeftToRight)
        self.pictures.setWrapping(False)
        self.pictures.setMovement(QListView.Movement.Static)
        self.pictures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pictures.setIconSize(QSize(48, 48))
        # A fixed cell per output: thumbnails arrive after the items, and an item laid out
        # before its picture came would stay as narrow as its number, under its neighbours.
        self.pictures.setGridSize(QSize(58, 66))
        self.pictures.setFixedHeight(72)
        self.pictures.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.previous)
        layout.addWidget(self.position)
        layout.addWidget(self.next)
        layout.addWidget(self.pictures, 1)
        self._paths: list[str] = []
        self._index = 0
        self.previous.clicked.connect(lambda: self.chosen.emit(self._index - 1))
        self.next.clicked.connect(lambda: self.chosen.emit(self._index + 1))
        self.pictures.currentRowChanged.connect(lambda row: row >= 0 and row != self._index and self.chosen.emit(row))
        self.thumbnails.ready.connect(self._thumbnail_ready)

    def set_paths(self, paths: list[str]) -> None:
        self._paths = list(paths)
        self.pictures.blockSignals(True)
        self.pictures.clear()
        for number, path in enumerate(self._paths, 1):
            item = QListWidgetItem(str(number))
            item.setToolTip(Path(path).name)
            self.pictures.addItem(item)
            self._set_icon(number - 1)
        self.pictures.blockSignals(False)
        self.setVisible(len(self._paths) > 1)

    def set_index(self, index: int) -> None:
        self._index = index
        self.position.setText(self.tr("{number} of {count}").format(number=index + 1, count=len(self._paths)))
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self._paths) - 1)
        self.pictures.blockSignals(True)
        self.pictures.setCurrentRow(index)
        self.pictures.blockSignals(False)

    def _set_icon(self, row: int) -> None:
        pixmap = self.thumbnails.pixmap(self._paths[row])
        if pixmap is not None:
            self.pictures.item(row).setIcon(QIcon(pixmap))

    def _thumbnail_ready(self, path: str) -> None:
        for row, candidate in enumerate(self._paths):
            if candidate == path:
                self._set_icon(row)


class PreviewPane(QWidget):
    open_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.path: str | None = None  # the output on show
        self.paths: list[str] = []  # every output of the job on show
        self.index = 0
        self.stack = QStackedWidget(self)
        self.placeholder = QLabel(self.tr("Select a finished job to preview it."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.image = ScaledImage(self)
        self.video = VideoView(self)
        for widget in (self.placeholder, self.image, self.video):
            self.stack.addWidget(widget)
        self.outputs = OutputStrip(self)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.folder_button = QPushButton(self.tr("Show in folder"), self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.outputs)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(lambda: self.path and open_with_system(self.path))
        self.folder_button.clicked.connect(lambda: self.path and show_in_folder(self.path))
        self.outputs.chosen.connect(self.show_output)
        self._caption = ""
        # Its own pool, as the rest of app/ui: one decode at a time, and Qt waits it out when the pane goes.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._picture_request = 0  # numbers each picture asked for, so a late answer for an earlier one is dropped
        self._picture_pending = False
        self._loading_delay = QTimer(self)
        self._loading_delay.setSingleShot(True)
        self._loading_delay.setInterval(LOADING_NOTICE_MS)
        self._loading_delay.timeout.connect(self._still_loading)
        self.show_file(None)

    def show_file(self, path: str | None, caption: str = "") -> None:
        self.show_files([path] if path else [], caption)

    def show_files(self, paths: list[str], caption: str = "") -> None:
        """Every output of one job; the first shows. The same outputs again change nothing
        (the one on show stays, and a playing video is not restarted)."""
        paths = [p for p in paths if p and Path(p).is_file()]
        if paths and paths == self.paths:
            self._caption = caption
            self.caption.setText(caption)
            return
        self.paths, self.index, self._caption = paths, 0, caption
        self.outputs.set_paths(paths)
        self._show_current()

    def show_output(self, index: int) -> None:
        if not self.paths or not 0 <= index < len(self.paths) or index == self.index:
            return
        self.index = index
        self._show_current()

    def _show_current(self) -> None:
        # Through the video view's requests only: it decides when the player may be told (see VideoView).
        self.video.stop()
        self._picture_request += 1
        self.path = self.paths[self.index] if self.paths else None
        if self.paths:
            self.outputs.set_index(self.index)
        self.open_button.setEnabled(self.path is not None)
        self.folder_button.setEnabled(self.path is not None)
        self.caption.setText(self._caption if self.path else "")
        if self.path is None:
            self.placeholder.setText(self._caption or self.tr("Select a finished job to preview it."))
            self.stack.setCurrentWidget(self.placeholder)
        elif Path(self.path).suffix.lower() in VIDEO_SUFFIXES:
            self.stack.setCurrentWidget(self.video)
            self.video.load(self.path)
        else:
            # Stepping from picture to picture keeps the last one up while the next decodes (a
            # few tens of milliseconds): a "Loading…" flashing at every step would flicker.
            if self.stack.currentWidget() is self.image and self.image.has_picture():
                self._loading_delay.start()
            else:
                self.image.show_message(self.tr("Loading…"))
            self.stack.setCurrentWidget(self.image)
            self._decode_picture(self.path)

    def _still_loading(self) -> None:
        if self._picture_pending:
            self.image.show_message(self.tr("Loading…"))

    def _decode_picture(self, path: str) -> None:
        self.pool.clear()  # a queued decode of a picture no longer on show need not start
        self._picture_pending = True
        request, bound = self._picture_request, picture_bound()
        task = Task(lambda: _decode(request, path, bound))
        task.signals.done.connect(self._picture_decoded)
        self.pool.start(task)

    def _picture_decoded(self, result) -> None:
        request, image, problem = result
        if request != self._picture_request:  # the user has moved on since
            return
        self._picture_pending = False
        self._loading_delay.stop()
        if image is None:
            self.image.show_message(self.tr("This picture cannot be shown: {problem}").format(problem=problem))
        else:
            self.image.set_picture(QPixmap.fromImage(image))

    def wait(self) -> None:
        """Lets a running decode finish: before the window goes, or in a test."""
        self.pool.waitForDone()
