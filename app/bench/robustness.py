"""The timing-robustness matrix of ``python -m app.bench engine``: the poll schedule against a
server whose times are not what the priors say.

Each cell runs the engine workload (16 Flux images, 8 Seedance-fast clips, 8 at a time) on a
simulator whose every task takes F times its usual time (``--time-factor``, which no reply
shows), exact or spread +-20%, plus a cell where each task first waits 0-10 s in "starting"
(``--queue-seconds``). Each cell starts from a fresh profile (first run), runs again on what
that taught (second run, read back from disk as the next launch would), and runs the loop the
popular tutorials use beside it: poll right after submit, then every 5 s.
"""

from __future__ import annotations

import functools
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.bench.polling import CountingClient, finished_tasks, ideal_makespan, percentile, run_engine, \
    schedule_jobs, workload_seconds
from app.bench.processes import simulator_process
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.timing import TimingModel
from app.sim import DEMO_KEY
from app.sim.state import QUEUE_FRACTION

FACTORS = (0.25, 0.5, 1.0, 2.0, 4.0)
SPREADS = (0.0, 0.2)
QUEUE_CELL = (1.0, 0.0, 10.0)  # factor, spread, queue seconds
TUTORIAL_INTERVAL = 5.0  # seconds between the tutorial loop's polls (simulated)
# The simulator's speed-up multiplies the client's own time per job (30-60 ms of real time on this
# machine) relative to the jobs' times: at x3, 2 s images carry 0.1-0.2 s of it each, a tenth of
# their time. A cell runs at a speed that leaves its images at least this many real seconds, but
# not slower than real time (the issue measured in real seconds) nor faster than --matrix-speed.
MIN_REAL_IMAGE_SECONDS = 4.0
TARGETS = {  # (first run, second run)
    "makespan": (1.10, 1.05),
    "polls_exact": (6.0, 4.0),
    "polls_spread": (8.0, 6.0),
    "lag_fraction": (0.10, 0.05),
    "short_lag": 0.5,
}


@dataclass
class Figures:
    """One batch in simulated seconds: each job's notice lag and server time (queue included)."""
    makespan: float
    ideal: float
    polls_per_job: float
    lags: list[float]
    seconds: list[float]
    completed: int
    jobs: int

    @property
    def ratio(self) -> float:
        return self.makespan / self.ideal

    def lag_p95(self, fraction: float) -> float:
        """p95 of each job's lag over what the target allows it: max(0.5 s, fraction of its time)."""
        return percentile([lag / max(TARGETS["short_lag"], fraction * seconds)
                           for lag, seconds in zip(self.lags, self.seconds)], 0.95)


def _figures(data_dir: Path, prediction_ids: list[str], noticed: list[float], wall: float, polls: int,
             concurrency: int, speed: float, completed: int) -> Figures:
    tasks = finished_tasks(data_dir)
    seconds = [(tasks[p][1] - tasks[p][0]) * speed for p in prediction_ids]
    lags = [(seen - tasks[p][1]) * speed for p, seen in zip(prediction_ids, noticed)]
    return Figures(makespan=wall * speed, ideal=ideal_makespan(seconds, concurrency),
                   polls_per_job=polls / len(prediction_ids), lags=lags, seconds=seconds, completed=completed,
                   jobs=len(prediction_ids))


def engine_run(base_url: str, data_dir: Path, jobs: list[JobSpec], timing: TimingModel, concurrency: int,
               speed: float) -> Figures:
    run = run_engine(base_url, jobs, timing, concurrency)
    return _figures(data_dir, run.prediction_ids, run.noticed, run.wall, run.polls, concurrency, speed, sum(run.done))


def tutorial_run(base_url: str, data_dir: Path, jobs: list[JobSpec], concurrency: int, speed: float) -> Figures:
    """The loop of the popular tutorials: N workers, each submits a job, polls it at once and
    then every few seconds until it is done, downloads it and takes the next."""
    catalog = Catalog.snapshot()
    client = CountingClient(base_url, DEMO_KEY)
    interval = TUTORIAL_INTERVAL / speed
    results: list[tuple[str, float, bool]] = [("", 0.0, False)] * len(jobs)

    def work(index: int, job: JobSpec, out: Path) -> None:
        model = catalog.get(job.model)
        prediction_id = client.submit(model.type, job.request_body(model)).prediction_id
        while True:
            prediction = client.poll(prediction_id)
            if prediction.is_done or prediction.is_failed:
                break
            time.sleep(interval)
        seen = time.time()
        done = prediction.is_done and bool(prediction.outputs)
        if done:
            client.download(prediction.outputs[0], out / f"{index}{Path(prediction.outputs[0]).suffix or '.bin'}")
        results[index] = (prediction_id, seen, done)

    try:
        with tempfile.TemporaryDirectory() as out:
            started = time.time()
            with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="tutorial") as pool:
                for future in [pool.submit(work, i, job, Path(out)) for i, job in enumerate(jobs)]:
                    future.result()
            wall = time.time() - started
    finally:
        client.close()
    return _figures(data_dir, [r[0] for r in results], [r[1] for r in results], wall, client.polls, concurrency,
                    speed, sum(1 for r in results if r[2]))


def fewest_polls(centre: float, jitter: float, lag_fraction: float) -> float:
    """Expected polls per job of the best schedule that knows the spread exactly (uniform over
    centre +-jitter) and notices each finish within max(0.5 s, lag_fraction of it). Unlike
    engine.fewest_polls it counts no early poll: a schedule that knows the spread needs none.
    It knows nothing of a queue."""
    low, high = centre * (1 - jitter), centre * (1 + jitter)
    if high <= low:
        return 1.0

    def after(poll: float) -> float:
        return max(poll + TARGETS["short_lag"], poll * (1 + lag_fraction))

    expected, seen_up_to, poll, count = 0.0, low, after(low), 1
    while seen_up_to < high:
        covered = min(poll, high)
        expected += count * (covered - seen_up_to) / (high - low)
        seen_up_to, poll, count = covered, after(poll), count + 1
    return expected


def fewest_per_job(images: int, videos: int, factor: float, jitter: float, lag_fraction: float) -> float:
    image, video = workload_seconds()
    return (images * fewest_polls(image * factor, jitter, lag_fraction)
            + videos * fewest_polls(video * factor, jitter, lag_fraction)) / (images + videos)


def _covering_polls(low: float, high: float, lag_fraction: float) -> float:
    """Expected polls to notice a finish uniform over (low, high] when nothing more can be
    learned before it: each poll as late as the lag allows after the one before (the first
    max(0.5 s, lag_fraction of low) after low), which no schedule beats poll for poll."""
    if high <= low:
        return 0.0
    expected, seen_up_to, count = 0.0, low, 0
    while seen_up_to < high:
        covered = min(seen_up_to + max(TARGETS["short_lag"], lag_fraction * seen_up_to), high)
        count += 1
        expected += count * (covered - seen_up_to)
        seen_up_to = covered
    return expected / (high - low)


@functools.lru_cache(maxsize=None)
def fewest_polls_queued(run: float, queue: float, lag_fraction: float, step: float = 0.05) -> float:
    """Expected polls per job of the best schedule for a job that runs exactly ``run`` seconds
    after waiting a queue Q uniform over 0..``queue`` s, when every finish F = Q + run must be
    noticed within max(0.5 s, lag_fraction of F): the queued cell's "fewest possible".

    The schedule is told everything but each job's own Q: the run time, Q's spread, and how
    the simulator reports a task (``starting`` through the queue and the first QUEUE_FRACTION
    of the run, then ``processing``, then done). So F is uniform over (run, run + queue], and a
    poll at t (since submit) answers one of three things: done (F <= t); processing
    (t < F <= t + D, D = (1 - QUEUE_FRACTION) run); starting (F > t + D). Every answer leaves F
    uniform over a smaller stretch (L, U], and a poll that may find the job done must come
    within the allowance of L (else a finish just past L is noticed late). Two kinds of state:
    - after a "processing", no later poll can say more than done or not (its t + D is past U),
      so what is left is covering (L, U] with polls an allowance apart: ``_covering_polls``;
    - otherwise (at the start, and after each "starting") a poll may also split the stretch at
      t + D, either before L (it cannot find the job done) or within the allowance of L.
    The fewest expected polls V(L, U) is the cheapest of: covering; a split at c in (L, U),
    1 + P(F <= c) covering(L, c) + P(F > c) V(c, U); a poll at t in (L, L + allowance], 1 +
    P(t < F <= t + D) covering(t, min(t + D, U)) + P(F > t + D) V(t + D, U). It is worked out
    on a grid of ``step`` seconds (0.025 s moves the cell's figure by under 0.005).

    A schedule that polls blindly (``_covering_polls`` over the whole queue) needs more: for
    8 s images behind 0-10 s queues, 5.34 polls at the 10% lag, 9.39 at 5%; using what the
    "starting" replies say brings that down to 3.66 and 4.77, and no schedule goes lower. This
    is for every job noticed in time; p95 lets one job of the batch's 24 be late, which (by a
    Lagrangian relaxation of this recursion, worked out once) lowers the cell's second-run
    figure from 4.36 only to about 4.1."""
    spans = round(queue / step)
    reveal = round((1 - QUEUE_FRACTION) * run / step)  # D in steps: "starting" until F - D
    covering = functools.lru_cache(maxsize=None)(
        lambda i, j: _covering_polls(run + i * step, run + j * step, lag_fraction))
    # Polls that may find the job done: at most this many steps after L (its allowance).
    reach = [i + int(max(TARGETS["short_lag"], lag_fraction * (run + i * step)) / step + 1e-9)
             for i in range(spans + 1)]
    best = [[0.0] * (spans + 1) for _ in range(spans + 1)]  # best[i][j]: V over (run + i step, run + j step]
    for j in range(1, spans + 1):
        for i in range(j - 1, -1, -1):
            width, value = j - i, covering(i, j)
            for c in range(i + 1, min(j, i + reveal)):  # a split before L, at t = c - D
                value = min(value, 1 + ((c - i) * covering(i, c) + (j - c) * best[c][j]) / width)
            for t in range(i + 1, min(reach[i], j - 1) + 1):  # within the allowance, split at t + D
                c = t + reveal
                value = min(value, 1 + ((j - t) * covering(t, j) if c >= j else
                                        (c - t) * covering(t, c) + (j - c) * best[c][j]) / width)
            best[i][j] = value
    return best[0][spans]


def fewest_queued_per_job(images: int, videos: int, factor: float, queue: float, lag_fraction: float) -> float:
    image, video = workload_seconds()
    return (images * fewest_polls_queued(image * factor, queue, lag_fraction)
            + videos * fewest_polls_queued(video * factor, queue, lag_fraction)) / (images + videos)


@dataclass
class Cell:
    factor: float
    spread: float
    queue: float
    first: Figures
    second: Figures
    tutorial: Figures
    speed: float = 1.0  # the simulator's speed-up it ran at

    def holds(self) -> dict[str, bool]:
        polls = TARGETS["polls_spread" if self.spread else "polls_exact"]
        runs = (self.first, self.second)
        return {
            "makespan": all(f.ratio <= t for f, t in zip(runs, TARGETS["makespan"])),
            "polls": all(f.polls_per_job <= t for f, t in zip(runs, polls)),
            "lag": all(f.lag_p95(t) <= 1.0 for f, t in zip(runs, TARGETS["lag_fraction"])),
            "ahead": max(f.ratio for f in runs) < self.tutorial.ratio,
        }


def cell_speed(factor: float, top_speed: float) -> float:
    """The simulator's speed for a cell: --matrix-speed, or slower for a cell of short jobs."""
    image, _ = workload_seconds()
    return min(top_speed, max(1.0, image * factor / MIN_REAL_IMAGE_SECONDS))


def run_cell(images: int, videos: int, concurrency: int, speed: float, factor: float, spread: float,
             queue: float, seed: int = 1) -> Cell:
    with tempfile.TemporaryDirectory() as scratch:
        data_dir, profile = Path(scratch) / "sim", Path(scratch) / "profile"
        with simulator_process("--speed", str(speed), "--seed", str(seed), "--duration-spread", str(spread),
                               "--time-factor", str(factor), "--queue-seconds", str(queue),
                               "--data-dir", str(data_dir)) as base_url:
            runs = []
            for run in ("first", "second"):
                # A new model each run, reading what the last one wrote: the next launch of the app.
                timing = TimingModel.for_server(profile, base_url, scale=1.0 / speed)
                runs.append(engine_run(base_url, data_dir, schedule_jobs(images, videos, f"{run} {seed}"), timing,
                                       concurrency, speed))
            tutorial = tutorial_run(base_url, data_dir, schedule_jobs(images, videos, f"tutorial {seed}"),
                                    concurrency, speed)
    return Cell(factor, spread, queue, runs[0], runs[1], tutorial, speed)


def cell_label(cell: Cell) -> str:
    image, video = workload_seconds()
    times = f"images {image * cell.factor:g} s, clips {video * cell.factor:g} s"
    spread = "exact" if not cell.spread else f"±{cell.spread:.0%}"
    queue = f", queued 0-{cell.queue:g} s" if cell.queue else ""
    return f"x{cell.factor:g} ({times}), {spread}{queue}"


def print_matrix(cells: list[Cell], images: int, videos: int) -> None:
    print("  | true times (x the simulator's, which are 0.80x Flux's prior and 0.91x Seedance's) | simulator | ideal | "
          "makespan ÷ ideal | polls per job | fewest possible | lag p95 ÷ allowed | tutorial loop: makespan ÷ "
          "ideal, polls | targets missed |")
    print("  |---|---|---|---|---|---|---|---|---|")
    for cell in cells:
        fewest = " / ".join(f"{fewest_queued_per_job(images, videos, cell.factor, cell.queue, t):.2f}"
                            if cell.queue else f"{fewest_per_job(images, videos, cell.factor, cell.spread, t):.2f}"
                            for t in TARGETS["lag_fraction"])
        missed = [name for name, ok in cell.holds().items() if not ok]
        incomplete = [f"{run} run completed {f.completed}/{f.jobs}" for run, f in
                      (("first", cell.first), ("second", cell.second), ("tutorial", cell.tutorial))
                      if f.completed != f.jobs]
        print(f"  | {cell_label(cell)} | x{cell.speed:g} | {cell.first.ideal:.0f} s | {cell.first.ratio:.3f} / {cell.second.ratio:.3f} | "
              f"{cell.first.polls_per_job:.2f} / {cell.second.polls_per_job:.2f} | {fewest} | "
              f"{cell.first.lag_p95(TARGETS['lag_fraction'][0]):.2f} / "
              f"{cell.second.lag_p95(TARGETS['lag_fraction'][1]):.2f} | "
              f"{cell.tutorial.ratio:.2f}, {cell.tutorial.polls_per_job:.2f} | "
              f"{', '.join(missed + incomplete) or 'none'} |")


def cell_name(factor: float, spread: float, queue: float) -> str:
    """The cell's name for ``--cells``: x0.25, x4pm (+-20% spread), x1q (queued)."""
    return f"x{factor:g}" + ("pm" if spread else "") + ("q" if queue else "")


MATRIX = [(factor, spread, 0.0) for spread in SPREADS for factor in FACTORS] + [QUEUE_CELL]
CELL_NAMES = [cell_name(*cell) for cell in MATRIX]


def timing_matrix(images: int, videos: int, concurrency: int, speed: float,
                  cells: list[str] | None = None) -> list[Cell]:
    print(f"Timing robustness: {images} Flux images (8 s x F) and {videos} Seedance-fast clips (21 s x F), "
          f"{concurrency} at a time, simulator in its own process at x{speed:g}, or slower so a cell's images take "
          f"at least {MIN_REAL_IMAGE_SECONDS:g} real seconds (never slower than real time); each cell from a fresh profile "
          "(first run), then again (second run); figures are first / second run, in simulated seconds")
    print(f"  targets: makespan <= {TARGETS['makespan'][0]} / {TARGETS['makespan'][1]} x ideal; polls per job <= "
          f"{TARGETS['polls_exact'][0]:g} / {TARGETS['polls_exact'][1]:g} exact, <= {TARGETS['polls_spread'][0]:g} / "
          f"{TARGETS['polls_spread'][1]:g} at ±20%; notice lag p95 <= max(0.5 s, 10% / 5% of the job's time, queue "
          "included), shown as a multiple of that (<= 1.00 holds); ahead of the tutorial loop (poll at once, then "
          f"every {TUTORIAL_INTERVAL:g} s) on makespan. Fewest possible: a schedule told each job's spread exactly, "
          "at the 10% / 5% lag target, without an early poll; for the queued cell, one told the queue's spread but not "
          "each job's queue, reading what each poll's status says of it (fewest_polls_queued)")
    started = time.monotonic()
    chosen = [cell for cell in MATRIX if cells is None or cell_name(*cell) in cells]
    results = [run_cell(images, videos, concurrency, cell_speed(cell[0], speed), *cell) for cell in chosen]
    print_matrix(results, images, videos)
    print(f"  ({time.monotonic() - started:.0f} s for {'the matrix' if cells is None else 'these cells'})")
    return results
