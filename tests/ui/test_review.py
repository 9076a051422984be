"""Review mode in the window: a batch folder as a grid, keyboard triage that survives
reopening, filters, compare, re-roll within the budget, and the hand-off of the picks."""

from __future__ import annotations

import csv
import json
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.review.session import Pick, ReviewQuery
from app.engine.run.store import JobStore
from app.ui.review.model import LINKED_ROLE
from tests.fakes.runs import new_runner
from tests.fakes.simclient import instant_sim

FLUX = "black-forest-labs/flux-2-pro/text-to-image"
SEQUENTIAL = "bytedance/seedream-v4.5/sequential"
SEEDANCE = "bytedance/seedance-v1.5-pro-fast/text-to-video"


def cli_jobs() -> list[JobSpec]:
    return [JobSpec("fox", FLUX, {"prompt": "a red fox in snow", "seed": 7}),
            JobSpec("owl", FLUX, {"prompt": "an owl at night", "seed": 8}),
            JobSpec("panels", SEQUENTIAL, {"prompt": "three comic panels", "max_images": 3}),
            JobSpec("lake", "google/imagen4", {"prompt": "a lake at dawn"}),
            JobSpec("waves", SEEDANCE, {"prompt": "waves at dusk", "duration": 4})]


@pytest.fixture(scope="module")
def made_folder(tmp_path_factory):
    """A folder made by the engine's runner against the simulator, as the CLI makes one (once:
    each test reviews its own copy)."""
    folder = tmp_path_factory.mktemp("cli") / "batch"
    with instant_sim() as (server, client, options):
        store = JobStore(folder)
        try:
            result = new_runner(cli_jobs(), Catalog.snapshot(), folder, mode="demo", store=store, client=client,
                                **options).run()
        finally:
            store.close()
    assert all(record.state == JobState.DONE for record in result.records)
    return folder


@pytest.fixture
def folder(made_folder, tmp_path):
    copy = tmp_path / "batch"
    shutil.copytree(made_folder, copy)
    return copy


def review_of(window, folder):
    mode = window.review_mode
    assert mode.show_review(folder)
    return mode.view


def key(view, *keys):
    for k in keys:
        QTest.keyClick(view.grid, k)


def manifest_reviews(folder: Path) -> dict[str, dict]:
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {f["path"]: f.get("review") for entry in document["results"] for f in entry["files"]}


def test_a_demo_batch_run_in_the_app_is_reviewed_with_every_output(qtbot, window, tmp_path, qtmodeltester):
    window.set_output_dir(tmp_path / "out")
    for name, model, inputs in (("kite", FLUX, {"prompt": "a kite"}),
                                ("panels", SEQUENTIAL, {"prompt": "two panels", "max_images": 2})):
        window.jobs.insert([JobSpec(name, model, inputs)])
    window.costs.refresh_all()
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    outputs = [path for job in window.jobs.rows for path in job.output_paths]
    assert len(outputs) == 3

    window.review_mode.act_toggle.trigger()
    view = window.review_mode.view
    assert window.review_mode.showing and view.folder == tmp_path / "out"
    assert sorted(str(o.file) for o in view.model.outputs) == sorted(outputs)
    qtmodeltester.check(view.model)
    assert [view.model.index(row).data() for row in range(3)] == ["kite", "panels · 1/2", "panels · 2/2"]
    qtbot.waitUntil(lambda: all(view.loader.has(o.file, view.model.tile) for o in view.model.outputs), timeout=10000)
    window.review_mode.act_toggle.trigger()
    assert not window.review_mode.showing


def test_keyboard_triage_updates_the_counts_and_survives_reopening(qtbot, window, folder):
    view = review_of(window, folder)
    assert len(view.model.outputs) == 7  # fox, owl, three panels, lake, waves
    assert view.counts.text() == "0 picked · 0 rejected · 7 unrated"
    view.grid.setFocus()
    key(view, Qt.Key.Key_P, Qt.Key.Key_Right, Qt.Key.Key_X, Qt.Key.Key_Right, Qt.Key.Key_4, Qt.Key.Key_P,
        Qt.Key.Key_Right, Qt.Key.Key_P, Qt.Key.Key_U)
    assert view.counts.text() == "2 picked · 1 rejected · 4 unrated"
    marks = [(o.item.name, o.pick, o.rating) for o in view.model.outputs[:4]]
    assert marks == [("fox", Pick.PICKED, None), ("owl", Pick.REJECTED, None), ("panels", Pick.PICKED, 4),
                     ("panels", Pick.UNRATED, None)]
    # The store has it at once; the manifest a moment later.
    with _closing(JobStore(folder)) as store:
        assert len([m for m in store.reviews().values() if m.pick]) == 3
    qtbot.waitUntil(lambda: not view.session.dirty, timeout=5000)
    reviews = manifest_reviews(folder)
    picked = sorted(path for path, mark in reviews.items() if mark and mark["pick"] == "picked")
    assert picked == sorted([view.model.outputs[0].path, view.model.outputs[2].path])

    view.grid.setCurrentIndex(view.model.index(0))
    key(view, Qt.Key.Key_Space)
    assert view.large is not None and view.large.isVisible() and view.large.pane.path == str(view.model.outputs[0].file)
    QTest.keyClick(view.large, Qt.Key.Key_Right)
    QTest.keyClick(view.large, Qt.Key.Key_5)
    assert view.model.outputs[1].rating == 5 and view.large.pane.path == str(view.model.outputs[1].file)
    QTest.keyClick(view.large, Qt.Key.Key_Escape)
    assert not view.large.isVisible()

    window.review_mode.show_jobs()
    view.close_session()
    view = review_of(window, folder)
    again = [(o.item.name, o.pick, o.rating) for o in view.model.outputs[:4]]
    assert again == [("fox", Pick.PICKED, None), ("owl", Pick.REJECTED, 5), ("panels", Pick.PICKED, 4),
                     ("panels", Pick.UNRATED, None)]
    assert view.counts.text() == "2 picked · 1 rejected · 4 unrated"


class _closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def test_filters_and_sorts(qtbot, window, folder):
    view = review_of(window, folder)
    view.grid.setCurrentIndex(view.model.index(0))
    key(view, Qt.Key.Key_P)
    view.set_query(ReviewQuery(picks=frozenset({Pick.PICKED})))
    assert [o.item.name for o in view.model.outputs] == ["fox"]
    assert view.pick_filter.currentData() == Pick.PICKED and "showing 1 of 7" in view.counts.text()
    view.set_query(ReviewQuery(models=frozenset({SEQUENTIAL})))
    assert [o.part for o in view.model.outputs] == [0, 1, 2]
    view.set_query(ReviewQuery())
    view.text_filter.setText("OWL at")
    qtbot.waitUntil(lambda: [o.item.name for o in view.model.outputs] == ["owl"], timeout=3000)
    view.text_filter.clear()
    view.sort.setCurrentIndex(view.sort.findData("model"))
    qtbot.waitUntil(lambda: len(view.model.outputs) == 7, timeout=3000)
    models = [o.item.model for o in view.model.outputs]
    assert models == sorted(models)
    view.descending.setChecked(True)
    assert [o.item.model for o in view.model.outputs] == sorted(models, reverse=True)


def test_compare_two_pictures_and_a_video_in_step(qtbot, window, folder):
    view = review_of(window, folder)
    names = [o.item.name for o in view.model.outputs]
    view.select_outputs([view.model.outputs[names.index("fox")]])
    assert view.compare_selected() is None and not view.compare_button.isEnabled()  # one is not a comparison
    chosen = [view.model.outputs[names.index(n)] for n in ("fox", "owl", "waves")]
    view.select_outputs(chosen)
    assert view.compare_button.isEnabled()
    dialog = view.compare_selected()
    assert len(dialog.images) == 2 and len(dialog.videos) == 1
    qtbot.waitExposed(dialog)
    first, second = dialog.images
    qtbot.waitUntil(lambda: first.transform().m11() < 1.0, timeout=3000)  # fitted
    dialog.link.zoom(3.0)
    first.horizontalScrollBar().setValue(first.horizontalScrollBar().maximum())
    assert second.transform().m11() == first.transform().m11() == 3.0
    assert second.horizontalScrollBar().value() == second.horizontalScrollBar().maximum() > 0
    player = dialog.videos[0].player
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=10000)
    dialog.sync.pause()
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PausedState, timeout=5000)
    dialog.sync.play()
    qtbot.waitUntil(lambda: player.playbackState() == QMediaPlayer.PlaybackState.PlayingState, timeout=5000)
    dialog.close()
    assert player.source() == QUrl()
    view.select_outputs(view.model.outputs[:5])
    assert not view.compare_button.isEnabled() and view.compare_selected() is None


def _wait_for_plan(qtbot, view):
    qtbot.waitUntil(lambda: not view._busy, timeout=15000)


def test_a_reroll_over_budget_is_refused_before_anything_is_queued(qtbot, window, folder, answers):
    view = review_of(window, folder)
    view.select_outputs([view.model.outputs[0], view.model.outputs[1]])
    spent = view.session.spent
    window.budget.setValue(float(spent) + 0.01)  # the batch has this left: less than two re-rolls
    assert view.reroll_selected()
    _wait_for_plan(qtbot, view)
    title, text = answers[-1][1:]
    assert title == "Over budget" and "Nothing was queued" in text
    assert not window.controller.running
    with _closing(JobStore(folder)) as store:
        assert len(store.load()) == 5


def test_a_reroll_within_budget_joins_the_batch_beside_its_original_and_runs(qtbot, window, folder, answers):
    view = review_of(window, folder)
    fox = view.model.outputs[0]
    view.select_outputs([fox])
    window.budget.setValue(0)  # no cap
    assert view.reroll_selected()
    _wait_for_plan(qtbot, view)
    question = next(text for kind, title, text in answers if title == "Re-roll")
    assert "Queue 1 re-roll(s) for" in question
    assert window.controller.running or window.jobs.rows[-1].state == "done"
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    with _closing(JobStore(folder)) as store:
        jobs = store.load()
        links = store.links()
    assert len(jobs) == 6 and jobs[-1].state == JobState.DONE and jobs[-1].spec.name == "fox (re-roll 1)"
    assert jobs[-1].spec.inputs["seed"] != 7 and links[(jobs[-1].batch, jobs[-1].position)].origin_name == "fox"
    assert [j.state for j in jobs[:5]] == [JobState.DONE] * 5
    # The grid reads the folder again once the batch has finished.
    qtbot.waitUntil(lambda: len(view.model.outputs) == 8 and view.model.outputs[1].file is not None, timeout=5000)
    names = [o.item.name for o in view.model.outputs]
    assert names[:2] == ["fox", "fox (re-roll 1)"]  # grouped with its original
    assert view.model.index(1).data(LINKED_ROLE) and not view.model.index(0).data(LINKED_ROLE)
    assert view.model.outputs[1].file.is_file()


def _open_vary(qtbot, view, name):
    view.select_outputs([next(o for o in view.model.outputs if o.item.name == name)])
    dialog = view.vary_selected()
    assert dialog is not None and dialog.windowTitle() == f"Vary {name}"
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=10000)
    return dialog


def test_vary_edits_the_prompt_and_the_copy_joins_the_batch_beside_its_original_and_runs(qtbot, window, folder,
                                                                                          answers):
    view = review_of(window, folder)
    window.budget.setValue(0)  # no cap
    dialog = _open_vary(qtbot, view, "owl")
    assert dialog.name.text() == "owl (variation 1)"
    prompt = dialog.form.fields["prompt"].widget
    assert prompt.toPlainText() == "an owl at night" and dialog.form.fields["seed"].get() == 8
    dialog.name.setText("fox")  # the batch has one
    assert not dialog.ok.isEnabled() and 'already has a job named "fox"' in dialog.status.text()
    dialog.name.setText("owl, snowy")
    prompt.setPlainText("a snowy owl at night")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    _wait_for_plan(qtbot, view)
    question = next(text for kind, title, text in answers if title == "Vary")
    assert question.startswith("Queue the variation owl, snowy for ")
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    with _closing(JobStore(folder)) as store:
        jobs = store.load()
        links = store.links()
    varied = jobs[-1]
    assert len(jobs) == 6 and varied.state == JobState.DONE and varied.spec.name == "owl, snowy"
    assert varied.spec.inputs == {"prompt": "a snowy owl at night", "seed": 8}
    link = links[(varied.batch, varied.position)]
    assert (link.kind, link.origin_name) == ("vary", "owl")
    assert [j.state for j in jobs[:5]] == [JobState.DONE] * 5
    qtbot.waitUntil(lambda: len(view.model.outputs) == 8 and view.model.outputs[2].file is not None, timeout=5000)
    assert [o.item.name for o in view.model.outputs[:3]] == ["fox", "owl", "owl, snowy"]  # grouped
    copy = view.model.outputs[2]
    assert copy.item.link.kind == "vary" and view.model.index(2).data(LINKED_ROLE)
    assert copy.file.is_file()


def test_a_vary_over_budget_is_refused_before_anything_is_queued(qtbot, window, folder, answers):
    view = review_of(window, folder)
    window.budget.setValue(float(view.session.spent) + 0.001)  # less than one more render
    dialog = _open_vary(qtbot, view, "fox")
    dialog.ok.click()
    _wait_for_plan(qtbot, view)
    title, text = answers[-1][1:]
    assert title == "Over budget" and "Nothing was queued" in text
    assert not any(title == "Vary" for _, title, _ in answers)  # never asked, never queued
    assert not window.controller.running
    with _closing(JobStore(folder)) as store:
        assert len(store.load()) == 5


def test_vary_loads_a_missing_schema_off_the_gui_thread_before_the_form(qtbot, window, folder, monkeypatch):
    view = review_of(window, folder)
    model = view.backend.catalog.get(FLUX)
    schema, threads = model.input_schema, []

    def load():
        threads.append(threading.current_thread())
        return schema

    monkeypatch.setattr(model._slot, "_schema", None)  # a lazy catalog that has not fetched it yet
    monkeypatch.setattr(model._slot, "_loader", load)
    view.select_outputs([view.model.outputs[0]])
    dialog = view.vary_selected()
    assert dialog.form is None and not dialog.ok.isEnabled()
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=10000)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.form.fields["prompt"].widget.toPlainText() == "a red fox in snow" and dialog.ok.isEnabled()
    dialog.reject()


def test_vary_in_a_folder_without_a_job_store_copies_into_the_job_list(qtbot, window, folder):
    for path in (folder / ".batch-studio").glob("jobs.sqlite*"):
        path.unlink()
    view = review_of(window, folder)
    assert not view.session.has_store
    view.select_outputs([view.model.outputs[1]])
    assert view.vary_selected() is None and view.vary_dialog is None
    assert not window.review_mode.showing
    row = window.selected_rows()[0]
    assert window.jobs.rows[row].spec.name == "owl (variation 1)"
    assert window.jobs.rows[row].spec.inputs == {"prompt": "an owl at night", "seed": 8}


def test_export_writes_the_picks_the_csv_and_a_contact_sheet(qtbot, window, folder, tmp_path, answers, monkeypatch):
    view = review_of(window, folder)
    view.select_outputs(view.model.outputs[:2])
    key(view, Qt.Key.Key_P)
    dest = tmp_path / "for the client"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(dest))
    view.export_button.click()
    qtbot.waitUntil(lambda: any(title == "Picks exported" for _, title, _ in answers), timeout=15000)
    text = next(text for _, title, text in answers if title == "Picks exported")
    assert "2 pick(s)" in text and "picks.csv" in text
    rows = list(csv.DictReader((dest / "picks.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [row["name"] for row in rows] == ["fox", "owl"]
    assert all((dest / row["file"]).is_file() for row in rows)
    assert (dest / "contact-sheet.png").is_file()
    assert json.loads((folder / "manifest.json").read_text())  # still readable after the flush


def test_any_folder_opens_from_the_file_menu_and_a_plain_folder_says_why(qtbot, window, folder, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    assert window.review_mode.act_folder.isEnabled()
    window.review_mode.act_folder.trigger()
    assert window.review_mode.view.folder == folder and len(window.review_mode.view.model.outputs) == 7
    empty = tmp_path / "nothing here"
    empty.mkdir()
    assert not window.review_mode.show_review(empty)
    view = window.review_mode.view
    assert view.stack.currentWidget() is view.placeholder and "not a batch folder" in view.placeholder.text()


def test_a_video_tile_scrubs_with_the_mouse(qtbot, window, folder):
    from app.ui.thumbcache import SCRUB_FRAMES

    view = review_of(window, folder)
    row = next(r for r, o in enumerate(view.model.outputs) if o.is_video)
    video = view.model.outputs[row]
    view.grid.scrollTo(view.model.index(row))
    rect = view.grid.visualRect(view.model.index(row))
    QTest.mouseMove(view.grid.viewport(), rect.center())
    assert view.grid.scrub_at is not None and view.grid.scrub_at[0] == row
    qtbot.waitUntil(lambda: view.loader.scrub(video.file, view.model.tile) is not None, timeout=10000)
    frames = view.loader.scrub(video.file, view.model.tile)
    assert len(frames) == SCRUB_FRAMES
    first, last = frames[0].toImage(), frames[-1].toImage()
    assert first != last  # different moments of the clip
    still = next(r for r, o in enumerate(view.model.outputs) if not o.is_video)
    QTest.mouseMove(view.grid.viewport(), view.grid.visualRect(view.model.index(still)).center())
    assert view.grid.scrub_at is None
