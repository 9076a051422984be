"""Scale figures: does a job cost the same in a batch of 1,000, 10,000 and 50,000?

For each size, the CLI (``batch-studio run --json``) runs Flux jobs at concurrency 32 against
the simulator in a process of its own (``--speed 1000 --cheap-media``: server time and output
drawing are negligible, so the figures are the client's), in a fresh profile. Then:
- client CPU per job, wall time and peak RSS of the CLI process;
- bytes written for the manifest and for the store (and the rest), against their final sizes;
- that manifest.json matches the store exactly, job by job;
- resume: opening the store and planning the batch again;
- ``batch-studio picks`` on the folder;
- optionally (``--window``) the window's load time for the job set, and its longest stall
  while it runs a batch of that size (``--window-batch``).

``--client-path DIR`` runs the CLI from another copy of the code (an older commit unpacked
there), for the "before" figures; the simulator always comes from this copy.

``--store-only`` skips the run: each size's folder is a finished batch written straight into a
store (every job done, one small file each), so resume and ``picks`` at 50,000 jobs are timed in
a minute instead of after a run of twelve.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.bench.processes import simulator_process

SIZES = (1_000, 10_000, 50_000)
MODEL = "black-forest-labs/flux-2-pro/text-to-image"
TARGETS = {"cpu_ratio": 1.25, "cpu_ms": 10.0, "bytes_ratio": 20.0, "rss_mb": 400.0, "resume_s": 3.0,
           "picks_s": 3.0}


def write_jobset(path: Path, count: int) -> None:
    lines = ["schema_version: 1", "jobs:"]
    lines += [f"- {{name: 'sku {i:05d}', model: {MODEL}, inputs: {{prompt: 'product shot {i}', size: '1024*1024'}}}}"
              for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _profile_env(home: Path, base_url: str | None = None, client_path: str | None = None) -> dict:
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
           "XDG_CONFIG_HOME": str(home / "config"), "QT_QPA_PLATFORM": "offscreen"}
    if base_url:
        from app.sim import DEMO_KEY

        env["ATLASCLOUD_BASE_URL"] = base_url
        env["ATLASCLOUD_API_KEY"] = DEMO_KEY
    if client_path:
        env["PYTHONPATH"] = client_path + os.pathsep + env.get("PYTHONPATH", "")
        env["SCALE_CLIENT_PATH"] = client_path
    return env


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


# --- the child: the CLI, measured from inside ------------------------------------------
def child(stats_path: Path, cli_args: list[str]) -> int:
    """Runs the CLI in this process, counting what the manifest writes cost, then records this
    process's own CPU, peak RSS and bytes written (``wchar``: every write() call)."""
    other = os.environ.get("SCALE_CLIENT_PATH")
    if other:
        # The editable install's finder would hand out this copy's modules whatever the path
        # says: drop it and every app module already imported, then import from the other copy.
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
        for name in [n for n in sys.modules if n == "app" or n.startswith("app.")]:
            del sys.modules[name]
        sys.path.insert(0, other)
    from app.engine.run import manifest

    written = {"manifest": 0, "writes": 0}
    for name in ("atomic_write_text", "atomic_write_bytes"):
        real = getattr(manifest, name, None)
        if real is None:
            continue

        def counting(path, data, _real=real):
            if Path(path).name == manifest.MANIFEST_NAME:
                written["manifest"] += len(data.encode("utf-8") if isinstance(data, str) else data)
                written["writes"] += 1
            return _real(path, data)
        setattr(manifest, name, counting)
    from app.cli import main

    code = main(cli_args)
    streamed = getattr(manifest.ManifestWriter, "total_bytes", 0)  # this copy's writer streams the file
    if streamed:
        written["manifest"] = streamed
        written["writes"] = manifest.ManifestWriter.total_writes
    usage = resource.getrusage(resource.RUSAGE_SELF)
    io_counts = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    stats_path.write_text(json.dumps({"code": code, "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime,
                                      "sys": usage.ru_stime, "vcsw": usage.ru_nvcsw, "ivcsw": usage.ru_nivcsw,
                                      "rss_mb": usage.ru_maxrss / 1024, "wchar": int(io_counts["wchar"]),
                                      "manifest_bytes": written["manifest"], "manifest_writes": written["writes"]}))
    return code


# --- checks and figures after the run ----------------------------------------------------
def manifest_matches_store(out: Path) -> tuple[bool, str]:
    """Job by job: status, prediction id and files of manifest.json against the store."""
    from app.engine.run.store import JobStore

    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    store = JobStore(out)
    try:
        stored = {job.position: job for job in store.load()}
    finally:
        store.close()
    results = {entry["position"]: entry for entry in document["results"]}
    if results.keys() != stored.keys():
        return False, f"{len(results)} results in the manifest, {len(stored)} jobs in the store"
    wrong = [position for position, job in stored.items()
             if (results[position]["status"], results[position]["prediction_id"],
                 [f["path"] for f in results[position]["files"]]) != (job.state.value, job.prediction_id,
                                                                         [f.path for f in job.files])]
    if wrong:
        return False, f"{len(wrong)} job(s) differ, first at position {wrong[0]}"
    return True, f"all {len(stored)} jobs match"


RESUME_SCRIPT = """
import sys, time
from pathlib import Path
from app.engine.atlas.catalog import Catalog
from app.engine.run.planning import plan_resume
from app.engine.run.store import JobStore
catalog = Catalog.snapshot()
out = Path(sys.argv[1])
started = time.perf_counter()
store = JobStore(out)
records = plan_resume(store, catalog, out)
print(time.perf_counter() - started, len(records))
store.close()
"""


def resume_seconds(out: Path, env: dict) -> float:
    # Started in the folder: from the checkout, "-c" and "-m" would import the checkout's own
    # code first, whatever --client-path put on the path.
    result = subprocess.run([sys.executable, "-c", RESUME_SCRIPT, str(out)], env=env, capture_output=True,
                            text=True, check=True, cwd=out)
    return float(result.stdout.split()[0])


def picks_seconds(out: Path, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "picks", str(out)], env=env, capture_output=True, check=True,
                   cwd=out)
    return time.perf_counter() - started


def finished_folder(out: Path, count: int) -> None:
    """A batch of ``count`` Flux jobs as the store holds it once every job is done: ids, URLs,
    files (one byte each, so the folder scan is real), request ids and timestamps."""
    from app.engine.atlas.catalog import Catalog
    from app.engine.jobs.spec import JobSpec
    from app.engine.run.planning import queued_records
    from app.engine.run.records import JobState, OutputFile
    from app.engine.run.store import JobStore

    specs = [JobSpec(f"sku {i:05d}", MODEL, {"prompt": f"product shot {i}", "size": "1024*1024"}) for i in range(count)]
    records = queued_records(specs, Catalog.snapshot())
    (out / "images").mkdir(parents=True, exist_ok=True)
    now = time.time()
    for record in records:
        record.state, record.prediction_id = JobState.DONE, f"{record.index:08x}{'0' * 24}"
        record.output_urls = [f"https://example.invalid/outputs/{record.prediction_id}.png"]
        record.planned_paths = [f"images/sku {record.index:05d}.png"]
        record.files = [OutputFile(record.output_urls[0], record.planned_paths[0], 1, "0" * 64, "1" * 64, "embedded")]
        record.request_ids = [f"req-{record.index}-{step}" for step in ("submit", "poll", "download")]
        record.timestamps.update({f"{state}_at": now for state in ("submitting", "submitted", "running",
                                                                     "downloading", "done")})
        (out / record.planned_paths[0]).write_bytes(b"x")
    store = JobStore(out)
    try:
        store.new_batch(records)
    finally:
        store.close()


def store_only_size(count: int, scratch: Path, args) -> dict:
    folder = scratch / f"n{count}"
    out = folder / "out"
    finished_folder(out, count)
    env = _profile_env(folder / "profile", client_path=args.client_path)
    return {"jobs": count, "resume_s": resume_seconds(out, env), "picks_s": picks_seconds(out, env)}


def run_size(count: int, scratch: Path, args) -> dict:
    folder = scratch / f"n{count}"
    folder.mkdir(parents=True)
    jobs = folder / "jobs.yaml"
    write_jobset(jobs, count)
    out = folder / "out"
    stats = folder / "stats.json"
    # A balance for 50,000 Flux jobs and more (the default $1,000 buys 25,000).
    with simulator_process("--speed", str(args.speed), "--cheap-media", "--duration-spread", "0",
                           "--balance", str(max(1000, count * 0.1))) as base_url:
        env = _profile_env(folder / "profile", base_url, args.client_path)
        started = time.perf_counter()
        with open(folder / "stdout.jsonl", "wb") as stdout:
            code = subprocess.run([sys.executable, "-m", "app.bench.scale", "--child", str(stats), "run", str(jobs),
                                   "--out", str(out), "--json", "--yes", "--concurrency", str(args.concurrency)],
                                  env=env, stdout=stdout, stderr=subprocess.PIPE, text=False).returncode
        wall = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the CLI ended with {code} at {count} jobs; see {folder}")
    figures = json.loads(stats.read_text())
    store_files = [out / ".batch-studio" / name for name in ("jobs.sqlite", "jobs.sqlite-wal")]
    store_size = sum(p.stat().st_size for p in store_files if p.exists())
    manifest_size = (out / "manifest.json").stat().st_size
    outputs = _folder_bytes(out) - _folder_bytes(out / ".batch-studio") - manifest_size
    # What else the process wrote: the outputs it downloaded, its stdout and its profile (log,
    # timing history, spend ledger). The rest is the store (pages, WAL and checkpoints).
    other = outputs + (folder / "stdout.jsonl").stat().st_size + _folder_bytes(folder / "profile")
    store_written = max(0, figures["wchar"] - figures["manifest_bytes"] - other)
    matches, detail = manifest_matches_store(out)
    env = _profile_env(folder / "profile", client_path=args.client_path)
    figures.update(jobs=count, wall=wall, cpu_ms=figures["cpu"] / count * 1000, store_written=store_written,
                   store_size=store_size, manifest_size=manifest_size, matches=matches, match_detail=detail,
                   bytes_ratio=(figures["manifest_bytes"] + store_written) / (manifest_size + store_size),
                   resume_s=resume_seconds(out, env), picks_s=picks_seconds(out, env))
    if args.window:
        figures.update(window_figures(jobs, env, args))
    return figures


def window_figures(jobs: Path, env: dict, args) -> dict:
    """The window's figures at this size, from a process of its own (app.bench.scalewindow)."""
    command = [sys.executable, "-m", "app.bench.scalewindow", "--jobset", str(jobs), "--json"]
    if args.window_batch:
        command += ["--run", "--speed", str(args.speed), "--concurrency", str(args.concurrency)]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return {"window_error": result.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def print_figures(row: dict) -> None:
    mb = 1024 * 1024
    print(f"{row['jobs']:>6} jobs: CPU {row['cpu_ms']:.2f} ms/job ({row['cpu']:.1f} s), wall {row['wall']:.1f} s, "
          f"peak RSS {row['rss_mb']:.0f} MB", flush=True)
    if "user" in row:  # where the CPU goes: user or kernel time, and how often threads gave way
        jobs = row["jobs"]
        print(f"        CPU per job: user {row['user'] / jobs * 1000:.2f} ms, sys {row['sys'] / jobs * 1000:.2f} ms; "
              f"context switches per job: {row['vcsw'] / jobs:.0f} voluntary, {row['ivcsw'] / jobs:.0f} involuntary",
              flush=True)
    print(f"        manifest written {row['manifest_bytes'] / mb:.1f} MB in {row['manifest_writes']} writes "
          f"(final {row['manifest_size'] / mb:.2f} MB); store written {row['store_written'] / mb:.1f} MB "
          f"(final {row['store_size'] / mb:.2f} MB); together {row['bytes_ratio']:.1f}x their final size", flush=True)
    print(f"        manifest == store: {'yes' if row['matches'] else 'NO'} ({row['match_detail']}); "
          f"resume {row['resume_s']:.2f} s; picks {row['picks_s']:.2f} s", flush=True)
    if "window_load_s" in row:
        stall = (f"; while it runs the batch: longest stall {row['window_stall_ms']:.0f} ms, "
                 f"{row['window_stalls_over_50']} over 50 ms, the Run click {row['window_click_ms']:.0f} ms, "
                 f"{row['window_done']} done") if "window_stall_ms" in row else ""
        print(f"        window: load, validate and price {row['window_load_s']:.2f} s{stall}", flush=True)
    elif "window_error" in row:
        print(f"        window: {row['window_error']}", flush=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return child(Path(argv[1]), argv[2:])
    parser = argparse.ArgumentParser(prog="python -m app.bench scale")
    parser.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")], default=list(SIZES))
    parser.add_argument("--speed", type=float, default=1000.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--window", action="store_true", help="also the window's load time at each size")
    parser.add_argument("--window-batch", action="store_true", help="and its longest stall while it runs the batch")
    parser.add_argument("--client-path", help="run the CLI from this copy of the code (for before/after)")
    parser.add_argument("--keep", action="store_true", help="keep the folders (printed) for a look")
    parser.add_argument("--store-only", action="store_true",
                        help="no run: time resume and picks on a finished batch written straight into a store")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="batch-studio-scale-"))
    if args.store_only:
        for count in args.sizes:
            row = store_only_size(count, scratch, args)
            print(f"{count:>6} jobs (written into a store): resume {row['resume_s']:.2f} s; picks "
                  f"{row['picks_s']:.2f} s (targets <= {TARGETS['resume_s']:g} s each)", flush=True)
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
        return 0
    rows = []
    for count in args.sizes:
        rows.append(run_size(count, scratch, args))
        print_figures(rows[-1])
    smallest, largest = rows[0], rows[-1]
    ratio = largest["cpu_ms"] / smallest["cpu_ms"]
    print(f"CPU per job at {largest['jobs']} against {smallest['jobs']}: {ratio:.2f}x (target <= "
          f"{TARGETS['cpu_ratio']}x, and <= {TARGETS['cpu_ms']:g} ms)")
    failed = [row["jobs"] for row in rows if not row["matches"]]
    print("manifest == store at every size" if not failed else f"manifest != store at {failed}")
    if args.keep:
        print(f"folders kept in {scratch}")
    else:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
