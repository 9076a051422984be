"""Learned generation times and the poll schedule, on a manual clock (nothing sleeps)."""

from __future__ import annotations

import json
import random
import threading

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import Prediction
from app.engine.jobs.spec import JobSpec
from app.engine.run.runner import Limits
from app.engine.run.timing import (DEMO_SERVER, Expectation, Observation,
                               PollSchedule, Spread, TimingModel, history_path, server_identity, shape_of)
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


def run_wave(timing: TimingModel, model, inputs, finishes: list[float]) -> tuple[list[int], list[float]]:
    """Jobs submitted together, finishing at ``finishes`` (seconds), polled as the runner does:
    each finish is learned at once and every job still in flight replans. Returns each job's
    polls and notice lag."""
    jobs = [{"schedule": timing.schedule(model, inputs), "last": 0.0, "running": 0.0, "polls": 0, "finish": f}
            for f in finishes]
    for job in jobs:
        job["next"] = job["schedule"].next_delay(0.0)
    lags = [0.0] * len(jobs)
    in_flight = set(range(len(jobs)))
    while in_flight:
        index = min(in_flight, key=lambda i: jobs[i]["next"])
        job, now = jobs[index], jobs[index]["next"]
        job["polls"] += 1
        if now >= job["finish"]:
            timing.observe(model, inputs, job["running"], now)
            lags[index] = now - job["finish"]
            in_flight.discard(index)
            for other in in_flight:
                moved = jobs[other]["schedule"].replan(jobs[other]["last"], now)
                if moved is not None:
                    jobs[other]["next"] = jobs[other]["last"] + moved
            continue
        job["running"] = job["last"] = now
        job["next"] = now + job["schedule"].next_delay(now)
    return [job["polls"] for job in jobs], lags


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
    # Each finish is known to 0.2 s; the window may fall short of the extremes by less than that.
    inside = sum(spread.low - 0.2 <= d <= spread.high + 0.2 for d in durations)
    assert inside >= 0.9 * len(durations)
    assert spread.centre == pytest.approx(20, rel=0.05)
    assert spread.high - spread.low < 0.25 * spread.centre  # a window, not the whole prior's guess


def test_jobs_polled_on_shifted_grids_pin_one_finish_time_down():
    """Eight jobs finishing at 8.0 s, each seen between two polls 0.5 s apart on its own grid:
    the finish lies where all eight intervals overlap, far narrower than any one of them."""
    from app.engine.run.timing import finish_distribution
    rng = random.Random(11)
    intervals = []
    for _ in range(8):
        shift = rng.random() * 0.5
        intervals.append((8.0 - shift, 8.0 - shift + 0.5))
    distribution = finish_distribution(intervals)
    low, high = distribution[0][0], distribution[-1][1]
    assert low <= 8.0 <= high and high - low < 0.2
    spread = Spread.of([Observation(a, b) for a, b in intervals])
    assert spread.low <= 8.0 <= spread.high  # the window adds its guard (GUARD / 8 either side)


def test_the_estimator_puts_each_finish_where_the_intervals_overlap():
    from app.engine.run.timing import finish_distribution
    # Two groups of jobs: one group finished in (1, 2], the other in (3, 4]; a vaguer job
    # seen between 1 and 4 adds no mass outside those stretches.
    distribution = finish_distribution([(1.0, 2.0), (1.0, 2.0), (3.0, 4.0), (1.0, 4.0)])
    assert [(a, b) for a, b, _ in distribution] == [(1.0, 2.0), (3.0, 4.0)]
    masses = [m for _, _, m in distribution]
    assert sum(masses) == pytest.approx(1.0)
    assert masses[0] == pytest.approx(2 / 3, abs=0.01)


def test_one_finish_is_a_window_widened_by_its_guard():
    from app.engine.run.timing import GUARD
    one = Spread.of([Observation(7.9, 8.1)])
    assert one.low < 7.9 - 0.9 * GUARD * 8 and one.high > 8.1 + 0.9 * GUARD * 8
    many = Spread.of([Observation(7.9, 8.1)] * 20)
    assert many.high - many.low < one.high - one.low  # the guard shrinks as finishes add up


@pytest.mark.parametrize("factor", [0.25, 0.5, 2.0, 4.0])
def test_one_batch_corrects_a_prior_that_is_off_either_way(catalog, factor):
    """Eight jobs in flight together, as a batch's first wave: their staggered grids pin the
    finish down, so the next batch's window holds the true time and is narrow."""
    model, inputs = catalog.get(FLUX), {"prompt": "p", "size": "1024*1024"}
    timing = TimingModel()
    actual = timing.prior(model, inputs) * factor
    polls, lags = run_wave(timing, model, inputs, [actual] * 8)
    learned = timing.estimate(model, inputs)
    assert learned.low <= actual <= learned.high
    assert learned.high - learned.low < 0.18 * actual  # 0.15/sqrt(8) of guard either side, 6% of blur
    assert max(lags) <= max(0.5, 0.1 * actual)  # the first finisher taught the siblings at once
    # A cold wave pays for not knowing: about log(time / first poll) / log(1.7) polls.
    assert sum(polls) / len(polls) <= 8.5
    # The next batch goes straight to that window: a few polls each, noticed within 5%.
    polls, lags = run_wave(timing, model, inputs, [actual] * 8)
    assert sum(polls) / len(polls) <= 4 and max(lags) <= max(0.5, 0.05 * actual)


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
    staging.flush()
    demo.flush()
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
    fast.flush()
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
    # Another model on the same server: it likely runs as much quicker than its prior.
    flux = timing.estimate(catalog.get(FLUX), {"prompt": "p"})
    assert flux.basis == "learned-server"
    assert flux.centre == pytest.approx(0.8 * timing.prior(catalog.get(FLUX), {"prompt": "p"}), rel=0.02)
    assert TimingModel().estimate(catalog.get(FLUX), {"prompt": "p"}).basis == "prior"


def test_a_key_never_seen_expects_the_servers_speed_against_the_priors(catalog):
    """Every model on this server ran 4x its prior, then one never run is expected at 4x too,
    within a borrowed window wide enough for models that differ a little."""
    flux, video = catalog.get(FLUX), catalog.get(SEEDANCE_FAST)
    timing = TimingModel()
    prior = timing.prior(flux, {"prompt": "p"})
    for _ in range(8):
        timing.observe(flux, {"prompt": "p"}, 4 * prior - 0.2, 4 * prior + 0.2)
    guess = timing.estimate(video, CLIP)
    true = 4 * timing.prior(video, CLIP)
    assert guess.basis == "learned-server"
    assert guess.low < 0.87 * true and 1.13 * true < guess.high
    assert guess.high - guess.low < 0.5 * true


def test_the_shape_key_follows_what_changes_the_time(catalog):
    flux, video = catalog.get(FLUX), catalog.get(SEEDANCE_FAST)
    assert shape_of(flux, {"size": "1024*1024"}) != shape_of(flux, {"size": "2048*2048"})
    assert shape_of(flux, {"size": "1024*1024"}) == shape_of(flux, {"size": "1024*1000"})
    assert shape_of(video, {"duration": 4}) != shape_of(video, {"duration": 10})
    assert shape_of(video, {"duration": "5"}) == shape_of(video, {"duration": 5})
    assert TimingModel().prior(video, {"duration": "5s"}) == TimingModel().prior(video, {"duration": 5})


# --- the schedule --------------------------------------------------------------------------------
VIDEO = Expectation(centre=20.0, low=18.0, high=22.0, basis="learned", samples=30, pinned=30)
IMAGE = Expectation(centre=8.0, low=7.2, high=8.8, basis="learned", samples=30, pinned=30)


def test_the_first_poll_is_early_and_a_learned_window_is_reached_at_once():
    few = Expectation(centre=20.0, low=18.0, high=22.0, basis="learned", samples=3)
    times, _ = polls_until(PollSchedule.fixed(few), 20.0)
    assert times[0] == pytest.approx(3.0)  # 15% of the expected 20 s
    assert 18.0 < times[1] <= 19.8  # a window of few finishes: polls 10% apart across it
    # A well-learned key spends no poll before its window: its first is the window's first.
    times, _ = polls_until(PollSchedule.fixed(VIDEO), 20.0)
    assert 18.0 < times[0] <= 18.9
    times, _ = polls_until(PollSchedule.fixed(IMAGE), 8.0)
    assert 7.2 < times[0] <= 7.7
    # Unless its jobs queue: then the first poll stays where they were last seen queued.
    assert polls_until(PollSchedule.fixed(IMAGE, keep_first=True), 8.0)[0][0] == pytest.approx(1.2)


def test_before_a_window_learned_from_few_finishes_the_lag_stays_bounded():
    """One finish says little: a job that finishes well before its window is still noticed
    within the grid's ratio, which loosens as finishes add up."""
    from app.engine.run.timing import COLD_RATIO
    few = Expectation(20.0, 18.0, 22.0, "learned", samples=1)
    times, lag = polls_until(PollSchedule.fixed(few, first=2.0), 5.0)
    assert lag <= (COLD_RATIO ** 2 - 1) * 5.0 + 1e-9
    many = Expectation(20.0, 18.0, 22.0, "learned", samples=30, pinned=30)
    assert len(polls_until(PollSchedule.fixed(many, first=2.0), 19.0)[0]) < len(
        polls_until(PollSchedule.fixed(few, first=2.0), 19.0)[0])


def test_polls_per_job_where_it_finishes():
    at_centre, _ = polls_until(PollSchedule.fixed(VIDEO), 20.0)
    at_high_edge, _ = polls_until(PollSchedule.fixed(VIDEO), 22.0)
    far_past, lag = polls_until(PollSchedule.fixed(VIDEO), 120.0)
    narrow, _ = polls_until(PollSchedule.fixed(Expectation(20.0, 19.0, 21.0, "learned", 30, 30)), 20.0)
    assert len(narrow) <= 3  # the early poll, then one or two around the finish
    assert len(at_centre) <= 4
    assert len(at_high_edge) <= 7
    # Past the window the gaps grow by 9% each: six times the expected time costs about
    # thirty polls, not the 130 of close polling, and is still noticed within 10%.
    assert len(far_past) <= 30 and lag <= 0.1 * 120


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
    real = polls_until(TimingModel(scale=1.0).schedule(model, inputs), 21.0)[0]
    demo = polls_until(TimingModel(scale=0.1).schedule(model, inputs), 2.1)[0]
    assert demo == pytest.approx([t / 10 for t in real])


def test_a_cold_job_polls_on_a_geometric_grid_with_its_own_phase(catalog):
    from app.engine.run.timing import COLD_RATIO
    model, inputs = catalog.get(FLUX), {"prompt": "p"}
    timing = TimingModel()
    schedules = [timing.schedule(model, inputs) for _ in range(8)]
    grids = [polls_until(schedule, 40.0)[0] for schedule in schedules]
    assert all(grid[0] == pytest.approx(1.5) for grid in grids)  # 15% of the 10 s prior
    for grid in grids:
        ratios = [later / earlier for earlier, later in zip(grid[1:], grid[2:])]
        assert ratios == pytest.approx([COLD_RATIO] * len(ratios))
    # Together the eight poll every 7% of the time elapsed (1.7 ** (1/8)), whatever the prior says.
    together = sorted(t for grid in grids for t in grid if 3.0 <= t <= 30.0)
    assert max(later / earlier for earlier, later in zip(together, together[1:])) <= COLD_RATIO ** 0.125 + 1e-9


# --- the runner follows the schedule and learns ---------------------------------------------------
class TimedAtlas(FakeAtlas):
    """Each task finishes a set time after its submit (or a time per prompt), on the test's clock."""

    def __init__(self, clock, seconds: float | dict[str, float]):
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
            prompt = self._prompt_of[prediction_id]
        seconds = self.seconds[prompt] if isinstance(self.seconds, dict) else self.seconds
        done = self.clock() - self.submitted_at[prediction_id] >= seconds
        outputs = (f"https://cdn.fake.test/{prediction_id}.png",) if done else ()
        return Prediction(prediction_id, "completed" if done else "processing", outputs, "", None, "req")


def test_the_runner_polls_near_the_finish_and_learns_from_it(catalog, tmp_path):
    clock = ManualClock()
    fake = TimedAtlas(clock, seconds=8.0)
    timing = TimingModel.for_server(tmp_path / "data", fake.base_url)
    lock = threading.Lock()

    def run(prompts):
        jobs = [JobSpec(p, FLUX, {"prompt": p, "size": "1024*1024"}) for p in prompts]
        with lock:
            return new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=1), client=fake, clock=clock,
                              sleep=clock.sleep, timing=timing).run()

    cold = run([f"cold {i}" for i in range(4)])
    assert all(r.state.value == "done" for r in cold.records)
    cold_polls = sum(fake.polls.values())
    assert cold_polls <= 6 * 4  # one at a time, no sibling shares the cold grid
    learned = timing.estimate(catalog.get(FLUX), {"prompt": "x", "size": "1024*1024"})
    assert learned.basis == "learned" and learned.centre == pytest.approx(8.0, rel=0.06)

    fake.polls.clear()
    run([f"warm {i}" for i in range(8)])
    assert sum(fake.polls.values()) <= 3 * 8


@pytest.mark.parametrize("factor", [0.25, 4.0])
def test_the_runner_holds_on_a_prior_four_times_off(catalog, tmp_path, factor):
    """Through the runner on the test's clock: a prior 4x too long (jobs take a quarter of it)
    or 4x too short. The first batch finds each job within the cold grid's ratio, and the
    second goes straight to what the first taught: a few polls a job, each finish found within
    max(0.5 s, 10%) of its time."""
    clock = ManualClock()
    model, inputs = catalog.get(FLUX), {"size": "1024*1024"}
    seconds = TimingModel().prior(model, inputs) * factor
    fake = TimedAtlas(clock, seconds=seconds)
    timing = TimingModel.for_server(tmp_path / "data", fake.base_url)

    def run(prompts):
        jobs = [JobSpec(p, FLUX, {"prompt": p, **inputs}) for p in prompts]
        return new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=1), client=fake, clock=clock,
                          sleep=clock.sleep, timing=timing).run()

    first = run([f"first {i}" for i in range(8)])
    assert all(r.state.value == "done" for r in first.records)
    learned = timing.estimate(model, inputs)
    assert learned.basis == "learned" and learned.low <= seconds <= learned.high
    assert learned.high - learned.low < 0.25 * seconds
    fake.polls.clear()
    second = run([f"second {i}" for i in range(8)])
    assert all(r.state.value == "done" for r in second.records)
    assert sum(fake.polls.values()) <= 3 * 8
    # One job at a time: the batch is its jobs end to end, and the lag is what it adds.
    lag = second.elapsed - 8 * seconds
    assert lag <= 8 * max(0.5, 0.1 * seconds)


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


def test_the_fewest_polls_behind_a_queue_by_hand():
    """A 30 s job behind a 0-4 s queue, held to 0.5 s lag (fraction 0): its finish is uniform
    over 4 s, eight stretches of 0.5 s. Polled blindly, a poll every 0.5 s: (1 + ... + 8) / 8 =
    4.5. A reply cuts the 4 s where it says "starting" or not (a task shows "starting" until
    25.5 s before its finish), but only until one says "processing": a later poll's cut lies
    past the finish. Cut at the middle; if still starting, cut the upper half at its middle;
    then cover what is left: 1 + 1/2 x 2.5 + 1/2 x (1 + 1.5) = 3.5, which no other order of
    cuts beats. The bound finds that, and this schedule, which reads the replies, makes it."""
    from app.bench.robustness import _covering_polls, fewest_polls_queued
    run, queue, reveal = 30.0, 4.0, 0.85 * 30.0
    assert _covering_polls(run, run + queue, 0.0) == pytest.approx(4.5)
    assert fewest_polls_queued(run, queue, 0.0) == pytest.approx(3.5)

    def polls_for(finish: float) -> tuple[int, float]:
        def status(t: float) -> str:
            return "done" if finish <= t else "processing" if finish <= t + reveal else "starting"
        low, high, polls, last = run, run + queue, 0, 0.0
        while high - low > 1.0:  # halve while the replies can still cut
            cut = (low + high) / 2
            assert cut - reveal > last  # polls in order of time
            polls, last = polls + 1, cut - reveal
            if status(last) != "starting":
                high = cut
                break
            low = cut
        t = low
        while t < high:  # then a poll every 0.5 s across what is left
            polls, t = polls + 1, t + 0.5
            if status(t) == "done":
                return polls, t - finish
        raise AssertionError(finish)

    finishes = [run + queue * (k + 0.5) / 800 for k in range(800)]
    results = [polls_for(finish) for finish in finishes]
    assert max(lag for _, lag in results) <= 0.5 + 1e-9
    assert sum(polls for polls, _ in results) / len(results) == pytest.approx(3.5)


def test_the_queued_cells_fewest_polls():
    from app.bench.robustness import _covering_polls, fewest_polls_queued, fewest_queued_per_job
    # A queue within one allowance of the run: one poll at its end sees every finish in time.
    assert fewest_polls_queued(21.0, 2.0, 0.10) == 1.0
    # The queued cell (8 s images and 21 s clips behind 0-10 s queues): reading the replies
    # beats polling blindly, but the second run's target of 4 polls a job is out of reach.
    for run in (8.0, 21.0):
        for fraction in (0.05, 0.10):
            assert fewest_polls_queued(run, 10.0, fraction) < _covering_polls(run, run + 10.0, fraction)
    assert fewest_queued_per_job(16, 8, 1.0, 10.0, 0.10) == pytest.approx(3.29, abs=0.01)
    assert fewest_queued_per_job(16, 8, 1.0, 10.0, 0.05) == pytest.approx(4.36, abs=0.01)


@pytest.mark.parametrize("centre, spread", [(8.0, 0.05), (8.0, 0.10), (21.0, 0.05), (21.0, 0.10)])
def test_no_schedule_meeting_the_lag_target_beats_the_fewest_polls(centre, spread):
    """The bound is a bound: the real schedule, told the spread exactly, spends at least as many
    polls on uniform finishes, and is within half a poll of it."""
    from app.bench.robustness import fewest_polls
    from app.engine.run.timing import LAG_FRACTION
    known = Expectation(centre, centre * (1 - spread), centre * (1 + spread), "learned", 30, 30)
    finishes = [known.low + (known.high - known.low) * (step + 0.5) / 400 for step in range(400)]
    polls = [len(polls_until(PollSchedule.fixed(known), finish)[0]) for finish in finishes]
    average = sum(polls) / len(polls)
    bound = fewest_polls(centre, spread, LAG_FRACTION)  # a well-learned key makes no early poll
    assert bound - 1e-9 <= average <= bound + 0.5


def test_the_engine_bench_takes_a_list_of_spreads():
    import argparse
    from app.bench.engine import _jitters
    assert _jitters("0,0.05,0.1") == [0.0, 0.05, 0.1] and _jitters("0.1") == [0.1]
    for wrong in ("", "a", "1.5", "-0.1"):
        with pytest.raises(argparse.ArgumentTypeError):
            _jitters(wrong)


def test_the_engine_bench_runs_a_subset_of_the_matrix_by_name():
    import argparse
    from app.bench.engine import _cells
    from app.bench.robustness import CELL_NAMES, fewest_polls
    assert _cells("x0.25,x4pm") == ["x0.25", "x4pm"] and "x1q" in CELL_NAMES and len(CELL_NAMES) == 11
    with pytest.raises(argparse.ArgumentTypeError):
        _cells("x3")
    assert fewest_polls(8.0, 0.0, 0.1) == 1.0  # no early poll: one at the known finish


def test_a_matrix_cell_of_short_jobs_runs_the_simulator_slower():
    """The client's own time per job is multiplied by the simulator's speed-up relative to the
    jobs' times: short cells run nearer real time, not slower than it, and none above the top speed."""
    from app.bench.robustness import MIN_REAL_IMAGE_SECONDS, cell_speed
    from app.bench.polling import workload_seconds
    image, _ = workload_seconds()
    assert [cell_speed(factor, 3.0) for factor in (0.25, 0.5, 1.0, 2.0, 4.0)] == [1.0, 1.0, 2.0, 3.0, 3.0]
    for factor in (1.0, 2.0, 4.0):
        assert image * factor / cell_speed(factor, 3.0) >= MIN_REAL_IMAGE_SECONDS
    assert cell_speed(4.0, 1.5) == 1.5 and cell_speed(0.25, 0.5) == 0.5  # a top speed below x1 is the user's


# --- narrow windows --------------------------------------------------------------------------------
def test_a_window_known_to_the_moment_gets_one_poll_on_its_high_edge():
    known = Expectation(8.0, 7.9, 8.1, "learned", 30, 30)
    times, lag = polls_until(PollSchedule.fixed(known), 8.0)
    assert times == pytest.approx([8.1]) and lag == pytest.approx(0.1)
    # A job of another phase polls inside it first, so that jobs together pin the finish down.
    assert polls_until(PollSchedule.fixed(known, phase=0.5), 8.04)[0] == pytest.approx([8.0, 8.1])
    assert polls_until(PollSchedule.fixed(known, phase=0.5), 7.97)[0] == pytest.approx([8.0])


def _learn(timing: TimingModel, model, inputs, finishes) -> list[int]:
    polls = []
    for finish in finishes:
        schedule = timing.schedule(model, inputs)
        times, _ = polls_until(schedule, finish)
        running = times[-2] if len(times) > 1 else 0.0
        timing.observe(model, inputs, running, times[-1])
        polls.append(len(times))
    return polls


def test_a_steady_service_settles_on_two_polls_and_a_quicker_one_is_noticed(catalog):
    model, inputs = catalog.get(FLUX), {"prompt": "p", "size": "1024*1024"}
    timing = TimingModel()
    _learn(timing, model, inputs, [8.0] * 24)
    settled = _learn(timing, model, inputs, [8.0] * 24)
    # One poll at the finish, or one more for a job whose phase polls inside first.
    assert sum(settled) / len(settled) <= 1.6
    learned = timing.estimate(model, inputs)
    assert learned.low <= 8.0 <= learned.high and learned.high - learned.low < 0.5

    # The service becomes a quarter quicker: the explorers' low-edge polls see it, and within
    # three batches of eight the window has moved to the new time.
    for _ in range(3):
        _learn(timing, model, inputs, [6.0] * 8)
    moved = timing.estimate(model, inputs)
    assert moved.low <= 6.0 <= moved.high


def test_the_history_is_written_every_few_seconds_and_when_the_batch_ends(catalog, tmp_path):
    model, inputs = catalog.get(FLUX), {"prompt": "p"}
    path = tmp_path / "t.json"
    timing = TimingModel(path)

    def stored() -> int:
        return sum(len(pairs) for pairs in json.loads(path.read_text(encoding="utf-8"))["finishes"].values())

    timing.observe(model, inputs, 7.9, 8.1)
    timing.save_if_due()
    assert stored() == 1  # the first finish is written at once
    for _ in range(5):
        timing.observe(model, inputs, 7.9, 8.1)
        timing.save_if_due()
    assert stored() == 1  # not rewritten for every job
    timing.flush()
    assert stored() == 6
    assert TimingModel(path).estimate(model, inputs).basis == "learned"


def test_a_finished_batch_leaves_what_it_learned_on_disk(catalog, tmp_path):
    clock = ManualClock()
    fake = TimedAtlas(clock, seconds=8.0)
    timing = TimingModel.for_server(tmp_path / "data", fake.base_url)
    jobs = [JobSpec(f"j{i}", FLUX, {"prompt": f"j{i}", "size": "1024*1024"}) for i in range(3)]
    new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=1), client=fake, clock=clock,
               sleep=clock.sleep, timing=timing).run()
    reopened = TimingModel.for_server(tmp_path / "data", fake.base_url)
    assert len(reopened._samples[next(iter(reopened._samples))]) == 3


# --- jobs in flight follow their siblings ----------------------------------------------------------
def test_a_sibling_finishing_moves_the_wait_of_a_job_in_flight():
    window = {"now": Expectation(20.0, 20.0, 20.0, "prior")}
    schedule = PollSchedule(lambda: window["now"], first=3.0)
    assert schedule.replan(0.0, 1.0) is None  # the first poll stays where it is
    schedule.next_delay(0.0)
    on_grid = schedule.next_delay(3.0)
    assert schedule.replan(3.0, 4.0) == pytest.approx(on_grid)  # nothing moved
    # A sibling finished at 17 s, and its interval was narrow: this job's next poll moves there.
    window["now"] = Expectation(17.0, 16.9, 17.2, "learned", 8, 8)
    assert 3.0 + schedule.replan(3.0, 5.0) == pytest.approx(17.2)


def test_a_job_past_the_window_a_sibling_taught_polls_at_once():
    window = {"now": Expectation(20.0, 20.0, 20.0, "prior")}
    schedule = PollSchedule(lambda: window["now"], first=3.0)
    schedule.next_delay(0.0)
    schedule.next_delay(3.0)
    schedule.next_delay(9.0)  # a poll at 9 s saw it running; the grid's next is far off
    window["now"] = Expectation(15.0, 14.9, 15.1, "learned", 8, 8)
    assert schedule.replan(9.0, 15.3) == pytest.approx(15.3 - 9.0)  # poll now


def test_a_queued_poll_restarts_the_clock_as_its_first_poll():
    schedule = PollSchedule.fixed(IMAGE, keep_first=True)
    assert schedule.next_delay(0.0) == pytest.approx(1.2)
    schedule.restart(waited=1.2)  # found still "starting": the job's clock starts again there
    # The window counts from the last queued poll: its first close poll, a gap into it.
    assert 7.2 < schedule.next_delay(0.0) <= 7.7
    # On a cold prior the grid of the time since submit goes on through the queue.
    cold = PollSchedule(lambda: Expectation(8.0, 8.0, 8.0, "prior"), first=1.2)
    cold.next_delay(0.0)
    cold.restart(waited=1.2)
    assert 1.2 + cold.next_delay(0.0) == pytest.approx(1.2 * 1.7)
    cold.restart(waited=1.2 * 1.7)
    assert 1.2 * 1.7 + cold.next_delay(0.0) == pytest.approx(1.2 * 1.7 ** 2)


def test_starting_early_is_setting_up_and_only_later_a_queue():
    """Servers show "starting" while they set up a task, and that is part of its time: a poll
    before half the window's low edge that sees it leaves the clock alone."""
    schedule = PollSchedule.fixed(IMAGE, keep_first=True)
    schedule.next_delay(0.0)
    assert not schedule.seen_queued(waited=1.2)
    assert 7.2 < 1.2 + schedule.next_delay(1.2) <= 7.7  # on to the window from the submit
    late = PollSchedule.fixed(IMAGE, keep_first=True)
    late.next_delay(0.0)
    assert late.seen_queued(waited=3.6)  # past half of 7.2 s: a queue, the clock starts again
    assert 7.2 < late.next_delay(0.0) <= 7.7


def test_a_key_whose_jobs_queue_polls_first_where_they_were_last_seen_queued(catalog):
    model, inputs = catalog.get(FLUX), {"prompt": "p", "size": "1024*1024"}
    timing = TimingModel()
    for _ in range(8):
        timing.observe(model, inputs, 26.0, 26.5, queued=4.5)  # queued 4.5 s, then 26 s of run
    schedule = timing.schedule(model, inputs)
    assert schedule.next_delay(0.0) == pytest.approx(4.5)  # no polls spent on a queue seen before
    schedule.restart(waited=4.5)
    assert 25.0 < schedule.next_delay(0.0) <= 26.5


def test_a_job_waiting_to_poll_is_woken_when_a_sibling_finishes(catalog, tmp_path):
    """Real time, briefly: the second job is waiting for its next poll when the first one is
    noticed, and the runner asks its schedule again there and then."""
    import time as real_time

    timing = TimingModel(scale=0.04)  # the prior says 10 s: 0.4 s here
    replans: list[str] = []
    make_schedule = timing.schedule

    def watched(model, inputs, **options):
        schedule = make_schedule(model, inputs, **options)
        replan = schedule.replan
        schedule.replan = lambda *args: (replans.append(inputs["prompt"]), replan(*args))[1]
        return schedule

    timing.schedule = watched
    jobs = [JobSpec(p, FLUX, {"prompt": p, "size": "1024*1024"}) for p in ("quick", "slow")]
    fake = TimedAtlas(real_time.monotonic, {"quick": 0.25, "slow": 0.4})
    result = new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=2), client=fake,
                        timing=timing).run()
    assert [r.state.value for r in result.records] == ["done", "done"]
    assert "slow" in replans


# --- queueing at Atlas is not running time ---------------------------------------------------------
class QueuedAtlas(TimedAtlas):
    """Each task waits in "starting" for its own queue time, then runs ``seconds``."""

    def __init__(self, clock, seconds: float, queues: list[float]):
        super().__init__(clock, seconds)
        self.queues = list(queues)
        self.queue_of: dict[str, float] = {}

    def submit(self, model_type, body):
        submission = super().submit(model_type, body)
        self.queue_of[submission.prediction_id] = self.queues.pop(0)
        return submission

    def poll(self, prediction_id):
        age = self.clock() - self.submitted_at[prediction_id]
        queue = self.queue_of[prediction_id]
        if age < queue:
            with self._lock:
                self.polls[prediction_id] += 1
            return Prediction(prediction_id, "starting", (), "", None, "req")
        done = age >= queue + self.seconds
        with self._lock:
            self.polls[prediction_id] += 1
        outputs = (f"https://cdn.fake.test/{prediction_id}.png",) if done else ()
        return Prediction(prediction_id, "completed" if done else "processing", outputs, "", None, "req")


def test_time_queued_at_atlas_is_not_learned_as_running_time(catalog, tmp_path):
    clock = ManualClock()
    queues = [0.0, 30.0, 5.0, 60.0, 0.0, 12.0]
    fake = QueuedAtlas(clock, 8.0, queues)
    timing = TimingModel()
    jobs = [JobSpec(f"q{i}", FLUX, {"prompt": f"q{i}", "size": "1024*1024"}) for i in range(len(queues))]
    result = new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=1), client=fake, clock=clock,
                        sleep=clock.sleep, timing=timing).run()
    assert all(r.state.value == "done" for r in result.records)
    learned = timing.estimate(catalog.get(FLUX), {"prompt": "x", "size": "1024*1024"})
    # Up to a minute in the queue (8.5 s the median), yet what is learned is the 8 s run (from
    # the last queued poll, so a little over it: a queue is watched on the grid), not the queue;
    # a queue of under half the window (the 5 s one) is taken for a server setting up, as run,
    # so the centre may move by up to that much; a minute's queue would move it by a minute.
    assert learned.low <= 8.0 * 1.05
    assert 8.0 <= learned.centre <= 8.0 + 5.0
    # A queue is watched no closer than the run's learned time (or the cold grid): a minute in
    # the queue costs about one poll per 8 s, not one per first poll's wait (1.5 s).
    long_queued = result.records[3].prediction_id
    assert fake.polls[long_queued] <= 60 / 8 + 8


def test_the_matrix_on_a_model_clock_follows_the_schedule_over_many_draws():
    """The model clock drives the engine's own schedule: with exact times every draw is the same
    batch and each finish is noticed within its allowance; a spread gives draws that differ."""
    from app.bench.schedulemodel import model_cell
    exact = model_cell(1.0, 0.0, 0.0, seeds=2)
    assert exact[0] == exact[1]
    first, second = exact[0]
    assert first.lag_p95 <= 1.0 and second.lag_p95 <= 1.0
    assert second.polls_per_job < first.polls_per_job  # the second run goes straight to what was learned
    assert 1.0 <= second.ratio < first.ratio
    spread = model_cell(1.0, 0.2, 0.0, seeds=2)
    assert spread[0] != spread[1]


def test_finishes_known_only_between_coarse_polls_do_not_make_a_key_well_learned(catalog):
    """A cold key's first jobs are seen done only at the next point of a 1.7 grid: eight such
    finishes are no ground for the 5% polls of a well-learned key, eight pinned ones are."""
    model = catalog.get("black-forest-labs/flux-2-pro/text-to-image")
    timing = TimingModel()
    prior = timing.prior(model, {})
    for running in (0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1):
        timing.observe(model, {}, running * prior, running * 1.7 * prior)
    coarse = timing.estimate(model, {})
    assert coarse.samples == 8 and coarse.pinned == 0 and not coarse.well_learned
    for running in (0.9, 0.92, 0.94, 0.96, 0.98, 1.0, 1.02, 1.04):
        timing.observe(model, {}, running * prior, running * 1.05 * prior)
    pinned = timing.estimate(model, {})
    assert pinned.pinned == 8 and pinned.well_learned


def test_jobs_finishing_together_pin_their_window_however_coarse_each_ones_polls(catalog):
    # Eight jobs of one time on staggered 1.7 grids: each interval is wide, their overlap narrow.
    model = catalog.get("black-forest-labs/flux-2-pro/text-to-image")
    timing = TimingModel()
    prior = timing.prior(model, {})
    for phase in range(8):
        running = 0.8 / 1.7 ** ((phase + 0.5) / 8)  # each one's last poll before the finish at 0.8
        timing.observe(model, {}, running * prior, running * 1.7 * prior)
    together = timing.estimate(model, {})
    assert together.pinned == 0 and together.high - together.low <= 0.2 * together.centre
    assert together.well_learned


def test_just_past_a_well_learned_window_a_finish_is_noticed_within_5_percent():
    # The window's edges are quantiles of a sample: a job of a batch lands just past them.
    for finish in (22.2, 23.0, 24.5, 26.0, 27.0):
        _, lag = polls_until(PollSchedule.fixed(VIDEO), finish)
        assert lag <= 0.05 * finish + 1e-9, (finish, lag)
    few = Expectation(20.0, 18.0, 22.0, "learned", samples=30, pinned=3)
    _, lag = polls_until(PollSchedule.fixed(few), 23.0)
    assert lag <= 0.1 * 23.0  # a tentative window keeps the first run's 10%
    # Far past it, a stalled job: polls spread out again.
    times, lag = polls_until(PollSchedule.fixed(VIDEO), 60.0)
    assert lag <= 0.1 * 60.0 and len(times) <= 24


def test_jobs_that_end_before_the_first_poll_are_next_polled_within_their_window(catalog):
    """A fast server: every job was done at its first look, 15% into the prior. None of those
    finishes is pinned, but waiting for that poll again would idle every slot until it."""
    model = catalog.get("black-forest-labs/flux-2-pro/text-to-image")
    timing = TimingModel()
    prior = timing.prior(model, {})
    for _ in range(20):
        timing.observe(model, {}, 0.0, 0.15 * prior)
    expected = timing.estimate(model, {})
    assert not expected.well_learned and expected.high < 0.3 * prior
    schedule = timing.schedule(model, {})
    assert schedule.next_delay(0.0) < 0.15 * prior
