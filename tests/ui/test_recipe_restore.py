"""Drop an output on the window (or File › Open recipe…) and its job comes back in the list."""

from __future__ import annotations

import csv
import shutil

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.review.picks import CSV_COLUMNS
from tests.engine.jobs.test_recipes import run
from tests.fakes import media

FLUX = "black-forest-labs/flux-2-pro/text-to-image"
IMAGEN = "google/imagen4"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


@pytest.fixture
def outputs(catalog, tmp_path):
    """Four outputs of a finished batch, one per format, each carrying its recipe."""
    specs = [JobSpec(f"{kind} job", IMAGEN, {"prompt": f"{kind}: a harbour at dawn", "seed": 100 + n,
                                            "aspect_ratio": "4:3"})
             for n, kind in enumerate(("png", "jpeg", "webp", "mp4"))]
    result, _ = run(catalog, specs, tmp_path / "batch")
    return specs, [tmp_path / "batch" / record.files[0].path for record in result.records]


def drop(window, paths):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)


def test_dropping_outputs_brings_their_jobs_back(qtbot, window, outputs):
    specs, files = outputs
    with qtbot.waitSignal(window.recipe_opener.restored, timeout=15000) as restored:
        drop(window, files)
    assert list(restored.args[0]) == [0, 1, 2, 3]
    assert [(r.spec.name, r.spec.model, r.spec.inputs) for r in window.jobs.rows] == \
        [(s.name, s.model, s.inputs) for s in specs]
    assert window.recipe_opener.last_notes == []
    assert "Restored 4 job(s)" in window.statusBar().currentMessage()
    assert window.selected_rows() == [0, 1, 2, 3] and window.dirty
    window.undo_stack.undo()  # one step takes them away again
    assert len(window.jobs) == 0


def test_other_tools_files_go_to_the_model_the_user_picks_and_the_window_says_best_effort(qtbot, window, tmp_path):
    made = media.samples(tmp_path / "samples")
    asked = []
    window.recipe_opener.choose_model = lambda count: asked.append(count) or FLUX
    with qtbot.waitSignal(window.recipe_opener.restored, timeout=15000):
        drop(window, [made["comfyui"], made["a1111-jpeg"]])
    assert asked == [2]
    comfy, a1111 = (row.spec for row in window.jobs.rows)
    assert comfy.model == FLUX and comfy.inputs["prompt"] == "a red fox in snow" and comfy.inputs["seed"] == 99887766
    assert comfy.inputs["size"] and a1111.inputs["seed"] == 1234567
    box = window.recipe_opener.notes_box
    assert box is not None and box.isVisible() and "best effort" in box.informativeText()
    assert "negative prompt" in box.informativeText()  # flux has no place for it, and it says so


def test_picks_csv_and_file_open_recipe(qtbot, window, outputs, tmp_path, monkeypatch):
    specs, files = outputs
    handoff = tmp_path / "client"
    handoff.mkdir()
    with open(handoff / "picks.csv", "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for number, path in enumerate(files[1:3], start=1):
            shutil.copy(path, handoff / f"0{number} {path.name}")
            writer.writerow({"file": f"0{number} {path.name}", "name": path.stem})
    with qtbot.waitSignal(window.recipe_opener.restored, timeout=15000):
        drop(window, [handoff / "picks.csv"])
    assert [r.spec.inputs for r in window.jobs.rows] == [specs[1].inputs, specs[2].inputs]

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(files[3])], ""))
    with qtbot.waitSignal(window.recipe_opener.restored, timeout=15000):
        window.act_open_recipe.trigger()
    assert window.jobs.rows[-1].spec.inputs == specs[3].inputs


def test_a_file_without_a_recipe_is_a_sentence_not_a_crash(qtbot, window, tmp_path):
    noise = tmp_path / "noise.png"
    noise.write_bytes(b"\x00not a picture" * 50)
    plain = media.png_with_texts(tmp_path / "plain.png", {})
    with qtbot.waitSignal(window.recipe_opener.restored, timeout=15000):
        drop(window, [noise, plain])
    assert len(window.jobs) == 0 and noise.read_bytes() == b"\x00not a picture" * 50
    notes = window.recipe_opener.last_notes
    assert any("noise.png is not an image" in n for n in notes) and any("plain.png carries no recipe" in n
                                                                         for n in notes)
    assert "No job was restored" in window.statusBar().currentMessage()


def test_the_recipe_settings_reach_the_batch_process(qtbot, window):
    from app.engine.run.childproto import ChildConfig
    from app.engine.jobs.recipes import RecipePolicy
    from app.engine.run.runner import Limits
    from app.ui.dialogs import SettingsDialog

    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    assert dialog.embed_recipes.isChecked() and dialog.prompts_in_files.isChecked()
    dialog.embed_recipes.setChecked(False)
    dialog.prompts_in_files.setChecked(False)
    dialog.accept()
    assert (window.settings.embed_recipes, window.settings.prompts_in_files) == (False, False)
    policy = RecipePolicy(window.settings.embed_recipes, window.settings.prompts_in_files)
    config = ChildConfig(window.output_dir, 1, "http://x", True, "demo", Limits(), None, None, recipes=policy)
    assert ChildConfig.from_json(config.to_json()).recipes == RecipePolicy(embed=False, prompts=False)
    assert ChildConfig.from_json(config.to_json().replace(', "recipes": {"embed": false, "prompts": false}', "")
                                 ).recipes == RecipePolicy()  # a window from before recipes: embed
