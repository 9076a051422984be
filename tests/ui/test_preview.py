"""The video preview survives quick changes: Qt's FFmpeg backend must never be told to
switch or stop while it is still setting a file up (it can deadlock or crash). Pictures are
decoded off the GUI thread, already shrunk, and a late decode never replaces a newer one."""

from __future__ import annotations

import threading
from pathlib import Path

import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtMultimedia import QMediaPlayer

from app.sim.media import render_mp4
from app.ui import preview
from app.ui.pictures import picture_bound
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


def _picture(path, colour, size=(40, 30)):
    image = QImage(*size, QImage.Format.Format_RGB32)
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
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#008000", timeout=5000)
    strip.pictures.setCurrentRow(2)  # a click in the strip
    assert pane.path == outputs[2] and not strip.next.isEnabled()
    pane.show_files(outputs, "renamed job · model")  # the same job again: stays on the output on show
    assert pane.path == outputs[2] and pane.caption.text() == "renamed job · model"
    qtbot.waitUntil(lambda: all(not strip.pictures.item(row).icon().isNull() for row in range(3)), timeout=5000)
    # Each thumbnail has a cell of its own, however late it arrived.
    cells = [strip.pictures.visualItemRect(strip.pictures.item(row)) for row in range(3)]
    assert all(b.left() - a.left() >= strip.pictures.iconSize().width() for a, b in zip(cells, cells[1:])), cells
    assert all(not a.intersects(b) for a, b in zip(cells, cells[1:]))
    pane.show_file(outputs[0])
    assert not strip.isVisible() and pane.path == outputs[0]
    strip.thumbnails.wait()
    pane.wait()


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
    assert window.preview.paths == list(row.output_paths) and strip.position.text() == "1 of 3"
    strip.next.click()
    strip.next.click()
    assert window.preview.path == row.output_paths[2] and not strip.next.isEnabled()


def _shown_colour(pane) -> str | None:
    pixmap = pane.image._pixmap
    return None if pixmap.isNull() else pixmap.toImage().pixelColor(0, 0).name()


LARGE = (2048, 2048)  # what a 4 MP generated picture measures


def test_stepping_through_large_outputs_shows_each_one_shrunk_to_a_screen(qtbot, tmp_path):
    colours = ("#ff0000", "#008000", "#0000ff", "#ffff00")
    outputs = [_picture(tmp_path / f"big_{i}.png", colour, LARGE) for i, colour in enumerate(colours)]
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_files(outputs)
    bound = picture_bound()
    for index, colour in enumerate(colours):
        if index:
            pane.outputs.next.click()
            # The last picture stays up while the next decodes: no "Loading…" flash at each step.
            assert _shown_colour(pane) == colours[index - 1] and pane.image.text() != "Loading…"
        qtbot.waitUntil(lambda: _shown_colour(pane) == colour, timeout=5000)
        shown = pane.image._pixmap.size()
        assert shown.width() == shown.height() <= min(bound.width(), bound.height())
        assert not pane.image.pixmap().isNull() and pane.image.pixmap().width() <= pane.image.width()
    pane.outputs.thumbnails.wait()
    pane.wait()


def _hold_decode_of(monkeypatch, held: str, started: threading.Event | None = None) -> threading.Event:
    """Makes the decode of ``held`` wait until the returned event is set."""
    release = threading.Event()
    read_picture = preview.read_picture

    def held_back(path, bound):
        if path == held:
            if started is not None:
                started.set()
            release.wait(10)
        return read_picture(path, bound)

    monkeypatch.setattr(preview, "read_picture", held_back)
    return release


def test_a_late_decode_never_replaces_a_newer_picture(qtbot, tmp_path, monkeypatch):
    first, second = (_picture(tmp_path / f"{name}.png", colour, LARGE)
                     for name, colour in (("first", "red"), ("second", "blue")))
    first_started = threading.Event()
    let_first_finish = _hold_decode_of(monkeypatch, first, first_started)  # the user steps on meanwhile
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    shown = []
    set_picture = pane.image.set_picture
    pane.image.set_picture = lambda pixmap: (shown.append(pixmap.toImage().pixelColor(0, 0).name()),
                                             set_picture(pixmap))
    pane.show_files([first, second])
    assert first_started.wait(5)
    pane.outputs.next.click()
    let_first_finish.set()
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#0000ff", timeout=5000)
    pane.wait()
    qtbot.wait(50)  # any answer still queued for the GUI thread arrives now
    assert shown == ["#0000ff"] and pane.path == second
    pane.outputs.thumbnails.wait()


def test_a_slow_decode_says_it_is_loading_after_a_moment(qtbot, tmp_path, monkeypatch):
    first, second = (_picture(tmp_path / f"{name}.png", colour, (64, 64))
                     for name, colour in (("first", "red"), ("second", "blue")))
    let_second_finish = _hold_decode_of(monkeypatch, second)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_files([first, second])
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#ff0000", timeout=5000)
    pane.outputs.next.click()
    assert _shown_colour(pane) == "#ff0000"  # still up at first
    qtbot.waitUntil(lambda: pane.image.text() == "Loading…", timeout=5000)
    let_second_finish.set()
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#0000ff", timeout=5000)
    assert not pane.image.text()
    pane.outputs.thumbnails.wait()
    pane.wait()


def test_a_corrupt_picture_says_it_cannot_be_shown(qtbot, tmp_path):
    good = _picture(tmp_path / "good.png", "red", LARGE)
    broken = tmp_path / "broken.png"
    broken.write_bytes(Path(good).read_bytes()[:64] + b"not the rest of a picture")
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_files([good, str(broken)])
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#ff0000", timeout=5000)
    pane.outputs.next.click()
    qtbot.waitUntil(lambda: pane.image.text().startswith("This picture cannot be shown"), timeout=5000)
    assert pane.image._pixmap.isNull() and pane.image.pixmap().isNull()
    pane.outputs.previous.click()  # the message goes with the broken file
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#ff0000", timeout=5000)
    assert not pane.image.text()
    pane.outputs.thumbnails.wait()
    pane.wait()


def test_the_gui_thread_never_decodes_a_picture(qtbot, tmp_path, monkeypatch):
    outputs = [_picture(tmp_path / f"big_{i}.png", colour, LARGE) for i, colour in enumerate(("red", "blue"))]
    gui = threading.get_ident()
    decoded_on = []
    read_picture = preview.read_picture

    def recorded(path, bound):
        decoded_on.append(threading.get_ident())
        return read_picture(path, bound)

    class NoPathPixmap(QPixmap):
        def __init__(self, *args):
            assert not (args and isinstance(args[0], (str, Path))), "a picture decoded on the GUI thread"
            super().__init__(*args)

    class NoPathImage(QImage):
        def __init__(self, *args):
            assert not (args and isinstance(args[0], (str, Path))), "a picture decoded on the GUI thread"
            super().__init__(*args)

    monkeypatch.setattr(preview, "read_picture", recorded)
    monkeypatch.setattr(preview, "QPixmap", NoPathPixmap)
    monkeypatch.setattr(preview, "QImage", NoPathImage)
    pane = PreviewPane()
    qtbot.addWidget(pane)
    pane.show()
    pane.show_files(outputs)
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#ff0000", timeout=5000)
    pane.outputs.next.click()
    qtbot.waitUntil(lambda: _shown_colour(pane) == "#0000ff", timeout=5000)
    assert len(decoded_on) == 2 and gui not in decoded_on
    pane.outputs.thumbnails.wait()
    pane.wait()


def test_a_pane_destroyed_mid_decode_leaves_nothing_behind(qtbot, tmp_path, monkeypatch):
    picture = _picture(tmp_path / "big.png", "red", LARGE)
    started, finished = threading.Event(), threading.Event()
    read_picture = preview.read_picture

    def watched(path, bound):
        started.set()
        try:
            return read_picture(path, bound)
        finally:
            finished.set()

    monkeypatch.setattr(preview, "read_picture", watched)
    pane = PreviewPane()
    pane.show()
    pane.show_file(picture)
    assert started.wait(5)
    pane.outputs.thumbnails.wait()  # the strip's own pool, which this test is not about
    shiboken6.delete(pane)  # Qt waits the decode out, and its answer has nobody left to reach
    assert finished.is_set()
    qtbot.wait(50)
