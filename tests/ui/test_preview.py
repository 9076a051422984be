"""The video preview survives quick changes: Qt's FFmpeg backend must never be told to
switch or stop while it is still setting a file up (it can deadlock or crash)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QMediaPlayer

from app.sim.media import render_mp4
from app.ui.preview import PreviewPane


def _clip(path, prompt):
    render_mp4(path, {"prompt": prompt, "duration": 2}, "bytedance/seedance-v1.5-pro-fast/text-to-video")
    return str(path)


def test_quick_row_changes_end_on_the_last_file(qtbot, tmp_path):
    first, second = _clip(tmp_path / "a.mp4", "first"), _clip(tmp_path / "b.mp4", "second")
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    player = pane.video.player
    for path in (first, second, first, second):  # faster than any file can load
        pane.show_file(path)
    qtbot.waitUntil(lambda: player.source() == QUrl.fromLocalFile(second)
                    and player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10000)
    pane.show_file(None)
    pane.video.release()
    assert player.source() == QUrl() and player.playbackState() == QMediaPlayer.PlaybackState.StoppedState


def test_closing_right_after_choosing_a_video_stops_it(qtbot, tmp_path):
    clip = _clip(tmp_path / "a.mp4", "closing")
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_file(clip)
    pane.show_file(None)  # the window closing at once
    pane.video.release()
    assert pane.video.player.source() == QUrl()
