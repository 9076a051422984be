"""Engine figures: throughput against the ideal makespan, polls per job, notice lag,
memory while downloading a huge output, and loading a 10,000-job set."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from app.engine import jobset
from app.engine.catalog import Catalog
from app.engine.client import AtlasClient
from app.engine.jobs import JobSpec, validate_jobs
from app.engine.pricing import PriceTable, summarize
from app.engine.runner import BatchRunner
from app.engine.timing import TimingModel
from app.sim import DEMO_KEY, SimServer

IMAGE_MODELS = ["google/imagen4", "google/imagen4-fast", "google/imagen4-ultra", "black-forest-labs/flux-2-pro/text-to-image"]
VIDEO_MODELS = [("bytedance/seedance-v1.5-pro-fast/text-to-video", 4), ("google/veo3.1-fast/text-to-video", 4),
                ("bytedance/seedance-v1.5-pro/text-to-video", 5), ("google/veo3.1/text-to-video", 4)]


def batch_jobs(images: int, videos: int) -> list[JobSpec]:
    jobs = [JobSpec(f"image {i}", IMAGE_MODELS[i % 4], {"prompt": f"benchmark image {i}"} |
                    ({"size": "512*512"} if "flux" in IMAGE_MODELS[i % 4] else {})) for i in range(images)]
    jobs += [JobSpec(f"video {i}", VIDEO_MODELS[i % 4][0], {"prompt": f"benchmark video {i}",
                                                            "duration": VIDEO_MODELS[i % 4][1]}) for i in range(videos)]
    return jobs


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


def throughput(images: int, videos: int, concurrency: int, speed: float) -> None:
    jobs = batch_jobs(images, videos)
    noticed: dict[int, float] = {}
    lock = threading.Lock()

    def on_event(event):
        if event.kind == "job" and event.state == "downloading":
            with lock:
                noticed[event.job_index] = time.monotonic()

    with SimServer(port=0, speed=speed) as sim, tempfile.TemporaryDirectory() as out:
        client = AtlasClient(sim.base_url, DEMO_KEY)
        runner = BatchRunner(jobs, client=client, catalog=Catalog.snapshot(), out_dir=Path(out), on_event=on_event,
                             concurrency=concurrency, timing=TimingModel(None, scale=1.0 / speed), mode="demo")
        started = time.monotonic()
        result = runner.run()
        wall = time.monotonic() - started
        client.close()
        durations, lags, long_relative, short_lags = [], [], [], []
        for record in result.records:
            task = sim.state.get_task(record.prediction_id)
            done_at = sim.state.completed_at(task)
            server_seconds = done_at - task.created_at
            durations.append(server_seconds)
            lag = noticed[record.index] - done_at
            lags.append(lag * speed)
            if server_seconds * speed < 10:
                short_lags.append(lag * speed)
            else:
                long_relative.append(lag / server_seconds)
        stats = sim.stats()
    ideal = ideal_makespan(durations, concurrency)
    done = sum(1 for r in result.records if r.state.value == "done")
    print(f"Throughput: {len(jobs)} jobs ({images} images, {videos} videos), concurrency {concurrency}, "
          f"simulator speed x{speed:g}")
    print(f"  completed           {done}/{len(jobs)}")
    print(f"  wall time           {wall:.2f} s (ideal makespan {ideal:.2f} s)")
    print(f"  wall / ideal        {wall / ideal:.3f}   (target <= 1.10)")
    print(f"  polls per job       {stats['polls'] / len(jobs):.2f}")
    print("  notice lag (server finished -> client noticed), in real-world seconds (x speed):")
    print(f"    all jobs          median {statistics.median(lags):.2f} s, p95 {percentile(lags, 0.95):.2f} s")
    if short_lags:
        print(f"    jobs under 10 s   median {statistics.median(short_lags):.2f} s, p95 "
              f"{percentile(short_lags, 0.95):.2f} s   (target <= 1 s)")
    if long_relative:
        print(f"    jobs of 10 s+     median {statistics.median(long_relative) * 100:.1f}%, p95 "
              f"{percentile(long_relative, 0.95) * 100:.1f}% of the job's duration   (target <= 10%)")


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def big_download(megabytes: int) -> None:
    """The simulator runs in its own process so only the client's memory is measured."""
    process = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", "100",
                                "--pad-video-mb", str(megabytes)], stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().split("listening on ", 1)[1].strip()
        client = AtlasClient(base, DEMO_KEY)
        job = JobSpec("huge", "google/veo3.1-fast/text-to-video", {"prompt": "a very large file", "duration": 4})
        baseline = _rss_mb()
        peak = [baseline]
        stop = threading.Event()

        def sample():
            while not stop.wait(0.02):
                peak[0] = max(peak[0], _rss_mb())

        sampler = threading.Thread(target=sample, name="rss-sampler")
        sampler.start()
        with tempfile.TemporaryDirectory() as out:
            started = time.monotonic()
            result = BatchRunner([job], client=client, catalog=Catalog.snapshot(), out_dir=Path(out),
                                 timing=TimingModel(None, scale=0.01), mode="demo").run()
            elapsed = time.monotonic() - started
            size = result.records[0].files[0].bytes if result.records[0].files else 0
        stop.set()
        sampler.join()
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"Large download: {size / 1048576:.0f} MB in {elapsed:.1f} s")
    print(f"  peak RSS growth     {peak[0] - baseline:.1f} MB   (target < 50 MB)")


def load_ten_thousand(count: int) -> None:
    catalog = Catalog.snapshot()
    models = IMAGE_MODELS + [m for m, _ in VIDEO_MODELS]
    lines = ["schema_version: 1", "output_dir: out", "concurrency: 8", "defaults:", "  inputs:",
             "    aspect_ratio: '16:9'", "jobs:"]
    for i in range(count):
        model = models[i % len(models)]
        extra = ", duration: 4" if "video" in model else (", size: '1024*768'" if "flux" in model else "")
        lines.append(f"- {{name: 'product {i}', model: {model}, inputs: {{prompt: 'Product shot number {i} on a "
                     f"clean background', seed: {i}{extra}}}}}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        loaded = jobset.load(path, catalog)
        parsed = time.perf_counter()
        jobs = loaded.resolved_jobs(catalog)
        problems = validate_jobs(jobs, catalog)
        validated = time.perf_counter()
        prices = PriceTable.load()
        costs = [prices.estimate(catalog.get(job.model), job.inputs) for job in jobs]
        summary = summarize([job.model for job in jobs], costs)
        finished = time.perf_counter()
    print(f"Job set of {count} jobs ({len(lines)} lines): "
          f"{len(problems)} problems, total {summary.total_label()}")
    print(f"  load {parsed - started:.2f} s, validate {validated - parsed:.2f} s, estimate {finished - validated:.2f} s")
    print(f"  load + validate + estimate {finished - started:.2f} s   (target < 2 s)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench engine")
    parser.add_argument("--images", type=int, default=150)
    parser.add_argument("--videos", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--speed", type=float, default=10.0, help="simulator speed-up (latency scale)")
    parser.add_argument("--download-mb", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--only", choices=["throughput", "download", "load"])
    args = parser.parse_args(argv)
    if args.only in (None, "load"):
        load_ten_thousand(args.jobs)
    if args.only in (None, "download"):
        big_download(args.download_mb)
    if args.only in (None, "throughput"):
        throughput(args.images, args.videos, args.concurrency, args.speed)
    return 0
