"""Wall time of a demo batch on Celery worker processes (a real Redis, the simulator in its own
process). Needs redis-server on the PATH.

scaling: the same batch on 1, 2 and 4 workers.
kill: a batch on two workers, and the same batch with one worker SIGKILLed mid-batch; the
dead worker's jobs move on when their leases lapse, so the kill should cost seconds (target:
at most 1.5x the batch without the kill), and the simulator must count no second submit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app.bench.processes import stop
from app.distributed import config, local_redis
from app.sim import DEMO_KEY

KILL_TARGET = 1.5


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.1)


@dataclass
class Fleet:
    env: dict
    base_url: str
    workers: list[subprocess.Popen]

    def sim_stats(self) -> dict:
        with urllib.request.urlopen(f"{self.base_url}/_sim/stats", timeout=10) as reply:
            return json.loads(reply.read())


@contextlib.contextmanager
def fleet(workers: int, args, work: Path):
    """A fresh Redis, simulator and set of workers, all ready before the batch starts (so
    start-up is not measured), all stopped afterwards."""
    redis_server, port = local_redis.launch(work)
    started: list[subprocess.Popen] = []
    try:
        _wait_for(lambda: local_redis.answers(port), "redis-server answering")
        sim = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", str(args.speed),
                                "--balance", "1000000"], stdout=subprocess.PIPE, text=True)
        started.append(sim)
        base = sim.stdout.readline().split("listening on ", 1)[1].strip()
        env = {**os.environ, "BATCH_STUDIO_BROKER_URL": f"redis://127.0.0.1:{port}/0",
               "ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": base,
               "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
        logs = []
        for i in range(workers):
            log = work / f"worker-{port}-{i}.log"
            logs.append(log)
            with open(log, "w") as sink:
                started.append(subprocess.Popen(
                    [sys.executable, "-m", "app", "worker", "--concurrency", str(args.per_worker),
                     "--name", f"bench{i}@%h"], env=env, stdout=sink, stderr=subprocess.STDOUT))
        def all_ready() -> bool:
            for worker, log in zip(started[1:], logs):
                if worker.poll() is not None:
                    raise RuntimeError(f"a worker exited at start-up:\n{log.read_text()[-2000:]}")
            return all(" ready." in log.read_text() for log in logs)

        _wait_for(all_ready, "every worker ready", timeout=120)
        yield Fleet(env, base, started[1:])
    finally:
        for process in [*reversed(started), redis_server]:
            stop(process)


def time_batch(crew: Fleet, jobs_file: Path, out: Path, concurrency: int, kill_at: float | None = None) -> tuple[float, dict]:
    """Seconds from enqueueing to the coordinator's exit, and its summary; with ``kill_at``, the
    first worker is SIGKILLed that many seconds into the batch."""
    started = time.monotonic()
    run = subprocess.Popen([sys.executable, "-m", "app", "run", str(jobs_file), "--out", str(out), "--yes", "--json",
                            "--executor", "celery", "--concurrency", str(concurrency)],
                           env=crew.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_at is not None:
        try:
            run.wait(timeout=kill_at)
        except subprocess.TimeoutExpired:
            crew.workers[0].send_signal(signal.SIGKILL)
            crew.workers[0].wait()
    stdout, stderr = run.communicate()
    elapsed = time.monotonic() - started
    if run.returncode not in (0, 1):  # 1: some job did not end as done (reported, not fatal here)
        raise RuntimeError(stderr[-2000:] or stdout[-2000:])
    return elapsed, json.loads(stdout.splitlines()[-1])


def _jobs(work: Path, count: int, tag: str) -> Path:
    path = work / f"jobs-{tag}.yaml"
    path.write_text("schema_version: 1\njobs:\n" + "".join(
        f"- {{name: 'job {i}', model: google/imagen4-fast, inputs: {{prompt: 'celery bench {tag} {i}'}}}}\n"
        for i in range(count)))
    return path


def scaling(args, work: Path) -> None:
    jobs_file = _jobs(work, args.jobs, "scaling")
    print(f"scaling: {args.jobs} demo image jobs, {args.per_worker} at a time per worker, global limit "
          f"{args.global_concurrency}, simulator x{args.speed:g}")
    first = None
    for count in [int(n) for n in args.workers.split(",")]:
        with fleet(count, args, work) as crew:
            elapsed, _ = time_batch(crew, jobs_file, work / f"out-scaling-{count}", args.global_concurrency)
        first = first or elapsed
        print(f"  {count} worker(s): {elapsed:6.1f} s   speed-up x{first / elapsed:.2f} "
              f"(ideal x{min(count * args.per_worker, args.global_concurrency) / args.per_worker:.0f})")


def kill(args, work: Path) -> bool:
    kill_args = argparse.Namespace(**{**vars(args), "speed": args.kill_speed, "per_worker": args.kill_per_worker})
    print(f"kill: {args.kill_jobs} demo image jobs on 2 workers ({args.kill_per_worker} threads each, global limit "
          f"{args.kill_concurrency}), simulator x{args.kill_speed:g}; one worker SIGKILLed {args.kill_at:g} s in; "
          f"job lease {config.lease_seconds():g} s ({config.waiting_lease_seconds():g} s while waiting for a slot), "
          f"visibility timeout {config.visibility_timeout()} s")
    ratios, doubles, unfinished = [], 0, 0
    for attempt in range(args.repeat):
        times = {}
        for case, kill_at in (("no kill", None), ("kill", args.kill_at)):
            jobs_file = _jobs(work, args.kill_jobs, f"{attempt}-{case.replace(' ', '')}")
            with fleet(2, kill_args, work) as crew:
                elapsed, summary = time_batch(crew, jobs_file, work / f"out-kill-{attempt}-{case.replace(' ', '')}",
                                              args.kill_concurrency, kill_at)
                stats = crew.sim_stats()
            times[case] = elapsed
            doubles += stats["duplicate_submits"]
            states = {state: n for state, n in summary["states"].items() if n}
            unfinished += summary["jobs"] - states.get("done", 0)
            print(f"  run {attempt + 1}, {case:7}: {elapsed:6.1f} s   submits {stats['tasks_created']:3d} for "
                  f"{summary['jobs']} jobs, double submits {stats['duplicate_submits']}, states {states}")
        ratios.append(times["kill"] / times["no kill"])
        print(f"  run {attempt + 1}: killed / not killed = x{ratios[-1]:.2f} (target at most x{KILL_TARGET:g})")
    spread = f" (runs: {', '.join(f'x{r:.2f}' for r in ratios)})" if len(ratios) > 1 else ""
    print(f"  kill cost: median x{statistics.median(ratios):.2f}{spread}; double submits {doubles}; "
          f"jobs not done {unfinished}")
    return doubles == 0 and statistics.median(ratios) <= KILL_TARGET


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench celery")
    parser.add_argument("--cases", default="scaling,kill", help="scaling, kill, or both (comma-separated)")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--per-worker", type=int, default=4, help="jobs each worker process runs at once")
    parser.add_argument("--global-concurrency", type=int, default=16, help="the batch's limit across all workers")
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--kill-jobs", type=int, default=30)
    parser.add_argument("--kill-at", type=float, default=6.0, help="seconds into the batch the worker is killed")
    parser.add_argument("--kill-speed", type=float, default=1.0)
    parser.add_argument("--kill-concurrency", type=int, default=8, help="the kill case's global limit")
    parser.add_argument("--kill-per-worker", type=int, default=8,
                        help="threads per worker in the kill case; at the global limit, one worker can carry the "
                             "batch alone, so the figure is what the death costs, not the capacity it removes")
    parser.add_argument("--repeat", type=int, default=1, help="kill case: pairs of runs (noise on a shared machine)")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        print("error: redis-server is not installed (bash packaging/dev.sh installs it)", file=sys.stderr)
        return 2
    cases = {case.strip() for case in args.cases.split(",")}
    work = Path(tempfile.mkdtemp(prefix="batch-studio-celery-"))
    within_target = True
    try:
        if "scaling" in cases:
            scaling(args, work)
        if "kill" in cases:
            within_target = kill(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if within_target else 1
