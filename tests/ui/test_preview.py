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


def _picture(path, colour):
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return str(path)


def test_every_output_of_a_job_can_be_previewed(qtbot, tmp_path):
    outputs = [_picture(tmp_path / f"out_{i}.png", colour) for i, colour in enumerate(("red", "green", "blue"))]
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    strip = pane.outputs
    pane.show_files(outputs, "job · model")
    assert strip.isVisible() and strip.position.text() == "1 of 3" and pane.path == outputs[0]
    assert not strip.previous.isEnabled() and strip.next.isEnabled()
    strip.next.click()
    assert pane.path == outputs[1] and strip.position.text() == "2 of 3"
    assert pane.image._pixmap.toImage().pixelColor(0, 0).name() == "#008000"
    strip.pictures.setCurrentRow(2)  # a click in the strip
    assert pane.path == outputs[2] and not strip.next.isEnabled()
    pane.show_files(outputs, "renamed job · model")  # the same job again: stays on the output on show
    assert pane.path == outputs[2] and pane.caption.text() == "renamed job · model"
    qtbot.waitUntil(lambda: all(not strip.pictures.item(row).icon().isNull() for row in range(3)), timeout=5000)
    pane.show_file(outputs[0])
    assert not strip.isVisible() and pane.path == outputs[0]
    strip.thumbnails.wait()


def test_stepping_through_video_outputs_ends_on_the_last_one_chosen(qtbot, tmp_path):
    clips = [_clip(tmp_path / f"{name}.mp4", name) for name in ("one", "two")]
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    player = pane.video.player
    pane.show_files(clips)
    for _ in range(2):  # faster than any file can load
        pane.outputs.next.click()
        pane.outputs.previous.click()
    pane.outputs.next.click()
    qtbot.waitUntil(lambda: player.source() == QUrl.fromLocalFile(clips[1])
                    and player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10000)
    pane.show_file(None)
    pane.video.release()
    pane.outputs.thumbnails.wait()
    assert player.source() == QUrl()


def test_a_multi_image_job_run_from_the_app_previews_every_output(qtbot, window, tmp_path):
    window.set_output_dir(tmp_path / "out")
    window.add_job("Image")
    window.editor.model_changed.emit("bytedance/seedream-v4.5/sequential")  # what choosing it in the picker says
    window.editor.form.fields["prompt"].widget.setPlainText("three kites")
    window.editor.form.fields["max_images"].widget.setValue(3)
    assert window.jobs.rows[0].spec.inputs == {"prompt": "three kites", "max_images": 3}
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    row = window.jobs.rows[0]
    assert row.state == "done" and len(row.output_paths) == 3 and row.output_path == row.output_paths[0]
    window.select_rows([0])
    strip = window.preview.outputs
    assert window.preview.paths == row.output_paths and strip.position.text() == "1 of 3"
    strip.next.click()
    strip.next.click()
    assert window.preview.path == row.output_paths[2] and not strip.next.isEnabled()
