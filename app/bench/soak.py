"""The durability proof: many jobs against a faulty simulator, the CLI killed with SIGKILL
at random moments and resumed each time. Prints what was lost, paid twice or corrupted
(the answer should be nothing), counting submits from the simulator's own log."""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.sim import DEMO_KEY

FAULTS = "submit429=0.10,submit500=0.02,poll500=0.10,reset=0.02,fail=0.05,moderation=0.02,truncate=0.05"
MODELS = [("google/imagen4", ""), ("google/imagen4-fast", ""), ("black-forest-labs/flux-2-pro/text-to-image",
          ", size: '512*512'"), ("bytedance/seedance-v1.5-pro-fast/text-to-video", ", duration: 4"),
          ("google/veo3.1-fast/text-to-video", ", duration: 4")]


def write_jobs(path: Path, count: int) -> None:
    lines = ["schema_version: 1", "jobs:"]
    for i in range(count):
        model, extra = MODELS[i % 10 % len(MODELS)] if i % 10 < 8 else MODELS[3 + i % 2]
        lines.append(f"- {{name: 'soak {i}', model: {model}, inputs: {{prompt: 'soak job {i}'{extra}}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_files_parse(out: Path) -> list[str]:
    problems = []
    store = out / ".batch-studio" / "jobs.sqlite"
    if store.exists():
        with sqlite3.connect(store) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                problems.append("store failed its integrity check")
            db.execute("SELECT COUNT(*) FROM jobs").fetchone()
    manifest = out / "manifest.json"
    if manifest.exists():
        try:
            json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append(f"manifest does not parse: {exc}")
    return problems


def recovered_from_history(out: Path) -> dict[str, int]:
    """How many jobs the history settled (their timestamps say), from the folder's store."""
    counts = {"recovered": 0, "resubmitted": 0}
    store = out / ".batch-studio" / "jobs.sqlite"
    if store.exists():
        with sqlite3.connect(store) as db:
            for (stamps,) in db.execute("SELECT timestamps FROM jobs"):
                stamps = json.loads(stamps)
                counts["recovered"] += "recovered_at" in stamps
                counts["resubmitted"] += "resubmitted_at" in stamps
    return counts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench soak")
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--speed", type=float, default=40.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", default=FAULTS, help=f"the simulator's faults (default {FAULTS})")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="batch-studio-soak-"))
    out, jobs_file, sim_log = work / "out", work / "jobs.yaml", work / "sim.jsonl"
    write_jobs(jobs_file, args.jobs)
    sim = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", str(args.speed), "--faults",
                            args.faults, "--seed", str(args.seed), "--log", str(sim_log), "--balance", "1000000"],
                           stdout=subprocess.PIPE, text=True)
    base = sim.stdout.readline().split("listening on ", 1)[1].strip()
    env = {**os.environ, "ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": base,
           "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache")}
    command = [sys.executable, "-m", "app", "run", str(jobs_file), "--out", str(out), "--yes",
               "--concurrency", str(args.concurrency)]
    started = time.monotonic()
    kills, parse_problems, runs = 0, [], 0
    try:
        while True:
            resume = ["--resume"] if (out / ".batch-studio" / "jobs.sqlite").exists() else []
            runs += 1
            cli = subprocess.Popen(command + resume, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
            if kills < args.kills:
                try:
                    cli.wait(timeout=rng.uniform(1.0, 6.0))
                except subprocess.TimeoutExpired:
                    cli.send_signal(signal.SIGKILL)
                    cli.wait()
                    cli.stderr.close()
                    kills += 1
                    parse_problems += check_files_parse(out)
                    continue
            _, errors = cli.communicate()
            if cli.returncode not in (0, 1):
                print(f"the CLI ended with exit code {cli.returncode}:\n{errors[-2000:]}", file=sys.stderr)
                return 1
            if kills >= args.kills:
                break
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=60)
    elapsed = time.monotonic() - started
    parse_problems += check_files_parse(out)

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    states = collections.Counter(result["status"] for result in manifest["results"])
    not_final = [r["name"] for r in manifest["results"]
                 if r["status"] not in ("done", "failed", "needs_attention", "cancelled")]
    corrupt = []
    for result in manifest["results"]:
        if result["status"] != "done":
            continue
        path = out / result["local_path"]
        data = path.read_bytes() if path.is_file() else b""
        # A file with its recipe written into it has the hash the manifest records as written.
        written = result.get("sha256_written")
        if (written is None and len(data) != result["bytes"]) or \
                hashlib.sha256(data).hexdigest() != (written or result["sha256"]):
            corrupt.append(result["name"])
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith((".part", ".tmp"))]
    created = collections.Counter()
    for line in sim_log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("kind") == "submit" and entry.get("created"):
            created[entry["body_sha256"]] += 1
    doubles = sum(n - 1 for n in created.values() if n > 1)
    unknown = [r for r in manifest["results"] if r["status"] == "needs_attention"]
    print(f"Soak: {args.jobs} jobs, faults {args.faults}")
    print(f"  CLI runs {runs}, killed with SIGKILL {kills} times, elapsed {elapsed:.0f} s")
    print(f"  final states            {dict(states)}")
    print(f"  tasks created on server {sum(created.values())} for {len(created)} distinct bodies")
    print(f"  lost jobs               {len(not_final)}")
    print(f"  double submits          {doubles}   (counted from the simulator's log)")
    print(f"  corrupt or missing files {len(corrupt)}; leftover partial files {len(leftovers)} {leftovers[:3]}")
    print(f"  store/manifest unreadable after a kill: {len(parse_problems)}")
    recovered = recovered_from_history(out)
    print(f"  lost submit replies found in the account's history and followed: {recovered['recovered']}; "
          f"not created there and resubmitted once: {recovered['resubmitted']}")
    print(f"  needs attention (left for the user): {len(unknown)}")
    ok = not not_final and not doubles and not corrupt and not leftovers and not parse_problems
    print("  RESULT: " + ("nothing lost, nothing paid twice, nothing corrupt" if ok else "FAILED"))
    return 0 if ok else 1
