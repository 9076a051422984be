"""Promote in the app: picked drafts re-rendered on their final tier from review mode, priced
and confirmed first, linked to their drafts, compared side by side, and the saving shown."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.ladders import build_ladders
from app.engine.jobs.draft import draft_jobs, finals_meta_key, finals_to_json
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.run.store import JobStore
from tests.fakes.runs import new_runner
from tests.fakes.simclient import instant_sim


def written() -> list[JobSpec]:
    return [JobSpec("fox", "google/imagen4-ultra", {"prompt": "a red fox in snow", "seed": 7}),
            JobSpec("owl", "google/imagen4-ultra", {"prompt": "an owl at night", "seed": 8}),
            JobSpec("hare", "google/imagen4-ultra", {"prompt": "a hare at dawn", "seed": 9}),
            JobSpec("waves", "bytedance/seedance-v1.5-pro/text-to-video",
                    {"prompt": "waves at dusk", "duration": 8, "resolution": "480p"})]


@pytest.fixture(scope="module")
def made_drafts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drafts") / "batch"
    catalog = Catalog.snapshot()
    drafts = draft_jobs(written(), catalog, build_ladders(catalog))
    with instant_sim() as (server, client, options):
        store = JobStore(folder)
        try:
            runner = new_runner([d.draft for d in drafts], catalog, folder, mode="demo", store=store, client=client,
                                **options)
            store.set_meta(finals_meta_key(1), finals_to_json(drafts))
            result = runner.run()
        finally:
            store.close()
    assert all(record.state == JobState.DONE for record in result.records)
    return folder


@pytest.fixture
def folder(made_drafts, tmp_path):
    copy = tmp_path / "batch"
    shutil.copytree(made_drafts, copy)
    return copy


def test_promote_picks_from_review_mode_with_the_key(qtbot, window, folder, answers):
    mode = window.review_mode
    assert mode.show_review(folder)
    view, promoter = mode.view, mode.promoter
    assert promoter.saving.isVisible() and "saved $" in promoter.saving.text()
    assert not promoter.button.isEnabled()  # nothing picked yet
    view.select_outputs([o for o in view.model.outputs if o.item.name in ("fox", "waves")])
    QTest.keyClick(view.grid, Qt.Key.Key_P)
    assert promoter.button.isEnabled()
    window.budget.setValue(0)  # no cap
    QTest.keyClick(view.grid, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: any(title == "Promote" for _, title, _ in answers), timeout=15000)
    question = next(text for kind, title, text in answers if title == "Promote")
    assert "Render 2 final(s) for" in question
    qtbot.waitUntil(lambda: not window.controller.running and len(view.model.outputs) == 6
                    and all(o.file is not None for o in view.model.outputs), timeout=30000)
    with _Closing(JobStore(folder)) as store:
        jobs, links = store.load(), store.links()
    finals = {job.spec.name: job for job in jobs[4:]}
    assert set(finals) == {"fox (final 1)", "waves (final 1)"}
    assert finals["fox (final 1)"].spec.model == "google/imagen4-ultra"
    assert finals["fox (final 1)"].spec.inputs == {"prompt": "a red fox in snow", "seed": 7}
    assert finals["waves (final 1)"].spec.model == "bytedance/seedance-v1.5-pro/text-to-video"
    assert finals["waves (final 1)"].spec.inputs["duration"] == 8
    assert all(job.state == JobState.DONE for job in jobs)
    assert {(link.kind, link.origin_name) for link in links.values()} == {("promote", "fox"), ("promote", "waves")}
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    linked = {entry["name"]: entry["link"] for entry in document["results"] if entry["link"]}
    assert linked["fox (final 1)"] == {"kind": "promote", "original": {"batch": 1, "position": 0, "name": "fox"}}

    # A final chosen alone is compared with its draft, side by side.
    final = next(o for o in view.model.outputs if o.item.name == "fox (final 1)")
    view.select_outputs([final])
    assert view.compare_button.isEnabled()
    dialog = view.compare_selected()
    assert dialog is not None
    assert [o.item.name for o in view.compare_outputs([final])] == ["fox", "fox (final 1)"]
    dialog.close()
    promoter.update()
    assert "2 final(s)" in promoter.saving.text()


def test_promote_over_budget_is_refused_before_anything_is_queued(qtbot, window, folder, answers):
    mode = window.review_mode
    assert mode.show_review(folder)
    view = mode.view
    view.select_outputs(view.model.outputs[:3])
    QTest.keyClick(view.grid, Qt.Key.Key_P)
    window.budget.setValue(float(view.session.spent) + 0.01)
    assert mode.promoter.promote_picks()
    qtbot.waitUntil(lambda: not view._busy, timeout=15000)
    title, text = answers[-1][1:]
    assert title == "Over budget" and "Nothing was queued" in text
    store = JobStore(folder)
    try:
        assert len(store.load()) == 4
    finally:
        store.close()


class _Closing:
    def __init__(self, store):
        self.store = store

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()
