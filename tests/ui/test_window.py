"""The desktop app end to end, offscreen, against the in-process simulator."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest

from app.engine.jobs.spec import JobSpec
from app.engine.atlas.pricing import format_money
from app.ui.backend import Backend
from app.ui.settings import AppSettings
from app.ui.window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def type_prompt(window, text):
    window.editor.form.fields["prompt"].widget.setPlainText(text)


def choose_model(window, model_id):
    browser = window.editor.picker.open_browser()
    browser.search.setText(model_id)
    QTest.keyClick(browser.search, Qt.Key.Key_Return)


def build_three_jobs(window):
    window.add_job("Image")
    type_prompt(window, "A red fox in fresh snow")
    window.add_job("Video")
    type_prompt(window, "Waves rolling onto a beach")
    window.add_job("Video")
    choose_model(window, "google/veo3.1/text-to-video")
    type_prompt(window, "A lighthouse at dusk")
    resolution = window.editor.form.fields["resolution"].widget
    resolution.setCurrentIndex(resolution.findData("1080p"))


def test_build_run_preview_play_save_reload(qtbot, window, tmp_path, answers):
    build_three_jobs(window)
    rows = window.jobs.rows
    assert [r.spec.model for r in rows] == ["black-forest-labs/flux-2-pro/text-to-image",
                                           "bytedance/seedance-v1.5-pro-fast/text-to-video",
                                           "google/veo3.1/text-to-video"]
    assert rows[2].spec.inputs == {"prompt": "A lighthouse at dusk", "resolution": "1080p"}
    assert all(r.state == "ready" and r.cost is not None for r in rows)
    qtbot.waitUntil(lambda: all(r.cost.is_quote for r in rows), timeout=10000)
    assert "(quote)" in window.status_total.text()

    assert window.set_output_dir(tmp_path / "out")
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=60000)
    assert [r.state for r in rows] == ["done", "done", "done"], [r.error for r in rows]
    assert "done 3" in window.status_progress.text()
    assert window.status_spent.text() == f"spent {format_money(sum(r.cost.amount for r in rows))}"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["successful"] == 3 and Path(rows[0].output_path).is_file()

    window.select_rows([0])
    assert window.preview.stack.currentWidget() is window.preview.image
    qtbot.waitUntil(lambda: not window.preview.image.pixmap().isNull(), timeout=5000)  # decoded off the GUI thread
    for row in (1, 2):
        window.select_rows([row])
        player = window.preview.video.player
        assert window.preview.stack.currentWidget() is window.preview.video
        qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10000)
        qtbot.waitUntil(lambda: player.position() > 300, timeout=15000)
    # Made when asked for, as a painted row asks.
    decorations = [window.model.index(row, 0) for row in range(3)]
    qtbot.waitUntil(lambda: all(window.model.data(index, Qt.ItemDataRole.DecorationRole) is not None
                                for index in decorations), timeout=10000)

    saved = tmp_path / "three.yaml"
    assert window._write(saved, adopt=True)
    before = window.jobs.specs()
    window.new_document()
    assert len(window.jobs) == 0
    assert window.open_document(saved)
    assert window.jobs.specs() == before


def test_a_broken_file_shows_the_located_error_and_keeps_the_list(window, monkeypatch):
    shown = []
    monkeypatch.setattr("app.ui.window_documents.show_problems", lambda parent, title, heading, problems: shown.append(problems))
    window.add_job("Image")
    type_prompt(window, "keep me")
    assert not window.import_file(ROOT / "tests" / "engine" / "jobs" / "broken" / "bad-indent.yaml")
    assert "line 4, column 11" in shown[0][0]
    assert [r.spec.inputs["prompt"] for r in window.jobs.rows] == ["keep me"]


def test_invalid_jobs_block_run_with_the_reason(window, monkeypatch):
    shown = []
    monkeypatch.setattr("app.ui.window_runs.show_problems", lambda parent, title, heading, problems: shown.append(problems))
    window.add_job("Image")  # no prompt yet
    assert window.jobs.rows[0].state == "invalid"
    assert not window.run_batch()
    assert "prompt is required" in shown[0][0]


def test_an_unwritable_output_folder_is_refused_when_chosen(window, tmp_path, answers):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert not window.set_output_dir(blocker / "sub")
    assert answers and "cannot write" in answers[-1][2]


def test_over_budget_asks_and_strict_budget_refuses(window, tmp_path, answers):
    window.set_output_dir(tmp_path / "out")
    window.add_job("Video")
    choose_model(window, "google/veo3.1/text-to-video")
    type_prompt(window, "expensive")
    window.budget.setValue(1.0)
    window.settings.strict_budget = True
    assert not window.run_batch()
    assert "above the budget" in answers[-1][2]


def test_a_job_set_file_opens_with_its_output_folder(window):
    assert window.open_document(ROOT / "resources" / "examples" / "product-launch.yaml")
    assert len(window.jobs) == 5 and window.output_dir.name == "product-launch"
    assert window.windowTitle().startswith("product-launch.yaml")


def test_the_app_starts_and_closes_cleanly(qtbot, answers):
    backend = Backend(demo=True)
    win = MainWindow(AppSettings(), backend)
    qtbot.addWidget(win, before_close_func=MainWindow.shutdown)
    win.show()
    assert "DEMO" in win.status_mode.text()
    assert win.close()
    backend.close()


def test_first_start_without_a_key_offers_the_demo(qtbot, monkeypatch):
    from app.ui import main as ui_main
    from app.ui.dialogs import FirstRunDialog

    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: 1)
    settings = AppSettings()
    assert ui_main.choose_mode(settings) is True
    assert settings.first_run_done


def test_settings_never_store_the_key_and_say_when_no_keyring_exists(qtbot, answers, tmp_path):
    from app.ui.dialogs import SettingsDialog

    settings = AppSettings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.key.setText("apikey-very-secret-value")
    dialog.output.setText(str(tmp_path / "out"))
    dialog.accept()
    assert "no system keyring" in answers[-1][2]
    settings.sync()
    for path in (tmp_path / "settings").rglob("*"):
        if path.is_file():
            assert "apikey-very-secret-value" not in path.read_text(errors="ignore")


def test_settings_are_typed_bounded_and_remembered(qtbot):
    settings = AppSettings()
    settings.concurrency = 500
    settings.strict_budget = True
    settings.output_dir = Path("/tmp/somewhere")
    again = AppSettings()
    assert again.concurrency == 64 and again.strict_budget is True and again.output_dir == Path("/tmp/somewhere")
    settings.qsettings.setValue("run/concurrency", "many")
    assert AppSettings().concurrency == 4


def test_one_field_edited_across_several_selected_jobs(qtbot, window):
    for _ in range(3):
        window.add_job("Video")
        type_prompt(window, "same scene")
    window.select_rows([0, 1, 2])
    assert "Editing 3 jobs" in window.editor.heading.text()
    duration = window.editor.form.fields["duration"].widget
    duration.setValue(9)
    assert [r.spec.inputs.get("duration") for r in window.jobs.rows] == [9, 9, 9]
    assert [r.spec.name for r in window.jobs.rows] == ["video 1", "video 2", "video 3"]


def test_a_rejected_key_stops_the_batch_and_asks_for_a_key(qtbot, window, tmp_path, answers, monkeypatch):
    asked = []
    monkeypatch.setattr(window, "open_settings", lambda: asked.append(True))
    window.backend._key = "apikey-revoked"
    window.set_output_dir(tmp_path / "out")
    window.add_job("Image")
    type_prompt(window, "a cat")
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20000)
    assert asked and any("API key rejected" == title for _, title, _ in answers)
    assert window.jobs.rows[0].state == "queued" and window.jobs.rows[0].prediction_id is None


def test_the_title_shows_progress_and_the_end_is_announced(qtbot, window, tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(window, "notify", lambda title, text: said.append((title, text)))
    window.set_output_dir(tmp_path / "out")
    window.add_job("Image")
    type_prompt(window, "a kite")
    window.costs.wait()
    assert window.run_batch()
    assert window.windowTitle().startswith("0/1 done · $")
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20000)
    assert said and said[0][0] == "Batch finished" and "1 done, 0 failed" in said[0][1]
    assert not window.windowTitle()[0].isdigit()


def test_make_a_video_from_a_finished_image(qtbot, window, tmp_path):
    window.set_output_dir(tmp_path / "out")
    window.add_job("Image")
    type_prompt(window, "a paper boat")
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20000)
    window.select_rows([0])
    window.act_make_video.trigger()
    child = window.jobs.rows[1]
    assert child.spec.image_from == "image 1" and child.spec.model.endswith("image-to-video")
    assert child.state == "ready" and not child.problems
    hint = window.editor.form.hints["image"]
    assert "image 1" in hint.text() and not window.editor.form.fields["image"].widget.isEnabled()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    assert child.state == "done" and child.output_path.endswith(".mp4")


def test_a_template_says_its_count_and_cost_before_expanding(window, answers, tmp_path):
    assert window.open_document(ROOT / "resources" / "examples" / "product-catalogue.yaml")
    question = next(text for kind, title, text in answers if title == "Expand the template")
    assert "makes 500 job(s)" in question and "$10.00" in question
    assert len(window.jobs) == 500
    exported = tmp_path / "catalogue.csv"
    assert window._write(exported, adopt=False)
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf") and len(exported.read_text().splitlines()) == 501
    window.new_document()
    assert window.import_file(exported) and len(window.jobs) == 500


def test_undo_and_redo_job_list_edits(qtbot, window):
    window.add_job("Image")
    for text in ("a", "a f", "a fox"):  # typing: one step, not three
        type_prompt(window, text)
    window.add_job("Video")
    assert len(window.jobs) == 2 and window.jobs.rows[0].spec.inputs["prompt"] == "a fox"
    window.undo_stack.undo()  # the video job
    assert len(window.jobs) == 1
    window.undo_stack.undo()  # the whole prompt
    assert "prompt" not in window.jobs.rows[0].spec.inputs
    window.undo_stack.redo()
    assert window.jobs.rows[0].spec.inputs["prompt"] == "a fox"
    window.select_rows([0])
    window.delete_selected()
    assert len(window.jobs) == 0
    window.act_undo.trigger()
    assert window.jobs.rows[0].spec.name == "image 1" and window.act_undo.text() == "Undo Edit prompt"


def test_a_drag_move_can_be_undone(qtbot, window):
    from PySide6.QtCore import QModelIndex, Qt

    for _ in range(3):
        window.add_job("Image")
    data = window.model.mimeData([window.model.index(0, 0)])
    window.model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [j.spec.name for j in window.jobs.rows] == ["image 2", "image 3", "image 1"]
    window.undo_stack.undo()
    assert [j.spec.name for j in window.jobs.rows] == ["image 1", "image 2", "image 3"]


def test_a_run_clears_the_history(qtbot, window, tmp_path):
    window.set_output_dir(tmp_path / "out")
    window.add_job("Image")
    type_prompt(window, "a bird")
    window.costs.wait()
    assert window.undo_stack.canUndo() and window.run_batch()
    assert not window.undo_stack.canUndo()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=20000)


def test_every_toolbar_action_has_its_own_shortcut(window):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QToolBar

    toolbar = window.findChild(QToolBar, "main_toolbar")
    toolbar_actions = [a for a in toolbar.actions() if not a.isSeparator() and a.text()]
    assert len(toolbar_actions) >= 15
    for action in toolbar_actions:
        assert not action.shortcut().isEmpty(), action.text()
        assert action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) in action.toolTip()
    keys = [key.toString() for a in window.findChildren(type(window.act_run)) for key in a.shortcuts()
            if not key.isEmpty()]
    assert len(keys) == len(set(keys)), sorted(keys)


def test_the_budget_has_a_shortcut(qtbot, window):
    window.activateWindow()
    window.act_budget.trigger()
    assert window.budget.hasFocus() or window.focusWidget() is window.budget


def test_resubmit_asks_with_the_total_of_the_chosen_jobs_then_decides_each(window, answers, monkeypatch):
    from decimal import Decimal

    from app.engine.atlas.pricing import ESTIMATE, Cost

    window.jobs.insert([JobSpec(f"lost {i}", "google/imagen4", {"prompt": f"lost {i}"}) for i in range(3)])
    for row, state in zip(window.jobs.rows, ("needs_attention", "needs_attention", "done")):
        row.state, row.cost = state, Cost(Decimal("0.04"), ESTIMATE)
    decided = []
    monkeypatch.setattr(window.controller, "decide", lambda row, choice: decided.append((row, choice)))
    window.select_rows([0, 1, 2])
    window.resubmit_selected()
    assert decided == [(0, "resubmit"), (1, "resubmit")]
    assert answers and "$0.08" in answers[-1][2]
