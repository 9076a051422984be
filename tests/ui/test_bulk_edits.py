"""Bulk edits on a big job list: selection as ranges, one step of undo for an edit of every row,
undo snapshots that share unchanged specs, totals summed only when a cost changed, and the
shape cache giving the answers a fresh check gives."""

from __future__ import annotations

from decimal import Decimal

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.pricing import ESTIMATE, QUOTE, Cost, PriceTable, summarize
from app.engine.jobs.checks import ShapeChecks
from app.engine.jobs.spec import JobSpec, validate_job
from app.ui.joblist import JobList
from app.ui.tablemodel import JobTableModel

MODELS = ("google/imagen4", "black-forest-labs/flux-2-pro/text-to-image",
          "bytedance/seedance-v1.5-pro-fast/text-to-video")


def many(count: int) -> list[JobSpec]:
    return [JobSpec(f"row {i}", MODELS[i % len(MODELS)], {"prompt": f"scene {i}"}) for i in range(count)]


def test_the_model_tester_passes_through_bulk_edits_and_restores(qtmodeltester, qtbot):
    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(many(6))
    before = jobs.snapshot()
    jobs.set_specs([1, 3], [JobSpec("one", MODELS[0]), JobSpec("three", MODELS[1])])
    qtmodeltester.check(model)
    after = jobs.snapshot()
    jobs.remove([0])
    jobs.restore(before)
    qtmodeltester.check(model)
    assert [row.spec.name for row in jobs.rows] == [f"row {i}" for i in range(6)]
    jobs.restore(after)
    assert [jobs.rows[1].spec.name, jobs.rows[3].spec.name] == ["one", "three"] and len(jobs) == 6


def test_a_snapshot_shares_specs_and_survives_later_edits():
    jobs = JobList()
    jobs.replace_all(many(3))
    before = jobs.snapshot()
    assert all(spec is row.spec for spec, row in zip(before.specs, jobs.rows))
    jobs.set_spec(0, JobSpec("renamed", MODELS[0], {"prompt": "new"}))
    jobs.restore(before)
    assert jobs.rows[0].spec.name == "row 0" and jobs.rows[0].spec.inputs == {"prompt": "scene 0"}


def test_cost_version_moves_with_every_change_that_may_change_a_cost():
    jobs = JobList()
    seen = [jobs.cost_version]

    def moved() -> bool:
        seen.append(jobs.cost_version)
        return seen[-1] != seen[-2]

    jobs.replace_all(many(4))
    assert moved()
    jobs.rows[1].cost = Cost(Decimal("0.04"), ESTIMATE)
    jobs.changed(1)
    assert moved()
    jobs.rows[1].state = "running"
    jobs.changed(1)
    assert not moved()  # a batch's progress changes no price: the totals are not summed again
    jobs.insert(many(1))
    assert moved()
    before = jobs.snapshot()
    jobs.remove([0])
    assert moved()
    jobs.restore(before)
    assert moved()
    edited = jobs.snapshot()
    jobs.set_spec(1, JobSpec("renamed", MODELS[0]))
    assert moved()
    jobs.restore(edited)  # the same rows, one spec put back
    assert moved()
    jobs.restore(jobs.snapshot())
    assert not moved()  # nothing happened: totals need not be summed again


def test_select_all_then_edit_every_row_is_one_undo_step(qtbot, window):
    window.jobs.replace_all(many(3000))
    window.costs.refresh_all()
    total = window.costs.summary().total
    window.table.selectAll()
    assert window.selected_rows() == list(range(3000))
    window._edit_field("prompt", "the same prompt")
    window._edit_subfolder("bulk")
    assert {row.spec.inputs["prompt"] for row in window.jobs.rows} == {"the same prompt"}
    assert {row.spec.output_subfolder for row in window.jobs.rows} == {"bulk"}
    assert window.costs.summary().total == total  # the prompt never changes a price
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert [row.spec.inputs["prompt"] for row in window.jobs.rows[:3]] == ["scene 0", "scene 1", "scene 2"]
    assert {row.spec.output_subfolder for row in window.jobs.rows} == {None}
    assert window.selected_rows() == list(range(3000))  # the selection outlives the undo


def test_select_rows_takes_runs_and_gaps(qtbot, window):
    window.jobs.replace_all(many(50))
    window.select_rows([3, 4, 5, 9, 20, 21, 49])
    assert window.selected_rows() == [3, 4, 5, 9, 20, 21, 49]
    window.select_rows([])
    assert window.selected_rows() == []


def test_an_edit_of_many_rows_leaves_the_undo_copy_alone(qtbot, window):
    window.jobs.replace_all(many(10))
    window.select_rows(range(10))
    window._edit_field("seed", 7)
    window.undo_stack.undo()
    assert all("seed" not in row.spec.inputs for row in window.jobs.rows)
    window.undo_stack.redo()
    assert all(row.spec.inputs["seed"] == 7 for row in window.jobs.rows)


def _checks() -> tuple[ShapeChecks, Catalog]:
    catalog = Catalog.snapshot()
    return ShapeChecks(catalog, PriceTable.load()), catalog


def test_shape_cache_gives_what_a_fresh_check_gives():
    checks, catalog = _checks()
    specs = [
        JobSpec("a", "google/imagen4", {"prompt": "a cat"}),
        JobSpec("b", "google/imagen4", {"prompt": "a dog"}),  # same shape as a
        JobSpec("c", "google/imagen4", {"prompt": 5}),  # a number is not text: its own shape
        JobSpec("d", "google/imagen4", {"prompt": "x", "aspect_ratio": "99:1"}),
        JobSpec(" ", "google/imagen4", {"prompt": "x"}),  # an empty name is a problem of its own
        JobSpec("e", "google/imagen4", {"prompt": "x"}, output_subfolder="../up"),
        JobSpec("f", "google/imagen4", {"prompt": "x", "promt": "typo"}),
        JobSpec("g", "bytedance/seedance-v1.5-pro-fast/text-to-video", {"prompt": "x", "duration": 4}),
        JobSpec("h", "bytedance/seedance-v1.5-pro-fast/text-to-video", {"prompt": "x", "duration": 4.0}),
        JobSpec("i", "bytedance/seedance-v1.5-pro-fast/text-to-video", {"prompt": "x", "duration": True}),
        # A rule ties resolution to duration: both stay in the shape, the prompt need not.
        JobSpec("j", "google/veo3.1-fast/text-to-video", {"prompt": "x", "resolution": "4k", "duration": 4}),
        JobSpec("k", "google/veo3.1-fast/text-to-video", {"prompt": "y", "resolution": "4k", "duration": 8}),
        JobSpec("l", "google/veo3.1-fast/text-to-video", {"prompt": "z", "resolution": "720p", "duration": 4}),
    ]
    for _ in range(2):  # the second pass comes from the cache
        for spec in specs:
            assert checks.problems(spec) == [p.message for p in validate_job(spec, catalog)], spec.name
    assert checks.problems(specs[2]) and checks.problems(specs[3]) and checks.problems(specs[4])
    assert not checks.problems(specs[0]) and not checks.problems(specs[1])
    assert checks.problems(specs[10]) and not checks.problems(specs[11]) and not checks.problems(specs[12])


def test_shape_cache_never_keeps_a_local_file_answer(tmp_path):
    checks, catalog = _checks()
    model = next(m for m in catalog.models.values() if m.image_fields())
    picture = tmp_path / "start.png"
    spec = JobSpec("a", model.model_id, {"prompt": "x", model.image_fields()[0]: str(picture)})
    missing = checks.problems(spec)
    assert any("start.png" in message for message in missing)
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert checks.problems(spec) == [p.message for p in validate_job(spec, catalog)]
    assert not any("start.png" in message for message in checks.problems(spec))


def test_shape_cache_prices_like_the_price_table():
    checks, catalog = _checks()
    prices = PriceTable.load()
    for spec in many(9) + [JobSpec("v", MODELS[2], {"prompt": "x", "duration": 10})]:
        model = catalog.get(spec.model)
        key, cost = checks.price(spec, model)
        assert cost == prices.estimate(model, spec.inputs)
        assert isinstance(key, str) and cost.amount > Decimal(0)
    long = checks.price(JobSpec("v", MODELS[2], {"prompt": "x", "duration": 10}), catalog.get(MODELS[2]))[1]
    short = checks.price(JobSpec("v", MODELS[2], {"prompt": "y", "duration": 5}), catalog.get(MODELS[2]))[1]
    assert long.amount > short.amount


def test_a_long_lists_status_bar_follows_its_changes(qtbot, window):
    def jobs_shown() -> str:
        return "".join(c for c in window.status_jobs.text() if c.isdigit())

    window.jobs.replace_all(many(5))
    assert jobs_shown() == "5"  # a short list: at once
    window.jobs.replace_all(many(2500))
    window.costs.refresh_all()
    qtbot.waitUntil(lambda: jobs_shown() == "2500")
    window.jobs.remove([0])
    qtbot.waitUntil(lambda: jobs_shown() == "2499")


def test_shape_cache_reads_a_prompts_length_against_its_limits():
    checks, catalog = _checks()
    model = catalog.get("google/imagen4")
    limit = model.properties["prompt"].get("maxLength")
    assert isinstance(limit, int)
    for prompt in ("", "a", "b", "x" * (limit + 1), "y" * (limit + 1), "z" * (limit + 7)):
        spec = JobSpec("a", model.model_id, {"prompt": prompt})
        assert checks.problems(spec) == [p.message for p in validate_job(spec, catalog)], len(prompt)
    assert checks.problems(JobSpec("a", model.model_id, {"prompt": ""}))
    assert len({checks._problem_key(JobSpec("a", model.model_id, {"prompt": f"scene {i}"})) for i in range(100)}) == 1


def test_undo_of_an_edit_keeps_the_rows_and_rechecks_only_the_changed(qtbot, qtmodeltester, window):
    window.jobs.replace_all(many(40))
    window.costs.refresh_all()
    window.select_rows(range(10, 20))
    window._edit_field("prompt", "")  # an empty prompt is a problem of the edited rows only
    assert all(window.jobs.rows[r].problems for r in range(10, 20))
    checked, resets, changed = [], [], []
    problems = window.costs.checks.problems
    window.costs._checks.problems = lambda spec: checked.append(spec.name) or problems(spec)
    window.model.modelAboutToBeReset.connect(lambda: resets.append(True))
    window.model.dataChanged.connect(lambda first, last, *_: changed.append((first.row(), last.row())))
    window.undo_stack.undo()
    assert not resets and sorted(checked) == sorted(f"row {r}" for r in range(10, 20))
    assert not any(window.jobs.rows[r].problems for r in range(40))
    qtbot.waitUntil(lambda: bool(changed))
    assert all(first <= 19 and last >= 10 for first, last in changed)
    assert window.selected_rows() == list(range(10, 20))
    qtmodeltester.check(window.model)
    checked.clear()
    window.undo_stack.redo()
    assert not resets and len(checked) == 10 and all(window.jobs.rows[r].problems for r in range(10, 20))


def test_undo_of_a_delete_rechecks_the_rows_chained_to_it(qtbot, window):
    specs = many(5)
    specs[4] = JobSpec("chained", "bytedance/seedance-v1.5-pro-fast/image-to-video", {"prompt": "x"},
                       image_from="row 0")
    window.jobs.replace_all(specs)
    window.costs.refresh_all()
    assert not any("no job has that name" in p for p in window.jobs.rows[4].problems)
    window.select_rows([0])
    window.delete_selected()
    assert any("no job has that name" in p for p in window.jobs.rows[3].problems)
    window.undo_stack.undo()
    assert len(window.jobs) == 5 and window.jobs.rows[0].spec.name == "row 0"
    assert not any("no job has that name" in p for p in window.jobs.rows[4].problems)


def brute_tally(jobs: JobList) -> tuple:
    states: dict[str, int] = {}
    for row in jobs.rows:
        states[row.state] = states.get(row.state, 0) + 1
    spent = sum((row.cost.amount for row in jobs.rows
                 if row.prediction_id and row.cost is not None and row.state != "failed"), Decimal(0))
    active = frozenset(index for index, row in enumerate(jobs.rows) if row.is_active)
    return states, spent, sum(1 for row in jobs.rows if row.spec.image_from), active


def brute_costs(jobs: JobList):
    priced = [row for row in jobs.rows if row.cost is not None]
    return summarize([row.spec.model for row in priced], [row.cost for row in priced])


def test_the_running_tally_agrees_with_a_full_count_through_a_batch_and_edits():
    """The status bar reads counts kept row by row (a 50,000-row batch must not be walked on every
    refresh); after any mix of events and structural edits they equal a count from scratch."""
    import random

    from app.engine.run.records import RunEvent

    shuffle = random.Random(20)
    jobs = JobList()
    jobs.replace_all(many(40) + [JobSpec("child", MODELS[0], {"prompt": "x"}, image_from="row 0")])
    prices = [Cost(Decimal("0.05"), ESTIMATE), Cost(Decimal("0.04"), QUOTE), Cost(Decimal("1.20"), QUOTE)]
    for step in range(400):
        price = shuffle.choice(prices)
        row = shuffle.randrange(len(jobs))
        action = shuffle.random()
        if action < 0.7:
            state = shuffle.choice(["submitting", "submitted", "running", "downloading", "done", "failed",
                                    "needs_attention", "queued"])
            jobs.apply_event(row, RunEvent(kind="job", state=state, job_index=row, cost=price,
                                           prediction_id=f"p{step}" if state != "queued" else None))
        elif action < 0.8:
            jobs.insert(many(2), at=row)
        elif action < 0.9:
            jobs.remove([row])
        else:
            jobs.move([row], shuffle.randrange(len(jobs)))
        if step % 7 == 0:
            tally = jobs.tally()
            assert (dict(+tally.states), tally.spent, tally.chained, tally.active) == brute_tally(jobs)
            assert jobs.cost_summary() == brute_costs(jobs)
    assert jobs.cost_summary() == brute_costs(jobs)
    tally = jobs.tally()
    assert (dict(+tally.states), tally.spent, tally.chained, tally.active) == brute_tally(jobs)
    assert tally.count("done", "failed") == brute_tally(jobs)[0].get("done", 0) + brute_tally(jobs)[0].get("failed", 0)


def test_a_bulk_change_moves_the_cost_version_only_for_a_price():
    jobs = JobList()
    jobs.replace_all(many(300))
    version = jobs.cost_version
    for row in jobs.rows:
        row.state = "queued"
    jobs.changed_rows(list(range(300)))  # a batch starting: every row at once
    tally = jobs.tally()
    assert tally.count("queued") == 300 and jobs.cost_version == version
    for row in jobs.rows[:100]:
        row.cost, row.prediction_id, row.state = Cost(Decimal("0.10"), ESTIMATE), "p", "submitted"
    jobs.changed_rows(list(range(100)))
    assert jobs.cost_version != version
    assert (dict(+jobs.tally().states), jobs.tally().spent) == brute_tally(jobs)[:2]
    assert jobs.tally().spent == Decimal("10.00")


def test_a_burst_reaches_the_status_counts_over_a_few_looks_and_exact_counts_at_once():
    from app.ui.joblist import SETTLE_ROWS

    jobs = JobList()
    jobs.replace_all(many(3 * SETTLE_ROWS))
    jobs.tally()
    for row in jobs.rows:
        row.state = "queued"
    jobs.changed_rows(list(range(len(jobs))))  # a big batch starting
    looks = [jobs.tally(exact=False).count("queued") for _ in range(4)]
    assert looks == [SETTLE_ROWS, 2 * SETTLE_ROWS, 3 * SETTLE_ROWS, 3 * SETTLE_ROWS]
    for row in jobs.rows[:10]:
        row.state = "done"
    jobs.changed_rows(list(range(10)))
    assert jobs.tally().count("done") == 10  # what a finished batch reports is exact
