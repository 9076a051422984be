"""The simulator's hidden time factor and its queue: what the client cannot see, it must learn."""

from __future__ import annotations

import pytest

from app.sim import FaultPlan
from app.sim.state import expected_seconds
from tests.sim.test_faults import IMAGE, submit


def _task(sim, prompt: str):
    return sim.state.get_task(submit(sim, {**IMAGE, "prompt": prompt}).json()["data"]["id"])


@pytest.mark.parametrize("factor", [0.25, 4.0])
def test_the_time_factor_scales_every_task_and_no_reply_shows_it(make_sim, client, clock, factor):
    plain = make_sim(faults=FaultPlan(seed=1, duration_spread=0.0))
    scaled = make_sim(faults=FaultPlan(seed=1, duration_spread=0.0, time_factor=factor))
    for n in range(5):
        task = _task(scaled, f"lighthouse {n}")
        assert task.run_s == pytest.approx(factor * expected_seconds(task.model, task.body))
        assert _task(plain, f"lighthouse {n}").run_s == pytest.approx(expected_seconds(task.model, task.body))
    task = _task(scaled, "watched")
    clock.advance(task.run_s * 0.9)
    scaled.state.wait_media_idle()
    assert scaled.state.status(task)[0] == "processing"
    clock.advance(task.run_s * 0.11)
    assert scaled.state.status(task)[0] == "completed"


def test_a_queued_task_waits_in_starting_and_then_takes_its_usual_time(make_sim, clock):
    sim = make_sim(faults=FaultPlan(seed=2, duration_spread=0.0, queue_seconds=10.0))
    tasks = [_task(sim, f"queued {n}") for n in range(40)]
    waits = [task.wait_s for task in tasks]
    assert all(0.0 <= wait <= 10.0 for wait in waits) and max(waits) - min(waits) > 5.0  # spread out
    sim.state.wait_media_idle()
    task = max(tasks, key=lambda t: t.wait_s)
    assert task.run_s == pytest.approx(expected_seconds(task.model, task.body))  # the queue adds, never scales
    clock.advance(task.wait_s + task.queue_s - 0.01)
    assert sim.state.status(task)[0] == "starting"  # as the protocol's queued state
    clock.advance(0.02)
    assert sim.state.status(task)[0] == "processing"
    clock.advance(task.run_s - task.queue_s)
    assert sim.state.status(task)[0] == "completed"
    assert sim.state.completed_at(task) == pytest.approx(task.created_at + task.wait_s + task.run_s)


def test_the_queue_is_fixed_by_the_request_so_runs_repeat(make_sim):
    first = make_sim(faults=FaultPlan(seed=4, queue_seconds=10.0))
    second = make_sim(faults=FaultPlan(seed=4, queue_seconds=10.0))
    assert [_task(first, f"p{n}").wait_s for n in range(5)] == [_task(second, f"p{n}").wait_s for n in range(5)]


def test_a_doc_client_sees_the_queue_through_the_protocol(make_sim, make_client):
    sim = make_sim(faults=FaultPlan(seed=5, duration_spread=0.0, queue_seconds=10.0, time_factor=2.0))
    client = make_client(sim)
    created = client.submit({**IMAGE, "prompt": "seen through the API"}, "Image")
    task = sim.state.get_task(created["id"])
    statuses = []
    while not statuses or statuses[-1] != "completed":
        statuses.append(client.poll_once(created["id"]).status)
        client.sleep(0.5)
    assert statuses[0] == "starting" and "processing" in statuses
    assert statuses.count("starting") >= int((task.wait_s + task.queue_s) / 0.5) - 1


def test_the_command_line_takes_a_time_factor_and_a_queue():
    from app.sim.__main__ import build_parser
    args = build_parser().parse_args(["--time-factor", "0.25", "--queue-seconds", "10"])
    assert (args.time_factor, args.queue_seconds) == (0.25, 10.0)
    defaults = build_parser().parse_args([])
    assert (defaults.time_factor, defaults.queue_seconds) == (1.0, 0.0)
    for wrong in (["--time-factor", "0"], ["--time-factor", "x"], ["--queue-seconds", "-1"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(wrong)
