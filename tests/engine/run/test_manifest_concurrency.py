"""The manifest's background writer against job threads changing records under it: whatever
it wrote mid-batch, the document at the batch's end is the store, job by job."""

from __future__ import annotations

import json
import threading

from app.engine.run import manifest
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.manifestpump import ManifestPump
from app.engine.run.planning import plan_batch
from app.engine.run.records import JobState, OutputFile
from app.engine.run.store import JobStore

STEPS = (JobState.SUBMITTING, JobState.SUBMITTED, JobState.RUNNING, JobState.DOWNLOADING, JobState.DONE)


def test_the_final_manifest_equals_the_store_while_many_threads_change_records(tmp_path):
    catalog = Catalog.snapshot()
    records = plan_batch([JobSpec(f"job {i}", "google/imagen4", {"prompt": f"p {i}"}) for i in range(400)], catalog)
    store = JobStore(tmp_path)
    store.new_batch(records)
    writer = manifest.ManifestWriter(tmp_path, interval=0, store=store)

    def head():
        return manifest.head(records, batch={"status": "running"}, mode="live", base_url="http://sim")

    # A rewrite whenever anything changed: the writer reads records while they change.
    pump = ManifestPump(lambda: writer.write_records(head, records, force=True), len(records),
                        interval=0.0005, max_staleness=0)
    pump.start()
    start = threading.Barrier(16)

    def work(mine):
        start.wait()
        for step in STEPS:
            for record in mine:
                # A change in several parts, as the runner makes them: the writer may build the
                # entry between any two of them.
                if step == JobState.SUBMITTED:
                    record.prediction_id = f"pred-{record.index}"
                record.move(step)
                if step == JobState.DONE:
                    record.files = [OutputFile(url="u", path=f"out/{record.index}.png", bytes=1, sha256="x")]
                    record.error = None
                record.changed()
                store.save(record)
                pump.poke()

    threads = [threading.Thread(target=work, args=(records[n::16],)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pump.finish()
    assert writer.writes > 2  # it really wrote while the records changed

    written = json.loads((tmp_path / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))
    stored = {job.position: job for job in store.load()}
    store.close()
    assert len(written["results"]) == len(stored) == 400
    for entry in written["results"]:
        job = stored[entry["position"]]
        assert (entry["status"], entry["prediction_id"], [f["path"] for f in entry["files"]]) == (
            job.state.value, job.prediction_id, [f.path for f in job.files])
    assert written["successful"] == 400


def test_an_entry_built_from_a_half_changed_record_is_not_reused(tmp_path):
    """The race of the 5,000-job run, step by step: the writer reads the version, the job thread
    changes the record and bumps it, the writer stores what it built: the next write builds anew."""
    record = plan_batch([JobSpec("job", "google/imagen4", {"prompt": "p"})], Catalog.snapshot())[0]
    record.move(JobState.SUBMITTING)
    record.changed()
    stale_version = record.version
    half_built = manifest._result_line(manifest._result_entry(record))  # read mid-change
    record.move(JobState.FAILED)
    record.changed()
    record.manifest_entry = (stale_version, half_built)  # stored after the change, as the writer would
    assert '"status": "failed"' in manifest.record_line(record, {}, {})


def test_the_pump_never_makes_a_job_thread_wait(tmp_path):
    writer = manifest.ManifestWriter(tmp_path, interval=0)
    blocked = threading.Event()
    release = threading.Event()

    def slow_document():
        blocked.set()
        release.wait(10)
        return {"schema_version": 1, "results": []}

    pump = ManifestPump(lambda: writer.write(slow_document, force=True), 1, interval=0.001, max_staleness=0)
    pump.poke()
    pump.start()
    assert blocked.wait(10)
    pump.poke()  # while the writer is in the middle of a write: returns at once
    assert not writer.write(slow_document)  # an unforced write finds it busy and does not queue
    release.set()
    pump.stop()
