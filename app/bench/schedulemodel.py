"""The timing-robustness matrix on a model clock, over many seeds: ``python -m app.bench engine
--only model``.

One run of a matrix cell draws one set of task times, and at ±20% spread that decides much of
its figures: between two runs a cell's first-run lag moves by 1-2 allowances. Here the engine's
own ``TimingModel`` and ``PollSchedule`` drive a discrete-event model of the batch instead of the
simulator and the runner's threads, so a cell takes a fraction of a second and the matrix can be
run on many draws: what it prints is how often each target holds, which one run cannot tell.

The model follows what the runner does with a schedule (``BatchRunner._follow``): 8 slots, the
next job submitted the moment a finish is noticed (no client time, no round trips), each finish
learned at once and every job in flight replanned, a poll that finds a task queued handed to
``seen_queued``. Its tasks behave as the simulator's: "starting" through their queue and the
first QUEUE_FRACTION of their run, each time uniform within the spread, each queue uniform over
0..queue seconds. What it leaves out (the client's own time, CPU load) is what the simulator's
runs add, so its makespans are a little lower than theirs.
"""

from __future__ import annotations

import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.bench.polling import SCHEDULE_IMAGE, SCHEDULE_VIDEO, ideal_makespan, percentile, workload_seconds
from app.bench.robustness import MATRIX, TARGETS, cell_name
from app.engine.atlas.catalog import Catalog
from app.engine.run.timing import TimingModel
from app.sim.state import QUEUE_FRACTION


@dataclass
class ModelRun:
    """One batch on the model clock: makespan over the ideal, polls per job, and the p95 of
    each job's notice lag over what the target allows it."""
    ratio: float
    polls_per_job: float
    lag_p95: float


def model_batch(timing: TimingModel, factor: float, spread: float, queue: float, rng: random.Random,
                lag_fraction: float, images: int = 16, videos: int = 8, concurrency: int = 8) -> ModelRun:
    catalog = Catalog.snapshot()
    image_seconds, video_seconds = workload_seconds()
    kinds = [(catalog.get(SCHEDULE_IMAGE[0]), SCHEDULE_IMAGE[1], image_seconds)] * images + \
            [(catalog.get(SCHEDULE_VIDEO[0]), SCHEDULE_VIDEO[1], video_seconds)] * videos
    runs = [seconds * factor * (1 + spread * (2 * rng.random() - 1)) for _, _, seconds in kinds]
    waits = [queue * rng.random() for _ in kinds]
    waiting, in_flight = list(range(len(kinds))), {}
    polls, lags, end = 0, [0.0] * len(kinds), 0.0

    def submit(index: int, now: float) -> None:
        model, inputs, _ = kinds[index]
        schedule = timing.schedule(model, inputs)
        # clock: where the job's clock started (a queued poll moves it); last: the last poll on it
        in_flight[index] = {"schedule": schedule, "submitted": now, "clock": now, "last": 0.0,
                            "due": now + schedule.next_delay(0.0)}

    for _ in range(concurrency):
        if waiting:
            submit(waiting.pop(0), 0.0)
    while in_flight:
        index = min(in_flight, key=lambda i: in_flight[i]["due"])
        job, model, inputs = in_flight[index], kinds[index][0], kinds[index][1]
        now, polls = job["due"], polls + 1
        finish = job["submitted"] + waits[index] + runs[index]
        if now >= finish:
            del in_flight[index]
            lags[index], end = now - finish, max(end, now)
            timing.observe(model, inputs, job["last"], now - job["clock"], job["clock"] - job["submitted"])
            for other in in_flight.values():
                moved = other["schedule"].replan(other["last"], now - other["clock"])
                if moved is not None:
                    other["due"] = other["clock"] + other["last"] + moved
            if waiting:
                submit(waiting.pop(0), now)
            continue
        starting = now < job["submitted"] + waits[index] + QUEUE_FRACTION * runs[index]
        if starting and job["schedule"].seen_queued(now - job["submitted"]):
            job["clock"], job["last"] = now, 0.0
            job["due"] = now + job["schedule"].next_delay(0.0)
            continue
        job["last"] = now - job["clock"]
        job["due"] = now + job["schedule"].next_delay(job["last"])
    seconds = [wait + run for wait, run in zip(waits, runs)]
    allowed = [max(TARGETS["short_lag"], lag_fraction * s) for s in seconds]
    return ModelRun(end / ideal_makespan(seconds, concurrency), polls / len(kinds),
                    percentile([lag / allow for lag, allow in zip(lags, allowed)], 0.95))


def model_cell(factor: float, spread: float, queue: float, seeds: int) -> list[tuple[ModelRun, ModelRun]]:
    """First and second run of the cell for each seed, the second on what the first taught."""
    pairs = []
    with tempfile.TemporaryDirectory() as scratch:
        for seed in range(seeds):
            rng, history = random.Random(seed), Path(scratch) / f"timing-{seed}.json"
            first_model = TimingModel(history)
            first = model_batch(first_model, factor, spread, queue, rng, TARGETS["lag_fraction"][0])
            first_model.flush()
            # The next launch: what the first run taught, read back from disk.
            second = model_batch(TimingModel(history), factor, spread, queue, rng, TARGETS["lag_fraction"][1])
            pairs.append((first, second))
    return pairs


def model_matrix(seeds: int, cells: list[str] | None = None) -> None:
    print(f"Timing robustness on a model clock (the schedule without the simulator, the runner's threads or the "
          f"client's time), {seeds} draws of task times per cell: medians first / second run, and in how many "
          "draws each target held (first / second run)")
    print("  | cell | makespan ÷ ideal | polls per job | lag p95 ÷ allowed | makespan held | polls held | lag held |")
    print("  |---|---|---|---|---|---|---|")
    for factor, spread, queue in MATRIX:
        name = cell_name(factor, spread, queue)
        if cells is not None and name not in cells:
            continue
        pairs = model_cell(factor, spread, queue, seeds)
        poll_target = TARGETS["polls_spread" if spread else "polls_exact"]

        def both(value, fmt: str) -> str:
            return " / ".join(format(statistics.median(value(pair[run]) for pair in pairs), fmt) for run in (0, 1))

        def held(value, targets) -> str:
            return " / ".join(f"{sum(value(pair[run]) <= targets[run] for pair in pairs) / len(pairs):.0%}"
                              for run in (0, 1))

        print(f"  | {name} | {both(lambda r: r.ratio, '.3f')} | {both(lambda r: r.polls_per_job, '.2f')} | "
              f"{both(lambda r: r.lag_p95, '.2f')} | {held(lambda r: r.ratio, TARGETS['makespan'])} | "
              f"{held(lambda r: r.polls_per_job, poll_target)} | {held(lambda r: r.lag_p95, (1.0, 1.0))} |")
