"""Drives the window through a demo batch without a user: run, wait, then play the last
video. The screenshot command and the bundle's self-check both need exactly this."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtMultimedia import QMediaPlayer


class Autopilot(QObject):
    """Calls ``on_playing`` once a finished video has played for ``play_ms``, or ``on_fail``
    with a sentence; never both."""

    def __init__(self, window, on_playing: Callable[[], None], on_fail: Callable[[str], None],
                 start_after_ms: int = 2500, play_ms: int = 1500, timeout_ms: int = 180_000):
        super().__init__(window)
        self.window, self.on_playing, self.on_fail = window, on_playing, on_fail
        self.play_ms = play_ms
        self._over = False
        self._attempts = 0
        window.controller.finished.connect(self._finished)
        # After the live quotes have replaced the estimates, as a user would see it.
        QTimer.singleShot(start_after_ms, self._run)
        QTimer.singleShot(timeout_ms, lambda: self._fail("timed out"))

    def _run(self) -> None:
        if not self.window.run_batch():
            self._fail("the demo batch did not start")

    def _finished(self, result) -> None:
        if result.status != "finished":
            return self._fail(f"the demo batch {result.status}: {result.reason}")
        QTimer.singleShot(1500, self._pick_video)

    def _pick_video(self) -> None:
        rows = [i for i, job in enumerate(self.window.jobs.rows)
                if job.output_path and job.output_path.endswith(".mp4")]
        if not rows:
            return self._fail("the demo batch produced no video")
        self.window.select_rows([rows[-1]])
        self.window.table.scrollToBottom()
        self._wait_for_playing()

    def _wait_for_playing(self) -> None:
        if self._over:
            return
        player = self.window.preview.video.player
        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState and player.position() > self.play_ms:
            self._over = True
            QTimer.singleShot(200, self.on_playing)
        elif self._attempts > 150:
            self._fail(f"the video never played ({player.errorString() or 'no error reported'})")
        else:
            self._attempts += 1
            QTimer.singleShot(100, self._wait_for_playing)

    def _fail(self, message: str) -> None:
        if not self._over:
            self._over = True
            self.on_fail(message)
