"""The job store, resume after a crash, queue control and adaptive rate limits."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.engine.atlas import errors
from app.engine.atlas.catalog import Catalog
from app.engine.core.fileio import NewerVersionError
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.run.runner import Limits, ModelLimiter
from app.engine.run.store import JobStore
from tests.fakes.atlas import FakeAtlas
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner, resumed_runner

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


@pytest.fixture
def out(tmp_path):
    return tmp_path / "out"


def jobs(count, model="google/imagen4"):
    return [JobSpec(f"job {i}", model, {"prompt": f"prompt {i}"}) for i in range(count)]


def runner_for(specs, fake, catalog, out, store, *, limits=Limits(concurrency=2), **connections):
    clock = ManualClock()
    return new_runner(specs, catalog, out, limits=limits, store=store, client=fake, clock=clock, sleep=clock.sleep,
                      **connections)


def test_every_change_is_in_the_store_and_the_id_before_submitted_is_said(catalog, out):
    fake = FakeAtlas()
    store = JobStore(out)
    seen_in_store = []

    def on_event(event):
        if event.state == "submitted":
            stored = {j.position: j for j in store.load()}[event.job_index]
            seen_in_store.append(stored.prediction_id)

    runner = runner_for(jobs(3), fake, catalog, out, store, on_event=on_event)
    runner.run()
    assert seen_in_store == [e for e in seen_in_store if e] and len(seen_in_store) == 3
    stored = store.load()
    assert [j.state for j in stored] == [JobState.DONE] * 3
    assert all(j.files and j.files[0].sha256 and j.prediction_id for j in stored)
    assert store.check() == "ok"
    store.close()


def test_a_newer_store_is_refused(out):
    store = JobStore(out)
    store.set_meta("schema_version", "99")
    store.close()
    with pytest.raises(NewerVersionError, match="newer Batch Studio"):
        JobStore(out)


def crash_after(fake, prompt, states):
    """Simulates a process that died with the store in the given states."""
    def stop_at(event):
        if event.job_name == prompt and event.state in states:
            raise SystemExit  # never reached by the runner's own handlers
    return stop_at


def test_resume_follows_submitted_jobs_and_never_submits_them_again(catalog, out):
    fake = FakeAtlas()
    fake.poll_plan["prompt 0"] = ["processing"] * 3 + ["completed"]
    store = JobStore(out)
    runner = runner_for(jobs(3), fake, catalog, out, store, limits=Limits(concurrency=1))
    # Stop after the first job was submitted: the later jobs are still queued.
    records = runner.records
    runner.pause()
    runner.records[0].state = JobState.QUEUED
    runner._halt = None
    original_poll = fake.poll

    def die_on_first_poll(prediction_id):
        raise KeyboardInterrupt

    fake.poll = die_on_first_poll
    with pytest.raises(KeyboardInterrupt):
        runner._run_job(records[0])
    assert store.load()[0].state == JobState.SUBMITTED and store.load()[0].prediction_id == "pred-0"
    store.close()

    fake.poll = original_poll
    store = JobStore(out)
    resumed = resumed_runner(store, catalog, out, limits=Limits(concurrency=2), client=fake, clock=ManualClock(),
                             sleep=lambda s: None)
    result = resumed.run()
    assert [r.state for r in result.records] == [JobState.DONE] * 3
    assert fake.submits_of("prompt 0") == 1 and len(fake.submitted) == 3
    store.close()


def test_a_job_caught_mid_submit_needs_a_decision(catalog, out):
    store = JobStore(out)
    runner = runner_for(jobs(2), FakeAtlas(), catalog, out, store)
    record = runner.records[0]
    record.move(JobState.SUBMITTING)
    store.save(record)
    store.close()
    fake = FakeAtlas()
    store = JobStore(out)
    resumed = resumed_runner(store, catalog, out, client=fake, clock=ManualClock(), sleep=lambda s: None)
    result = resumed.run()
    assert result.records[0].state == JobState.NEEDS_ATTENTION and "resubmit or drop" in result.records[0].error
    assert result.records[1].state == JobState.DONE and fake.submits_of("prompt 0") == 0
    store.close()


def test_retry_failed_requeues_only_the_failed(catalog, out):
    fake = FakeAtlas()
    fake.poll_plan["prompt 1"] = [("failed", "boom", None)]
    store = JobStore(out)
    runner_for(jobs(3), fake, catalog, out, store).run()
    store.close()
    fake.poll_plan.pop("prompt 1")
    store = JobStore(out)
    again = resumed_runner(store, catalog, out, retry_failed=True, client=fake, clock=ManualClock(),
                           sleep=lambda s: None)
    result = again.run()
    assert [r.state for r in result.records] == [JobState.DONE] * 3
    assert fake.submits_of("prompt 0") == 1 and fake.submits_of("prompt 1") == 2
    store.close()


def test_a_resumed_download_reuses_its_name_and_leaves_no_partial_file(catalog, out):
    fake = FakeAtlas()
    store = JobStore(out)
    runner = runner_for(jobs(1), fake, catalog, out, store)
    runner.run()
    # Rewind to the moment of a kill mid-download: the state says downloading, the final
    # file is not there yet, a half-written temporary file is.
    record = runner.records[0]
    record.state, record.files = JobState.DOWNLOADING, []
    store.save(record)
    (out / "images" / "job 0.png").unlink()
    (out / "images" / ".job 0.png.abc123.part").write_bytes(b"half")
    (out / ".manifest.json.k2j3.tmp").write_text("{cut sh")
    store.close()
    store = JobStore(out)
    assert store.load()[0].planned_paths == ["images/job 0.png"]
    result = resumed_runner(store, catalog, out, client=fake, clock=ManualClock(), sleep=lambda s: None).run()
    assert result.records[0].state == JobState.DONE
    assert sorted(p.name for p in (out / "images").iterdir()) == ["job 0.png"]
    assert not list(out.glob(".manifest.json.*.tmp"))
    assert len(fake.submitted) == 1
    store.close()


def test_queue_order_and_held_jobs(catalog, out):
    fake = FakeAtlas()
    runner = runner_for(jobs(4), fake, catalog, out, None, limits=Limits(concurrency=1))
    runner.move(3, "top")
    runner.pause_job(1)
    result = runner.run()
    assert [b["prompt"] for b in fake.submitted] == ["prompt 3", "prompt 0", "prompt 2"]
    assert result.status == "paused" and "held back" in result.reason
    assert result.records[1].state == JobState.QUEUED
    runner.pause_job(1, paused=False)
    assert runner.run().status == "finished" and fake.submits_of("prompt 1") == 1


def test_429_halves_the_model_concurrency_and_it_recovers():
    limiter = ModelLimiter(8)
    assert limiter.rate_limited("m") == 4 and limiter.rate_limited("m") == 2
    for _ in range(2):
        limiter.succeeded("m")
    assert limiter.limits["m"] == 3
    for _ in range(30):
        limiter.succeeded("m")
    assert limiter.limits["m"] == 8 and limiter.throttled() == {}


def test_the_runner_reports_throttling(catalog, out):
    fake = FakeAtlas()
    fake.submit_plan["prompt 0"] = [errors.RateLimitedError("429", status=429)]
    events = []
    runner_for(jobs(2), fake, catalog, out, None, limits=Limits(concurrency=4), on_event=events.append).run()
    assert any(e.kind == "batch" and e.state == "throttled" and "2 at a time" in e.message for e in events)


def test_cli_refuses_a_new_batch_over_an_unfinished_one_and_resumes_it(tmp_path):
    jobs_file = tmp_path / "jobs.yaml"
    jobs_file.write_text("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x}}\n")
    out = tmp_path / "out"
    store = JobStore(out)
    from app.engine.atlas.pricing import Cost
    from app.engine.run.records import JobRecord
    from decimal import Decimal

    model = Catalog.snapshot().get("google/imagen4")
    store.new_batch([JobRecord(0, JobSpec("a", "google/imagen4", {"prompt": "x"}), model,
                               Cost(Decimal("0.04"), "estimate"))])
    store.close()
    env = {**os.environ}
    fresh = subprocess.run([sys.executable, "-m", "app", "run", str(jobs_file), "--demo", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert fresh.returncode == 2 and "--resume" in fresh.stderr
    resumed = subprocess.run([sys.executable, "-m", "app", "run", str(jobs_file), "--demo", "--out", str(out),
                              "--resume", "--demo-speed", "50"], cwd=ROOT, capture_output=True, text=True,
                             timeout=120, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads((out / "manifest.json").read_text())["successful"] == 1


def test_a_kill_during_a_batch_leaves_a_readable_store_and_manifest(tmp_path):
    jobs_file = tmp_path / "jobs.yaml"
    lines = ["schema_version: 1", "jobs:"] + [f"- {{name: j{i}, model: google/imagen4, inputs: {{prompt: p{i}}}}}"
                                             for i in range(40)]
    jobs_file.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "app", "run", str(jobs_file), "--demo", "--out", str(out),
                                "--demo-speed", "5", "--concurrency", "8"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    # Kill as soon as downloads have begun: mid-batch, with files and the manifest being written.
    for line in process.stdout:
        if "downloading" in line:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    json.loads((out / "manifest.json").read_text())
    with sqlite3.connect(out / ".batch-studio" / "jobs.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for path in (out / "images").glob("*.png"):
        assert path.read_bytes()[:4] == b"\x89PNG"


def test_the_daily_cap_counts_every_batch_and_refunds(catalog, out, tmp_path):
    from decimal import Decimal

    from app.engine.run.ledger import SpendLedger

    ledger = SpendLedger(tmp_path / "spend.json")
    ledger.add(Decimal("9.00"))  # spent earlier today by another batch
    fake = FakeAtlas()
    fake.poll_plan["prompt 0"] = [("failed", "boom", None)]
    result = runner_for(jobs(4, "google/veo3.1/text-to-video"), fake, catalog, out, None,
                        limits=Limits(concurrency=1, daily_cap=Decimal("12.50")), ledger=ledger).run()
    # $3.20 a clip: the first fails (refunded), the second fits, the third would pass $12.50.
    assert [r.state for r in result.records][:2] == [JobState.FAILED, JobState.DONE]
    assert result.status == "paused" and "daily cap" in result.reason
    assert ledger.today() == Decimal("12.20")


def test_resume_where_there_is_no_batch_says_so(tmp_path):
    jobs_file = tmp_path / "jobs.yaml"
    jobs_file.write_text("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x}}\n")
    result = subprocess.run([sys.executable, "-m", "app", "run", str(jobs_file), "--demo", "--out",
                             str(tmp_path / "empty"), "--resume"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2 and "holds no batch to resume" in result.stderr
    assert not (tmp_path / "empty" / ".batch-studio").exists()


def test_the_pending_submit_note_shares_the_ids_transaction_and_lazy_columns_read_back(catalog, out):
    """The note is written durably before a submit and leaves in the same commit as the id, never
    on its own; the columns decoded on first read come back as saved."""
    from app.engine.run.planning import queued_records
    from app.engine.run.reconcile import PendingSubmits, SubmitRecovery, RecoveryPolicy

    store = JobStore(out)
    try:
        record = queued_records(jobs(1), catalog)[0]
        store.new_batch([record])
        pending = PendingSubmits(store)
        pending.note(record, {"prompt": "prompt 0"}, 12.5)
        assert pending.get(record) == ({"prompt": "prompt 0"}, 12.5)
        record.prediction_id, record.state = "pred-1", JobState.SUBMITTED
        record.output_urls, record.request_ids = ["https://x/1.png"], ["r1", "r2"]
        recovery = SubmitRecovery(FakeAtlas(), store, RecoveryPolicy(), claimed=set, clock=ManualClock())
        store.save(record, meta=recovery.clear_with_id(record))
        assert pending.get(record) is None
        stored = store.load()[0]
        assert (stored.prediction_id, stored.state) == ("pred-1", JobState.SUBMITTED)
        assert (stored.output_urls, stored.request_ids, stored.planned_paths) == (["https://x/1.png"], ["r1", "r2"], [])
    finally:
        store.close()


def test_collector_paused_restores_the_collector_as_found():
    import gc

    from app.engine.core.gcpause import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a nested read (or another thread's) leaves it off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # found off: left off
    finally:
        gc.enable()
