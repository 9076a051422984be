"""Draft mode in the window: the toolbar switch, both prices per row and in total, a batch run
on the cheapest tiers with the finals kept for Promote, and the job set's draft key."""

from __future__ import annotations

import pytest
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
    qtbot.waitUntil(lambda: "draft(s)" in window.statusBar().currentMessage())  # worked out on a pool thread
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


def brute_draft_totals(draft_mode, rows):
    drafts = finals = 0
    for job in rows:
        found = draft_mode._keyed_draft(job.spec) if job.cost is not None else None
        figures = None if found is None else draft_mode._figures(job, *found)  # priced afresh, no row memory
        if figures is not None:
            drafts, finals = drafts + figures[0], finals + figures[1]
    return drafts, finals


def test_draft_totals_kept_row_by_row_agree_with_a_fresh_sum_through_a_batch_and_edits(window):
    """The status bar's draft and final totals re-read only the rows changed since the last look
    (a walk of 50,000 rows took 40 ms a refresh); after any mix of events and edits they equal a
    sum from scratch."""
    import random
    from decimal import Decimal

    from app.engine.atlas.pricing import ESTIMATE, QUOTE, Cost
    from app.engine.run.records import RunEvent

    shuffle = random.Random(7)
    kinds = [(ULTRA, {"seed": 5}), (FLUX, {}), ("google/imagen4", {})]
    made = lambda n: [JobSpec(f"job {shuffle.random():.6f}", model, {"prompt": f"p{i}", **extra})  # noqa: E731
                      for i, (model, extra) in enumerate(shuffle.choice(kinds) for _ in range(n))]
    window.jobs.insert(made(30))
    window.costs.refresh_all()
    window.costs.wait()
    window.draft_mode.set_enabled(True)
    assert window.draft_mode.totals() == brute_draft_totals(window.draft_mode, window.jobs.rows)
    prices = [Cost(Decimal("0.05"), ESTIMATE), Cost(Decimal("0.02"), QUOTE), Cost(Decimal("0.80"), QUOTE)]
    for step in range(300):
        jobs, row = window.jobs, shuffle.randrange(len(window.jobs))
        action = shuffle.random()
        if action < 0.7:
            state = shuffle.choice(["queued", "submitting", "running", "done", "failed", "ready"])
            jobs.apply_event(row, RunEvent(kind="job", state=state, job_index=row, cost=shuffle.choice(prices)))
        elif action < 0.8:
            jobs.insert(made(2), at=row)
        elif action < 0.9:
            jobs.remove([row])
        else:
            jobs.move([row], shuffle.randrange(len(jobs)))
        if step % 5 == 0:
            assert window.draft_mode.totals() == brute_draft_totals(window.draft_mode, jobs.rows), step
    assert window.draft_mode.totals() == brute_draft_totals(window.draft_mode, window.jobs.rows)
    assert "draft" in window.status_total.text()


def test_while_a_batch_runs_a_burst_reaches_the_draft_totals_over_a_few_looks(window, monkeypatch):
    from decimal import Decimal

    from app.engine.atlas.pricing import QUOTE, Cost
    from app.engine.run.records import RunEvent
    from app.ui import draftmode

    window.jobs.insert([JobSpec(f"fox {i}", ULTRA, {"prompt": f"fox {i}"}) for i in range(30)])
    window.costs.refresh_all()
    window.costs.wait()
    window.draft_mode.set_enabled(True)
    before = window.draft_mode.totals()
    monkeypatch.setattr(draftmode, "SETTLE_ROWS", 8)
    for row in range(30):  # every job ran on the draft tier at $0.01
        window.jobs.apply_event(row, RunEvent(kind="job", state="done", job_index=row,
                                              cost=Cost(Decimal("0.01"), QUOTE)))
    looks = [window.draft_mode.totals(exact=False) for _ in range(4)]
    assert len({before, *looks}) == 5  # 8, 16, 24 and then all 30 rows read
    assert looks[3] == window.draft_mode.totals() == brute_draft_totals(window.draft_mode, window.jobs.rows)
    assert looks[3][0] == Decimal("0.30")


def test_a_draft_batch_is_drafted_in_slices_or_on_the_pool_with_the_same_result(qtbot, window, tmp_path, monkeypatch):
    """With every schema loaded the window drafts the batch a slice at a time (a pool thread
    drafting 50,000 jobs held the interpreter lock against the table); otherwise on the pool.
    Either way the same drafts run and the same finals are kept."""
    results = {}
    for path in ("slices", "pool"):
        with monkeypatch.context() as patch:
            if path == "pool":
                patch.setattr(window.draft_mode, "drafts_ready", lambda models: False)
            else:
                patch.setattr(window.draft_mode, "prepare", lambda specs: pytest.fail("drafted on the pool"))
            window.jobs.replace_all([JobSpec(f"fox {i}", ULTRA, {"prompt": f"a red fox {i}", "seed": i})
                                     for i in range(70)] + [JobSpec("kite", FLUX, {"prompt": "a kite"})])
            window.costs.refresh_all()
            window.costs.wait()
            window.draft_mode.set_enabled(True)
            window.set_output_dir(tmp_path / path)
            assert window.run_batch()
            qtbot.waitUntil(lambda: not window.controller.running, timeout=60000)
        assert all(job.state == "done" for job in window.jobs.rows)
        store = JobStore(tmp_path / path)
        try:
            jobs = store.load()
            finals = finals_from_json(store.meta(finals_meta_key(jobs[0].batch)))
        finally:
            store.close()
        results[path] = ([(job.spec.name, job.spec.model, job.spec.inputs) for job in jobs], finals)
    assert results["slices"] == results["pool"]
    ran, finals = results["slices"]
    assert {model for _, model, _ in ran} == {"google/imagen4-fast", FLUX}
    assert len(finals) == 71 and finals[64].model == ULTRA and finals[70].model == FLUX
