"""Learned generation times and the poll schedule, on a manual clock (nothing sleeps)."""

from __future__ import annotations

import json
import random
import threading

import pytest

from app.engine.catalog import Catalog
from app.engine.client import Prediction
from app.engine.jobs import JobSpec
from app.engine.runner import Limits
from app.engine.timing import (DEMO_SERVER, Expectation, Observation, PollSchedule, Spread, TimingModel,
                               history_path, server_identity, shape_of)
from tests.fakes.atlas import FakeAtlas
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner

FLUX = "black-forest-labs/flux-2-pro/text-to-image"
SEEDANCE_FAST = "bytedance/seedance-v1.5-pro-fast/text-to-video"
SEEDANCE_FAST_I2V = "bytedance/seedance-v1.5-pro-fast/image-to-video"
CLIP = {"duration": 6, "resolution": "720p"}


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


def precise(seconds: float, prior: float = 1.0, width: float = 0.2) -> Observation:
    """A finish seen by close polls ``width`` seconds apart, as a ratio to ``prior``."""
    return Observation((seconds - width / 2) / prior, (seconds + width / 2) / prior)


def polls_until(schedule: PollSchedule, finish: float, limit: int = 200) -> tuple[list[float], float]:
    """The poll times of one job finishing at ``finish`` and the lag of the poll that saw it."""
    elapsed, times = 0.0, []
    while len(times) < limit:
        elapsed += schedule.next_delay(elapsed)
        times.append(elapsed)
        if elapsed >= finish:
            return times, elapsed - finish
    raise AssertionError(f"no poll reached {finish} s in {limit} polls")


# --- the distribution ------------------------------------------------------------------------
def test_one_stalled_job_does_not_move_the_centre_or_widen_the_window():
    rng = random.Random(7)
    steady = [precise(20 * (0.95 + 0.1 * rng.random())) for _ in range(19)]
    without = Spread.of(steady)
    with_outlier = Spread.of(steady + [precise(200.0)])
    assert with_outlier.centre == pytest.approx(without.centre, rel=0.02)
    assert with_outlier.high == pytest.approx(without.high, rel=0.05)
    assert with_outlier.high < 23


def test_the_spread_covers_what_was_seen():
    rng = random.Random(3)
    durations = [20 * (0.9 + 0.2 * rng.random()) for _ in range(30)]
    spread = Spread.of([precise(d) for d in durations])
    assert spread.low <= sorted(durations)[1] and spread.high >= sorted(durations)[-2]
    assert spread.centre == pytest.approx(20, rel=0.05)
    assert spread.high - spread.low < 0.35 * spread.centre  # a window, not the whole prior's guess


def test_one_or_two_vague_finishes_are_not_enough_to_learn_from():
    vague = Observation(0.1, 0.9)  # done at the first close poll, seen running only at the early one
    assert not vague.precise
    assert Spread.of([vague]) is None and Spread.of([vague, vague]) is None
    assert Spread.of([vague, vague, vague]) is not None


def test_a_prior_twice_too_long_is_unlearned_within_two_batches(catalog):
    """Every job finishes before the close polls begin: the window moves by most of the way
    at once, not by a few per cent a batch."""
    model, inputs = catalog.get(FLUX), {"prompt": "p", "size": "1024*1024"}
    timing = TimingModel(rng=random.Random(5))
    actual = timing.prior(model, inputs) / 2
    rng = random.Random(1)
    for _batch in range(2):
        for _job in range(8):
            finish = actual * (0.95 + 0.1 * rng.random())
            times, _ = polls_until(timing.schedule(model, inputs), finish)
            timing.observe(model, inputs, times[-2] if len(times) > 1 else 0.0, times[-1])
    learned = timing.estimate(model, inputs)
    assert learned.low <= actual <= learned.high
    assert learned.centre == pytest.approx(actual, rel=0.1)


# --- per server ---------------------------------------------------------------------------------
def test_two_servers_never_share_what_they_learned(catalog, tmp_path):
    model, inputs = catalog.get(SEEDANCE_FAST), CLIP
    live = TimingModel.for_server(tmp_path, "https://api.atlascloud.ai")
    staging = TimingModel.for_server(tmp_path, "https://staging.example.test")
    demo = TimingModel.for_server(tmp_path, DEMO_SERVER)
    prior = live.prior(model, inputs)
    for _ in range(5):
        staging.observe(model, inputs, 2.0 * prior - 0.1, 2.0 * prior + 0.1)
        demo.observe(model, inputs, 0.5 * prior - 0.1, 0.5 * prior + 0.1)
    assert live.estimate(model, inputs).basis == "prior"
    assert TimingModel.for_server(tmp_path, "https://api.atlascloud.ai").estimate(model, inputs).basis == "prior"
    reopened = TimingModel.for_server(tmp_path, "https://staging.example.test")
    assert reopened.estimate(model, inputs).centre == pytest.approx(2.0 * prior, rel=0.01)
    assert len({path.name for path in tmp_path.glob("timing-*.json")}) == 2


def test_spellings_of_one_server_share_and_no_credentials_reach_the_file_name(tmp_path):
    assert server_identity("https://API.atlascloud.ai/") == server_identity("https://api.atlascloud.ai")
    assert server_identity("http://127.0.0.1:8001") != server_identity("http://127.0.0.1:8002")
    named = history_path(tmp_path, "https://user:secret@proxy.example.test")
    assert "secret" not in named.name and named == history_path(tmp_path, "https://proxy.example.test")


def test_an_older_history_file_is_ignored(catalog, tmp_path):
    path = history_path(tmp_path, "https://api.atlascloud.ai")
    path.write_text(json.dumps({"schema_version": 1, "ratios": {FLUX: 0.5}}), encoding="utf-8")
    timing = TimingModel(path)
    assert timing.estimate(catalog.get(FLUX), {"prompt": "p"}).basis == "prior"


def test_demo_time_is_stored_in_real_world_seconds(catalog, tmp_path):
    model, inputs = catalog.get(FLUX), {"prompt": "p"}
    fast = TimingModel(tmp_path / "t.json", scale=0.1)
    fast.observe(model, inputs, 0.79, 0.81)  # 8 s at ten times the speed
    for _ in range(3):
        fast.observe(model, inputs, 0.79, 0.81)
    assert TimingModel(tmp_path / "t.json", scale=1.0).estimate(model, inputs).centre == pytest.approx(8.0)


# --- the cold fallback chain -----------------------------------------------------------------------
def test_a_cold_key_borrows_from_other_shapes_then_the_family_then_the_prior(catalog):
    model, sibling = catalog.get(SEEDANCE_FAST), catalog.get(SEEDANCE_FAST_I2V)
    timing = TimingModel()
    short = {"duration": 4, "resolution": "720p"}
    assert timing.estimate(model, CLIP).basis == "prior"
    assert timing.estimate(model, CLIP).centre == pytest.approx(timing.prior(model, CLIP))

    prior = timing.prior(model, short)
    for _ in range(6):
        timing.observe(model, short, 0.8 * prior - 0.1, 0.8 * prior + 0.1)  # 20% quicker than the prior
    assert shape_of(model, short) != shape_of(model, CLIP)
    borrowed = timing.estimate(model, CLIP)
    assert borrowed.basis == "learned-other-shapes"
    assert borrowed.centre == pytest.approx(0.8 * timing.prior(model, CLIP), rel=0.02)  # scaled to this shape
    assert borrowed.low < 0.8 * borrowed.centre / 0.8 * 0.9  # borrowed learning keeps a wider window

    family = timing.estimate(sibling, {**CLIP, "image": "https://example.test/a.png"})
    assert family.basis == "learned-family"
    assert family.centre == pytest.approx(0.8 * timing.prior(sibling, CLIP), rel=0.02)
    assert timing.estimate(catalog.get(FLUX), {"prompt": "p"}).basis == "prior"


def test_the_shape_key_follows_what_changes_the_time(catalog):
    flux, video = catalog.get(FLUX), catalog.get(SEEDANCE_FAST)
    assert shape_of(flux, {"size": "1024*1024"}) != shape_of(flux, {"size": "2048*2048"})
    assert shape_of(flux, {"size": "1024*1024"}) == shape_of(flux, {"size": "1024*1000"})
    assert shape_of(video, {"duration": 4}) != shape_of(video, {"duration": 10})
    assert shape_of(video, {"duration": "5"}) == shape_of(video, {"duration": 5})
    assert TimingModel().prior(video, {"duration": "5s"}) == TimingModel().prior(video, {"duration": 5})


# --- the schedule --------------------------------------------------------------------------------
VIDEO = Expectation(centre=20.0, low=18.0, high=22.0, basis="learned", samples=30)
IMAGE = Expectation(centre=8.0, low=7.2, high=8.8, basis="learned", samples=30)


def test_the_first_poll_is_early_and_the_next_waits_for_the_window():
    times, _ = polls_until(PollSchedule.fixed(VIDEO), 20.0)
    assert times[0] == pytest.approx(2.0)  # min(2 s, 10% of 20 s)
    assert 18.0 < times[1] < 19.0
    times, _ = polls_until(PollSchedule.fixed(IMAGE), 8.0)
    assert times[0] == pytest.approx(0.8)
    assert 7.2 < times[1] < 7.8


def test_polls_per_job_where_it_finishes():
    at_centre, _ = polls_until(PollSchedule.fixed(VIDEO), 20.0)
    at_high_edge, _ = polls_until(PollSchedule.fixed(VIDEO), 22.0)
    far_past, lag = polls_until(PollSchedule.fixed(VIDEO), 120.0)
    narrow, _ = polls_until(PollSchedule.fixed(Expectation(20.0, 19.0, 21.0, "learned")), 20.0)
    assert len(narrow) <= 3  # the early poll, then one or two around the finish
    assert len(at_centre) <= 4
    assert len(at_high_edge) <= 7
    # Past the window the gaps widen (to 15% of the time elapsed): six times the expected time
    # costs about twenty polls, not the 130 of close polling, and is still noticed within 15%.
    assert len(far_past) <= 22 and lag <= 0.15 * 120


def test_a_finish_inside_the_window_is_noticed_within_5_percent_or_half_a_second():
    for expectation, bound in ((VIDEO, lambda x: 0.05 * x), (IMAGE, lambda x: 0.5)):
        for step in range(101):
            finish = expectation.low + (expectation.high - expectation.low) * step / 100
            _, lag = polls_until(PollSchedule.fixed(expectation), finish)
            assert lag <= bound(finish) + 1e-9, (expectation, finish, lag)


def test_gaps_respect_the_floor_and_the_ceiling():
    schedule = PollSchedule.fixed(Expectation(600.0, 500.0, 700.0, "learned"), floor=0.5, ceiling=30.0)
    times, _ = polls_until(schedule, 3000.0)
    gaps = [later - earlier for earlier, later in zip(times[2:], times[3:])]  # after the quiet wait
    assert max(gaps) <= 30.0 + 1e-9
    tiny, _ = polls_until(PollSchedule.fixed(Expectation(1.0, 0.9, 1.1, "learned"), floor=0.5), 5.0)
    assert tiny[0] == pytest.approx(0.5)
    assert all(later - earlier >= 0.5 - 1e-9 for earlier, later in zip(tiny, tiny[1:]))


def test_demo_time_scales_the_whole_schedule(catalog):
    model, inputs = catalog.get(SEEDANCE_FAST), CLIP
    real = polls_until(TimingModel(scale=1.0, rng=random.Random(1)).schedule(model, inputs), 21.0)[0]
    demo = polls_until(TimingModel(scale=0.1, rng=random.Random(1)).schedule(model, inputs), 2.1)[0]
    assert demo == pytest.approx([t / 10 for t in real])


def test_a_sibling_finishing_moves_the_window_of_jobs_in_flight(catalog):
    model, inputs = catalog.get(FLUX), {"prompt": "p"}
    timing = TimingModel()
    schedule = timing.schedule(model, inputs)
    schedule.next_delay(0.0)  # the early poll
    before = schedule.next_delay(1.0)
    for _ in range(4):
        timing.observe(model, inputs, 5.9, 6.1)  # the prior says 10 s; siblings took 6
    assert schedule.next_delay(1.0) < before - 1


# --- the runner follows the schedule and learns ---------------------------------------------------
class TimedAtlas(FakeAtlas):
    """Each task finishes a set time after its submit, on the test's clock."""

    def __init__(self, clock: ManualClock, seconds: float):
        super().__init__()
        self.clock, self.seconds = clock, seconds
        self.submitted_at: dict[str, float] = {}

    def submit(self, model_type, body):
        submission = super().submit(model_type, body)
        self.submitted_at[submission.prediction_id] = self.clock()
        return submission

    def poll(self, prediction_id):
        with self._lock:
            self.polls[prediction_id] += 1
        done = self.clock() - self.submitted_at[prediction_id] >= self.seconds
        outputs = (f"https://cdn.fake.test/{prediction_id}.png",) if done else ()
        return Prediction(prediction_id, "completed" if done else "processing", outputs, "", None, "req")


def test_the_runner_polls_near_the_finish_and_learns_from_it(catalog, tmp_path):
    clock = ManualClock()
    fake = TimedAtlas(clock, seconds=8.0)
    timing = TimingModel.for_server(tmp_path / "data", fake.base_url, rng=random.Random(2))
    lock = threading.Lock()

    def run(prompts):
        jobs = [JobSpec(p, FLUX, {"prompt": p, "size": "1024*1024"}) for p in prompts]
        with lock:
            return new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=1), client=fake, clock=clock,
                              sleep=clock.sleep, timing=timing).run()

    cold = run([f"cold {i}" for i in range(4)])
    assert all(r.state.value == "done" for r in cold.records)
    cold_polls = sum(fake.polls.values())
    assert cold_polls <= 5 * 4
    learned = timing.estimate(catalog.get(FLUX), {"prompt": "x", "size": "1024*1024"})
    assert learned.basis == "learned" and learned.centre == pytest.approx(8.0, rel=0.06)

    fake.polls.clear()
    run([f"warm {i}" for i in range(8)])
    assert sum(fake.polls.values()) <= 3 * 8


# --- what the targets allow (the engine bench's "fewest possible" row) ------------------------------
def test_fewest_polls_of_a_known_spread_rise_with_the_spread():
    from app.bench.engine import fewest_polls, fewest_polls_per_job
    assert fewest_polls(8.0, 0.0) == 2.0 and fewest_polls(21.0, 0.0) == 2.0  # early poll, then the finish
    # 16 images of 8 s and 8 clips of 21 s: 3 polls a job is within reach at +-5%, not at +-10%
    # even for a schedule that knows the spread exactly, so the warm target cannot hold there.
    assert fewest_polls_per_job(16, 8, 0.05) == pytest.approx(2.43, abs=0.01)
    assert fewest_polls_per_job(16, 8, 0.10) == pytest.approx(3.30, abs=0.01)
    # An 8 s image with +-10%: a 1.6 s window in 0.5 s steps is seen by close poll 1, 2, 3 or 4.
    assert fewest_polls(8.0, 0.10) == pytest.approx(1 + (0.5 * 1 + 0.5 * 2 + 0.5 * 3 + 0.1 * 4) / 1.6)


@pytest.mark.parametrize("centre, spread", [(8.0, 0.05), (8.0, 0.10), (21.0, 0.05), (21.0, 0.10)])
def test_no_schedule_meeting_the_lag_target_beats_the_fewest_polls(centre, spread):
    """The bound is a bound: the real schedule, told the spread exactly and with its best phase,
    spends at least as many polls on uniform finishes, and is within a poll of it."""
    from app.bench.engine import fewest_polls
    known = Expectation(centre, centre * (1 - spread), centre * (1 + spread), "learned", 30)
    finishes = [known.low + (known.high - known.low) * (step + 0.5) / 400 for step in range(400)]
    polls = [len(polls_until(PollSchedule.fixed(known, lead=1.0), finish)[0]) for finish in finishes]
    average = sum(polls) / len(polls)
    assert fewest_polls(centre, spread) - 1e-9 <= average <= fewest_polls(centre, spread) + 1.0


def test_the_engine_bench_takes_a_list_of_spreads():
    import argparse
    from app.bench.engine import _jitters
    assert _jitters("0,0.05,0.1") == [0.0, 0.05, 0.1] and _jitters("0.1") == [0.1]
    for wrong in ("", "a", "1.5", "-0.1"):
        with pytest.raises(argparse.ArgumentTypeError):
            _jitters(wrong)
