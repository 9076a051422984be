"""Catalog figures: what a live catalog of real size adds to `batch-studio run --estimate`.

Each figure is the wall time of the real CLI in a subprocess (`python -m app run JOBSET
--estimate`, one job) against the simulator serving N models whose schema documents each
take a set latency, with its own fresh cache folder:
- baseline: the same run against a simulator with only the bundled models, no schema
  latency, and a warm cache (the CLI's own cost: start-up, job set, quote);
- first run: empty cache (model list, then the one schema the job uses);
- later run: the cache those runs left;
- stale list: the cached list is older than its max age, so it is fetched again (schemas
  stay cached).
The catalog work alone is also timed in-process, without the noise of a process start:
the model-list refresh, a cold load (list + one schema) and a warm one.
Targets (issue 12): first <= baseline + 2 s, later <= baseline + 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

from app.engine.atlas.catalog import CACHE_FILE, CatalogService
from app.engine.atlas.client import AtlasClient
from app.sim import DEMO_KEY, SimServer

ROOT = Path(__file__).resolve().parents[2]
JOB_MODEL = "google/imagen4"
TARGET_FIRST = 2.0
TARGET_LATER = 0.3
JOBSET = f"""schema_version: 1
jobs:
- name: catalog bench
  model: {JOB_MODEL}
  inputs: {{prompt: a lighthouse at dusk}}
"""


class Profile:
    """A user's folders (cache, data, config) in a temp dir, and the environment pointing at them."""

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.env = {**os.environ, "ATLASCLOUD_BASE_URL": base_url, "ATLASCLOUD_API_KEY": DEMO_KEY,
                    "HOME": str(root), "XDG_CACHE_HOME": str(root / "cache"), "XDG_DATA_HOME": str(root / "data"),
                    "XDG_CONFIG_HOME": str(root / "config"), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
        self.env.pop("ATLAS_CLOUD_API_KEY", None)

    @property
    def catalog_cache(self) -> Path:
        return self.root / "cache" / "batch-studio" / CACHE_FILE


def run_estimate(jobset_path: Path, profile: Profile) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "app", "run", str(jobset_path), "--estimate"], cwd=ROOT,
                            env=profile.env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or "Total for 1 job(s)" not in result.stdout:
        raise SystemExit(f"the estimate run failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def age_the_list(profile: Profile, hours: float) -> None:
    cached = json.loads(profile.catalog_cache.read_text(encoding="utf-8"))
    cached["fetched_at"] = (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat(timespec="seconds")
    profile.catalog_cache.write_text(json.dumps(cached), encoding="utf-8")


def requests_by_kind(server: SimServer, since: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in server.log_entries()[since:]:
        kind = entry.get("kind", "?") + (" (304)" if entry.get("not_modified") else "")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def measure(server: SimServer, jobset_path: Path, work: Path, label: str, repeat: int, *,
            cold: bool = False, stale_list: bool = False) -> tuple[float, list[float], dict[str, int]]:
    """Median wall time of ``repeat`` runs; a cold run gets a new profile each time."""
    times = []
    shared = Profile(work / f"{label}-warm", server.base_url)
    if not cold:
        run_estimate(jobset_path, shared)  # fills the cache the measured runs use
    log_start = len(server.log_entries())
    for index in range(repeat):
        profile = Profile(work / f"{label}-{index}", server.base_url) if cold else shared
        if stale_list:
            age_the_list(profile, hours=7)
        times.append(run_estimate(jobset_path, profile))
    counts = {kind: round(n / repeat, 1) for kind, n in requests_by_kind(server, log_start).items()}
    return statistics.median(times), times, counts


def in_process_seconds(server: SimServer, work: Path, repeat: int) -> tuple[dict[str, float], int]:
    """The catalog work alone, without the CLI around it (medians): the list refresh, a cold
    load (list + the job's schema) and a warm one (cached list + cached schema)."""
    figures: dict[str, list[float]] = {"list refresh": [], "cold load": [], "warm load": []}

    def service(folder: Path) -> CatalogService:
        return CatalogService(lambda: AtlasClient(server.base_url), folder, base_url=server.base_url)

    for index in range(repeat):
        started = time.perf_counter()
        catalog = service(work / f"refresh-{index}").refresh(force=True)
        figures["list refresh"].append(time.perf_counter() - started)
        if catalog.problem or catalog.source != "live":
            raise SystemExit(f"the list refresh failed: {catalog.problem}")
        for kind in ("cold load", "warm load"):
            started = time.perf_counter()
            catalog = service(work / f"inproc-{index}").refresh()
            failures = catalog.ensure_schemas([JOB_MODEL])
            figures[kind].append(time.perf_counter() - started)
            if failures:
                raise SystemExit(f"the schema fetch failed: {failures}")
    with urllib.request.urlopen(server.base_url + "/api/v1/models", timeout=30) as reply:
        size = len(reply.read())
    return {kind: statistics.median(values) for kind, values in figures.items()}, size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench catalog", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=400, help="generated models besides the bundled ones")
    parser.add_argument("--schema-latency", type=float, default=50.0, metavar="MS",
                        help="delay of every schema document (default 50 ms)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is shown")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as temp:
        work = Path(temp)
        jobset_path = work / "one-job.yaml"
        jobset_path.write_text(JOBSET, encoding="utf-8")
        with SimServer(port=0) as small:
            baseline, baseline_runs, _ = measure(small, jobset_path, work, "baseline", repeat)
        with SimServer(port=0, extra_models=args.models, schema_latency=args.schema_latency / 1000) as big:
            served = len(big.state.catalog.models)
            first, first_runs, first_requests = measure(big, jobset_path, work, "first", repeat, cold=True)
            later, later_runs, later_requests = measure(big, jobset_path, work, "later", repeat)
            stale, stale_runs, stale_requests = measure(big, jobset_path, work, "stale", repeat, stale_list=True)
            in_process, list_bytes = in_process_seconds(big, work, repeat)

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    print(f"Catalog benchmark: {served} models served ({args.models} generated), model list "
          f"{list_bytes / 1e6:.2f} MB, {args.schema_latency:g} ms per schema document; `run --estimate` of one "
          f"{JOB_MODEL} job, median of {repeat} (runs in s)")
    print(f"  baseline (bundled models only, warm cache)  {baseline:6.2f} s   [{runs(baseline_runs)}]")
    print(f"  first run (empty cache)                     {first:6.2f} s   [{runs(first_runs)}]   "
          f"requests per run: {first_requests}")
    print(f"  later run (warm cache)                      {later:6.2f} s   [{runs(later_runs)}]   "
          f"requests per run: {later_requests}")
    print(f"  stale list (list fetched again)             {stale:6.2f} s   [{runs(stale_runs)}]   "
          f"requests per run: {stale_requests}")
    print("  the catalog work alone, in-process: " + ", ".join(f"{kind} {seconds:.3f} s"
                                                          for kind, seconds in in_process.items()))
    verdicts = [("first run adds", first - baseline, TARGET_FIRST), ("later run adds", later - baseline, TARGET_LATER)]
    ok = True
    for label, added, target in verdicts:
        passed = added <= target
        ok = ok and passed
        print(f"  {label} {added:+.2f} s over the baseline (target <= +{target:g} s): {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1
