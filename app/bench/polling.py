"""What the poll-schedule benches share: the issue's workload, a client that counts its polls,
the simulator's record of when each task really finished, and the ideal a batch is held to."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import AtlasClient
from app.engine.jobs.spec import JobSpec
from app.engine.run.planning import plan_batch
from app.engine.run.runner import BatchPlan, BatchRunner, Connections, Limits
from app.engine.run.timing import TimingModel
from app.sim import DEMO_KEY
from app.sim.state import IMAGE_SECONDS, VIDEO_SECONDS

# The workload: Flux images of about 8 s and Seedance clips of about 20 s (the fast
# variant's 6 s clip takes 21 s in the simulator), images first, 8 at a time.
SCHEDULE_IMAGE = ("black-forest-labs/flux-2-pro/text-to-image", {"size": "1024*1024"})
SCHEDULE_VIDEO = ("bytedance/seedance-v1.5-pro-fast/text-to-video", {"duration": 6, "resolution": "720p"})


class CountingClient(AtlasClient):
    """Counts the polls this client makes (the simulator runs in a process of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.polls = 0
        self._count_lock = threading.Lock()

    def poll(self, prediction_id: str):
        with self._count_lock:
            self.polls += 1
        return super().poll(prediction_id)


@dataclass
class EngineRun:
    """One batch through the engine: per job (in the batch's order) its prediction id, when the
    engine noticed its finish (wall clock), whether it ended done; the wall time and the polls."""
    prediction_ids: list[str]
    noticed: list[float]
    done: list[bool]
    wall: float
    polls: int


def run_engine(base_url: str, jobs: list[JobSpec], timing: TimingModel, concurrency: int) -> EngineRun:
    """The batch as the app runs it, against the simulator at ``base_url``."""
    noticed: dict[int, float] = {}
    lock = threading.Lock()

    def on_event(event):
        if event.kind == "job" and event.state == "downloading":
            with lock:
                noticed.setdefault(event.job_index, time.time())

    with tempfile.TemporaryDirectory() as out:
        client = CountingClient(base_url, DEMO_KEY)
        try:
            plan = BatchPlan(plan_batch(jobs, Catalog.snapshot()), Path(out), "demo")
            runner = BatchRunner(plan, Limits(concurrency=concurrency),
                                 io=Connections(client=client, on_event=on_event, timing=timing))
            started = time.time()
            result = runner.run()
            wall = time.time() - started
        finally:
            client.close()
    records = result.records
    return EngineRun([r.prediction_id for r in records], [noticed[r.index] for r in records],
                     [r.state.value == "done" for r in records], wall, client.polls)


def finished_tasks(data_dir: Path) -> dict[str, tuple[float, float]]:
    """Each task's (created, completed) times, on the wall clock, from the simulator's journal."""
    created: dict[str, tuple[float, float]] = {}
    ready: dict[str, float] = {}
    for line in (data_dir / "journal.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("type") == "task":
            # A task queued at the provider (--queue-seconds) finishes its run that much later.
            created[entry["id"]] = (entry["created_at"], entry.get("wait_s", 0.0) + entry["run_s"])
        elif entry.get("type") == "media" and entry.get("ready_at") is not None:
            ready[entry["id"]] = entry["ready_at"]
    return {task: (at, max(at + run, ready.get(task, at + run))) for task, (at, run) in created.items()}


def schedule_jobs(images: int, videos: int, run: str) -> list[JobSpec]:
    """Prompts differ per run, so the simulator's jitter (drawn per request body) differs too."""
    model, extra = SCHEDULE_IMAGE
    jobs = [JobSpec(f"image {i}", model, {"prompt": f"{run} image {i}", **extra}) for i in range(images)]
    model, extra = SCHEDULE_VIDEO
    jobs += [JobSpec(f"video {i}", model, {"prompt": f"{run} video {i}", **extra}) for i in range(videos)]
    return jobs


def workload_seconds() -> tuple[float, float]:
    """The simulator's own mean times of the schedule workload's image and clip."""
    overhead, per_second = VIDEO_SECONDS["bytedance/seedance-v1.5-pro-fast"]
    return IMAGE_SECONDS[SCHEDULE_IMAGE[0]], overhead + per_second * SCHEDULE_VIDEO[1]["duration"]


def ideal_makespan(durations: list[float], slots: int) -> float:
    """The same dispatch order with zero overhead: each job takes exactly its server time."""
    free = [0.0] * slots
    for duration in durations:
        slot = free.index(min(free))
        free[slot] += duration
    return max(free)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
