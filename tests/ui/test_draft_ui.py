"""Draft mode in the window: the toolbar switch, both prices per row and in total, a batch run
on the cheapest tiers with the finals kept for Promote, and the job set's draft key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolBar

from app.engine.jobs import jobset
from app.engine.jobs.draft import finals_from_json, finals_meta_key
from app.engine.jobs.spec import JobSpec
from app.engine.run.store import JobStore
from app.ui.tablemodel import COST

ULTRA = "google/imagen4-ultra"
FLUX = "black-forest-labs/flux-2-pro/text-to-image"


def test_draft_mode_runs_the_cheapest_tier_and_shows_both_prices(qtbot, window, tmp_path):
    toolbar = window.findChild(QToolBar, "main_toolbar")
    assert window.draft_mode.action in toolbar.actions()
    window.set_output_dir(tmp_path / "out")
    window.jobs.insert([JobSpec("fox", ULTRA, {"prompt": "a red fox", "seed": 5}),
                        JobSpec("kite", FLUX, {"prompt": "a kite"})])
    window.costs.refresh_all()
    window.costs.wait()
    cost = lambda row: window.model.index(row, COST).data(Qt.ItemDataRole.DisplayRole)  # noqa: E731
    assert cost(0).startswith("≈$0.06")
    window.draft_mode.action.trigger()
    assert window.draft_mode.enabled
    assert cost(0) == "$0.02 draft · $0.06 final"
    assert cost(1) == "$0.04 · no cheaper tier: runs as itself"
    assert window.status_total.text() == "total ≈$0.06 draft · ≈$0.10 final"

    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    assert all(job.state == "done" for job in window.jobs.rows)
    assert "2 draft(s) $0.06 + 0 final(s) $0.00" in window.statusBar().currentMessage()
    assert "saved $0.04, 40%" in window.statusBar().currentMessage()
    store = JobStore(tmp_path / "out")
    try:
        jobs = store.load()
        finals = finals_from_json(store.meta(finals_meta_key(jobs[0].batch)))
    finally:
        store.close()
    assert [job.spec.model for job in jobs] == ["google/imagen4-fast", FLUX]
    assert jobs[0].spec.inputs["seed"] == 5 and finals[0].model == ULTRA
    assert window.jobs.rows[0].spec.model == ULTRA  # the row keeps the job as written
    assert cost(0) == "$0.02 draft · $0.06 final"


def test_the_switch_follows_and_saves_the_job_sets_draft_key(qtbot, window, tmp_path):
    path = tmp_path / "drafts.yaml"
    path.write_text("schema_version: 2\ndraft: true\njobs:\n  - {name: fox, model: google/imagen4-ultra, "
                    "inputs: {prompt: a fox}}\n", encoding="utf-8")
    assert window.open_document(path)
    assert window.draft_mode.enabled
    saved = tmp_path / "saved.yaml"
    assert window._write(saved, adopt=False)
    assert jobset.load(saved).draft is True
    window.draft_mode.set_enabled(False)
    assert window._write(saved, adopt=False)
    assert jobset.load(saved).draft is False
