"""The window's batches run in a child process (app/cli/batch_child.py, app/ui/batchchild.py): the
events cross the pipe unchanged, the controls reach the runner, and a child whose window goes
away detaches instead of cancelling."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine.run.childproto import DETACHED_REASON, ChildConfig, decode_event, encode_event, model_document
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.planning import plan_batch
from app.engine.atlas.pricing import ESTIMATE, QUOTE, Cost
from app.engine.run.records import JobState, RunEvent
from app.engine.run.runner import Limits, TimeLimits
from app.engine.run.store import JobStore
from app.sim import DEMO_KEY, SimServer
from app.ui.backend import Backend
from app.ui.batchchild import LOG_NAME, ChildRunner, child_command
from app.ui import batchchild
from app.ui.controller import BATCH_PROCESS_LOST, BATCH_PROCESS_NOT_STARTED
from app.ui.settings import AppSettings
from app.ui.window import MainWindow
from tests.fakes.clock import ManualClock

FLUX = "black-forest-labs/flux-2-pro/text-to-image"
SEEDANCE = "bytedance/seedance-v1.5-pro-fast/text-to-video"


def test_events_round_trip_through_the_pipe_encoding():
    events = [
        RunEvent(kind="job", state="done", job_index=3, job_name="fox 😀", model=FLUX, message="", prediction_id="p-1",
                 request_id="r-9", progress=0.1 + 0.2, retrying=True, cost=Cost(Decimal("0.0375"), QUOTE, "per image"),
                 output_path="images/fox.png", error=None, timestamp=1717171717.123456789),
        RunEvent(kind="batch", state="paused", message='the spend cap of $2 would be crossed by "x"'),
        RunEvent(kind="job", state="failed", job_index=0, cost=Cost(Decimal("1.10"), ESTIMATE), error="boom"),
    ]
    for event in events:
        line = encode_event(event, ["a.png", "b.png"] if event.state == "done" else None)
        assert "\n" not in line
        document = json.loads(line)
        assert decode_event(document["event"]) == event
        assert str(decode_event(document["event"]).cost.amount) == str(event.cost.amount) if event.cost else True
    assert json.loads(encode_event(events[0], ["a.png", "b.png"]))["files"] == ["a.png", "b.png"]


def test_the_configuration_round_trips_and_never_holds_the_key(tmp_path):
    model = Catalog.snapshot().get(FLUX)
    config = ChildConfig(tmp_path / "out", 4, "http://127.0.0.1:9", True, "demo",
                         Limits(concurrency=3, time=TimeLimits(60.0, 600.0, {FLUX: 30.0}), max_spend=Decimal("2.50"),
                                daily_cap=Decimal("10")),
                         ledger_path=tmp_path / "spend-demo.json", timing_path=tmp_path / "timings.json",
                         timing_scale=0.05, paused_reason="paused for a test", held=(1, 2),
                         models=(model_document(model),))
    text = config.to_json()
    assert ChildConfig.from_json(text) == config
    assert DEMO_KEY not in text and "apikey" not in text


@pytest.fixture
def slow_window(qtbot, answers):
    """A window whose demo images take seconds, so controls land while jobs wait."""
    backend = Backend(demo=True, demo_speed=1.5)
    window = MainWindow(AppSettings(), backend)
    qtbot.addWidget(window, before_close_func=MainWindow.shutdown)
    window.show()
    yield window
    window.shutdown()
    backend.close()


def test_a_batch_in_the_app_runs_in_a_child_process(qtbot, window, tmp_path):
    window.set_output_dir(tmp_path / "out")
    window.jobs.insert([JobSpec("panels", "bytedance/seedream-v4.5/sequential",
                                {"prompt": "three panels", "max_images": 3}),
                        JobSpec("fox", FLUX, {"prompt": "a fox"})])
    window.costs.refresh_all()
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: isinstance(window.controller.runner, ChildRunner)
                    and window.controller.runner.process is not None, timeout=20000)
    runner = window.controller.runner
    assert runner.process.pid != os.getpid()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    # No engine thread ever ran in this process.
    assert not [thread.name for thread in threading.enumerate() if thread.name.startswith(("batch-job", "batch-run"))]
    assert runner.process.returncode == 0 and runner.log_path.is_file()
    rows = window.jobs.rows
    assert [row.state for row in rows] == ["done", "done"], [row.error for row in rows]
    assert len(rows[0].output_paths) == 3 and all(Path(path).is_file() for path in rows[0].output_paths)
    assert rows[1].output_paths == (rows[1].output_path,) and Path(rows[1].output_path).is_file()


def test_pause_hold_move_and_cancel_one_job_reach_the_child(qtbot, slow_window, tmp_path):
    window = slow_window
    window.settings.concurrency = 1
    window.set_output_dir(tmp_path / "out")
    window.jobs.insert([JobSpec(f"still {i}", FLUX, {"prompt": f"still {i}"}) for i in range(4)])
    window.costs.refresh_all()
    window.costs.wait()
    halted = []
    window.controller.halted.connect(lambda status, reason: halted.append((status, reason)))
    assert window.run_batch()
    qtbot.waitUntil(lambda: window.jobs.rows[0].state in ("submitted", "running"), timeout=20000)
    controller = window.controller
    controller.hold(3, True)
    controller.move(1, "bottom")
    controller.cancel(2)
    controller.pause()
    qtbot.waitUntil(lambda: not controller.running, timeout=30000)
    assert [row.state for row in window.jobs.rows] == ["done", "queued", "cancelled", "queued"]
    assert ("paused", "paused by the user") in halted
    stored = {job.position: job for job in controller.store.load()}
    assert stored[3].paused and not stored[1].paused
    assert stored[1].queue_order > max(stored[i].queue_order for i in (0, 2, 3))
    assert stored[2].state == JobState.CANCELLED and stored[2].prediction_id is None
    assert stored[1].prediction_id is None and stored[3].prediction_id is None  # nothing new was submitted


def test_the_in_process_runner_stays_selectable(qtbot, window, tmp_path):
    window.controller.in_process = True
    window.set_output_dir(tmp_path / "out")
    window.jobs.insert([JobSpec("fox", FLUX, {"prompt": "a fox"})])
    window.costs.refresh_all()
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    assert window.jobs.rows[0].state == "done" and Path(window.jobs.rows[0].output_path).is_file()
    assert not (tmp_path / "out" / ".batch-studio" / LOG_NAME).exists()  # no child was started


@pytest.fixture
def frozen_sim():
    """A simulator whose clock never moves: what is submitted stays running."""
    server = SimServer(port=0, clock=ManualClock()).start()
    yield server
    server.stop()


def stored_batch(folder: Path, server: SimServer, jobs: list[JobSpec]) -> ChildConfig:
    catalog = Catalog.snapshot()
    store = JobStore(folder)
    try:
        batch = store.new_batch(plan_batch(jobs, catalog))
    finally:
        store.close()
    return ChildConfig(folder, batch, server.base_url, True, "demo", Limits(concurrency=4), ledger_path=None,
                       timing_path=None, models=tuple(model_document(catalog.get(job.model)) for job in jobs))


def child_environment() -> dict[str, str]:
    return {**os.environ, "ATLASCLOUD_API_KEY": DEMO_KEY}


def test_the_child_detaches_when_its_input_closes(frozen_sim, tmp_path):
    folder = tmp_path / "out"
    config = stored_batch(folder, frozen_sim, [JobSpec(f"clip {i}", SEEDANCE, {"prompt": f"scene {i}", "duration": 4})
                                               for i in range(2)])
    child = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=child_environment())
    try:
        child.stdin.write(config.to_json() + "\n")
        child.stdin.flush()
        submitted = set()
        for line in child.stdout:
            event = decode_event(json.loads(line)["event"])
            if event.state == "submitted":
                submitted.add(event.job_index)
            if submitted == {0, 1}:
                break
        child.stdin.close()  # the window went away
        rest = [json.loads(line) for line in child.stdout]
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert rest[-1]["result"]["status"] == "stopped" and rest[-1]["result"]["reason"] == DETACHED_REASON
    assert not [doc for doc in rest if doc.get("event", {}).get("state") == "cancelled"]
    store = JobStore(folder)
    try:
        jobs = store.load()
    finally:
        store.close()
    assert [job.state for job in jobs] in ([JobState.SUBMITTED] * 2, [JobState.RUNNING] * 2,
                                           [JobState.SUBMITTED, JobState.RUNNING], [JobState.RUNNING, JobState.SUBMITTED])
    assert all(job.prediction_id for job in jobs)


def test_a_child_that_dies_says_so_and_the_store_keeps_its_work(frozen_sim, tmp_path):
    folder = tmp_path / "out"
    config = stored_batch(folder, frozen_sim, [JobSpec("clip", SEEDANCE, {"prompt": "scene", "duration": 4})])
    store = JobStore(folder)
    heard = []

    def on_event(event: RunEvent) -> None:
        heard.append(event)
        if event.state == "submitted":
            runner.process.kill()

    runner = ChildRunner(config, store=store, on_event=on_event, env=child_environment(),
                         lost_reason=BATCH_PROCESS_LOST, unstarted_reason=BATCH_PROCESS_NOT_STARTED)
    try:
        result = runner.run()
    finally:
        store.close()
    assert result.status == "stopped"
    assert result.reason.startswith("the batch process ended unexpectedly (exit code -9")
    assert [record.state for record in result.records] == [JobState.SUBMITTED]
    assert result.records[0].prediction_id == next(e.prediction_id for e in heard if e.state == "submitted")


def test_a_child_that_cannot_start_leaves_its_rows_queued_in_their_batch(qtbot, window, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    window.set_output_dir(folder)
    window.jobs.insert([JobSpec(f"fox {i}", FLUX, {"prompt": f"fox {i}"}) for i in range(2)])
    window.costs.refresh_all()
    window.costs.wait()
    missing = tmp_path / "gone" / "batch-studio"  # a broken install: the executable is not there
    controller = window.controller
    with monkeypatch.context() as patch, qtbot.waitSignal(controller.finished, timeout=20000) as finished:
        patch.setattr(batchchild, "child_command", lambda: [str(missing)])
        assert window.run_batch()
    result = finished.args[0]
    assert result.status == "stopped"
    assert result.reason == BATCH_PROCESS_NOT_STARTED.format(f"No such file or directory: {missing}")
    assert "could not start" in window.statusBar().currentMessage()
    assert "still queued in the folder" in window.statusBar().currentMessage()
    assert controller.batch is not None
    assert [row.batch_key for row in window.jobs.rows] == [(folder, controller.batch, 0), (folder, controller.batch, 1)]
    assert [row.state for row in window.jobs.rows] == ["queued", "queued"]
    assert [job.state for job in controller.store.load(controller.batch)] == [JobState.QUEUED] * 2
    # Once the child can start, Run continues the stored batch and its events reach these rows.
    assert window.run_batch()
    qtbot.waitUntil(lambda: not controller.running, timeout=30000)
    assert [row.state for row in window.jobs.rows] == ["done", "done"], [row.error for row in window.jobs.rows]
    assert len(controller.store.load()) == 2  # the same batch ran: nothing was stored twice


def test_a_batch_that_fails_after_it_was_stored_keeps_its_rows_in_it(qtbot, window, tmp_path, monkeypatch):
    def broken(self):
        raise RuntimeError("boom")

    folder = tmp_path / "out"
    window.set_output_dir(folder)
    window.jobs.insert([JobSpec("fox", FLUX, {"prompt": "a fox"})])
    window.costs.refresh_all()
    window.costs.wait()
    monkeypatch.setattr(ChildRunner, "run", broken)
    with qtbot.waitSignal(window.controller.finished, timeout=20000) as finished:
        assert window.run_batch()
    assert finished.args[0].reason == "the batch stopped on an internal error: RuntimeError: boom"
    assert window.jobs.rows[0].batch_key == (folder, window.controller.batch, 0)
    assert window.controller.session_unfinished(folder)  # Run continues it rather than storing it again
