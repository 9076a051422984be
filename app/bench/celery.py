"""Wall time of a demo batch on 1, 2 and 4 Celery worker processes (a real Redis, the
simulator in its own process). Needs redis-server on the PATH."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.sim import DEMO_KEY


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_redis(port: int) -> None:
    import redis

    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    for _ in range(100):
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")


def one_run(workers: int, jobs_file: Path, args, work: Path) -> float:
    port = _port()
    redis_server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                                     "--dir", str(work)], stdout=subprocess.DEVNULL)
    _wait_for_redis(port)
    sim = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", str(args.speed),
                            "--balance", "1000000"], stdout=subprocess.PIPE, text=True)
    base = sim.stdout.readline().split("listening on ", 1)[1].strip()
    env = {**os.environ, "BATCH_STUDIO_BROKER_URL": f"redis://127.0.0.1:{port}/0", "ATLASCLOUD_API_KEY": DEMO_KEY,
           "ATLASCLOUD_BASE_URL": base, "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
    fleet = [subprocess.Popen([sys.executable, "-m", "app", "worker", "--concurrency", str(args.per_worker),
                               "--name", f"bench{i}@%h"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for i in range(workers)]
    try:
        time.sleep(3)  # the workers connect before the batch starts, so start-up is not measured
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "app", "run", str(jobs_file), "--out", str(work / f"out{workers}"),
                              "--yes", "--executor", "celery", "--concurrency", str(args.global_concurrency)],
                             env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
        if run.returncode != 0:
            raise RuntimeError(run.stderr[-2000:])
        return elapsed
    finally:
        for process in [*fleet, sim]:
            process.send_signal(signal.SIGTERM)
        for process in [*fleet, sim]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        redis_server.send_signal(signal.SIGTERM)
        redis_server.wait(timeout=30)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench celery")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--per-worker", type=int, default=4, help="jobs each worker process runs at once")
    parser.add_argument("--global-concurrency", type=int, default=16, help="the batch's limit across all workers")
    parser.add_argument("--speed", type=float, default=10.0)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args(argv)
    if shutil.which("redis-server") is None:
        print("error: redis-server is not installed (bash packaging/dev.sh installs it)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="batch-studio-celery-"))
    jobs_file = work / "jobs.yaml"
    jobs_file.write_text("schema_version: 1\njobs:\n" + "".join(
        f"- {{name: 'job {i}', model: google/imagen4-fast, inputs: {{prompt: 'celery bench {i}'}}}}\n"
        for i in range(args.jobs)))
    print(f"{args.jobs} demo image jobs, {args.per_worker} at a time per worker, global limit "
          f"{args.global_concurrency}, simulator x{args.speed:g}")
    first = None
    for count in [int(n) for n in args.workers.split(",")]:
        elapsed = one_run(count, jobs_file, args, work)
        first = first or elapsed
        print(f"  {count} worker(s): {elapsed:6.1f} s   speed-up x{first / elapsed:.2f} "
              f"(ideal x{min(count * args.per_worker, args.global_concurrency) / args.per_worker:.0f})")
    shutil.rmtree(work, ignore_errors=True)
    return 0
