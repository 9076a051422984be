"""The fleet at scale: a large batch over two Celery workers, one of them SIGKILLed partway.

``python -m app.bench fleet [--jobs 10000]``: a real Redis on loopback, the simulator in its own
process (``--speed 1000 --cheap-media``, so server time and output drawing are negligible), two
workers of 16 threads, and the CLI as the coordinator (``run --executor celery``). When 30% of
the jobs are done one worker is SIGKILLed; with ``--replace`` a fresh worker takes its place.
Printed: wall time; jobs done, lost (not done) and submitted twice (the simulator's count of a
body it saw more than once); the coordinator's CPU per job (measured inside it, as ``app.bench
scale`` does) against the single-process CLI's; the workers' CPU per job (the killed one's
counted up to its death); and whether ``manifest.json`` equals the store job by job.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from app.bench.processes import simulator_process, stop
from app.bench.scale import manifest_matches_store, write_jobset
from app.distributed import local_redis

# The single-process CLI at 10,000 jobs (README, "python -m app.bench scale"): the target is
# a coordinator that costs at most twice that per job.
SINGLE_PROCESS_MS = 13.4
TARGET_RATIO = 2.0
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU of a live process so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def done_count(store_path: Path) -> int:
    if not store_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0  # the coordinator is still creating it


def _wait_for(condition, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.2)


class Workers:
    """Worker processes, each logging to its own file; CPU read from /proc while they live."""

    def __init__(self, env: dict, work: Path, threads: int):
        self.env, self.work, self.threads = env, work, threads
        self.live: list[subprocess.Popen] = []
        self.cpu_of_dead = 0.0
        self._logs: list[Path] = []

    def start(self) -> subprocess.Popen:
        number = len(self._logs)
        log = self.work / f"worker-{number}.log"
        self._logs.append(log)
        with open(log, "w") as sink:
            worker = subprocess.Popen([sys.executable, "-m", "app", "worker", "--concurrency", str(self.threads),
                                       "--name", f"fleet{number}@%h"], env=self.env, stdout=sink,
                                      stderr=subprocess.STDOUT)
        worker.log_path = log
        self.live.append(worker)
        return worker

    def wait_ready(self) -> None:
        def ready() -> bool:
            for worker in self.live:
                if worker.poll() is not None:
                    raise RuntimeError(f"a worker exited at start-up:\n{worker.log_path.read_text()[-2000:]}")
            return all(" ready." in worker.log_path.read_text() for worker in self.live)

        _wait_for(ready, "every worker ready", 120)

    def kill(self, worker: subprocess.Popen) -> None:
        self.cpu_of_dead += cpu_seconds(worker.pid)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        self.live.remove(worker)

    def cpu(self) -> float:
        return self.cpu_of_dead + sum(cpu_seconds(worker.pid) for worker in self.live if worker.poll() is None)

    def stop_all(self) -> None:
        for worker in self.live:
            stop(worker)


def run_fleet(args, work: Path) -> dict:
    jobs_file = work / "jobs.yaml"
    write_jobset(jobs_file, args.jobs)
    out = work / "out"
    stats_path = work / "coordinator.json"
    redis_server, port = local_redis.launch(work)
    try:
        _wait_for(lambda: local_redis.answers(port), "redis-server answering", 30)
        with simulator_process("--speed", str(args.speed), "--cheap-media", "--duration-spread", "0",
                               "--balance", str(max(1000, args.jobs * 0.1))) as base_url:
            from app.sim import DEMO_KEY

            env = {**os.environ, "BATCH_STUDIO_BROKER_URL": f"redis://127.0.0.1:{port}/0",
                   "ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": base_url,
                   "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache"),
                   "XDG_CONFIG_HOME": str(work / "config"), "QT_QPA_PLATFORM": "offscreen"}
            if args.client_path:
                env["PYTHONPATH"] = args.client_path
            workers = Workers(env, work, args.threads)
            try:
                for _ in range(args.workers):
                    workers.start()
                workers.wait_ready()
                doomed = workers.live[0]
                started = time.perf_counter()
                with open(work / "stdout.jsonl", "wb") as stdout, open(work / "stderr.txt", "wb") as stderr:
                    coordinator = subprocess.Popen(
                        [sys.executable, "-m", "app.bench.scale", "--child", str(stats_path), "run", str(jobs_file),
                         "--out", str(out), "--json", "--yes", "--executor", "celery",
                         "--concurrency", str(args.concurrency)], env=env, stdout=stdout, stderr=stderr)
                    killed_at = None
                    store_path = out / ".batch-studio" / "jobs.sqlite"
                    while coordinator.poll() is None:
                        if killed_at is None and args.kill_at > 0 and done_count(store_path) >= args.kill_at * args.jobs:
                            workers.kill(doomed)
                            killed_at = time.perf_counter() - started
                            if args.replace:
                                workers.start()
                        time.sleep(0.5)
                wall = time.perf_counter() - started
                worker_cpu = workers.cpu()
                with urllib.request.urlopen(f"{base_url}/_sim/stats", timeout=30) as reply:
                    sim = json.loads(reply.read())
            finally:
                workers.stop_all()
    finally:
        stop(redis_server)
    if not stats_path.exists():
        raise SystemExit(f"the coordinator ended with {coordinator.returncode}; see {work / 'stderr.txt'}")
    coordinator_stats = json.loads(stats_path.read_text())
    summary = json.loads((work / "stdout.jsonl").read_text().splitlines()[-1])
    states = {state: n for state, n in summary["states"].items() if n}
    matches, detail = manifest_matches_store(out)
    return {"jobs": args.jobs, "wall": wall, "killed_at": killed_at, "code": coordinator.returncode,
            "states": states, "done": states.get("done", 0), "lost": args.jobs - states.get("done", 0),
            "twice": sim["duplicate_submits"], "tasks_created": sim["tasks_created"],
            "coordinator_ms": coordinator_stats["cpu"] / args.jobs * 1000, "coordinator_rss": coordinator_stats["rss_mb"],
            "worker_ms": worker_cpu / args.jobs * 1000, "matches": matches, "match_detail": detail}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench fleet")
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--concurrency", type=int, default=32, help="the batch's limit across the fleet")
    parser.add_argument("--speed", type=float, default=1000.0)
    parser.add_argument("--kill-at", type=float, default=0.3, help="share of jobs done when a worker is SIGKILLed "
                                                                     "(0: no kill)")
    parser.add_argument("--replace", action="store_true", help="start a fresh worker in the killed one's place")
    parser.add_argument("--client-path", help="run the workers and coordinator from another copy of the code")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, store, manifest)")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        print("error: redis-server is not installed (bash packaging/dev.sh installs it)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="batch-studio-fleet-"))
    try:
        row = run_fleet(args, work)
    finally:
        if args.keep:
            print(f"scratch kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    kill = (f"one SIGKILLed at {args.kill_at:.0%} done ({row['killed_at']:.0f} s in)"
            + (", replaced" if args.replace else "") if row["killed_at"] is not None else "no kill")
    print(f"fleet: {args.jobs} Flux jobs, {args.workers} workers x {args.threads} threads, limit {args.concurrency}, "
          f"simulator x{args.speed:g} cheap media; {kill}")
    ratio = row["coordinator_ms"] / SINGLE_PROCESS_MS
    print(f"  wall {row['wall']:.1f} s   exit {row['code']}   states {row['states']}")
    print(f"  done {row['done']}   lost {row['lost']}   submitted twice {row['twice']}   "
          f"tasks created {row['tasks_created']}")
    print(f"  coordinator CPU {row['coordinator_ms']:.1f} ms/job (x{ratio:.2f} the single-process "
          f"{SINGLE_PROCESS_MS} ms; target <= x{TARGET_RATIO:g}), peak RSS {row['coordinator_rss']:.0f} MB")
    print(f"  workers CPU {row['worker_ms']:.1f} ms/job (all workers, the killed one up to its death)")
    print(f"  manifest == store: {'yes' if row['matches'] else 'NO'} ({row['match_detail']})")
    ok = row["lost"] == 0 and row["twice"] == 0 and row["matches"] and ratio <= TARGET_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
