"""The coordinator works by what changed: its view of the batch (latest rows, the count of jobs
not ended, chained jobs by parent), chains started or failed when their parent's row changes,
and the queue read that tells a dead worker's unstarted tasks apart from waiting ones."""

from __future__ import annotations

import json

import redis

from app.distributed.coordinator import BatchView, _queued_task_ids
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.planning import plan_batch
from app.engine.run.records import JobState
from app.sim import SimServer
from tests.distributed.test_celery import coordinator

I2V = "bytedance/seedance-v1.5-pro-fast/image-to-video"


def records(specs):
    return plan_batch(specs, Catalog.snapshot())


def ended(record, state=JobState.DONE):
    import dataclasses

    return dataclasses.replace(record, state=state, manifest_entry=None)


def test_the_view_counts_unfinished_jobs_by_change_not_by_scan():
    batch = records([JobSpec(f"job {i}", "google/imagen4-fast", {"prompt": f"view {i}"}) for i in range(4)])
    batch[3] = ended(batch[3])  # a resumed batch: one ended before
    view = BatchView(batch)
    assert view.unfinished == 3 and view.waiting == 0
    view.replace(ended(batch[0], JobState.SUBMITTED))  # still going: no change in the count
    assert view.unfinished == 3
    view.replace(ended(batch[0]))
    view.replace(ended(batch[0]))  # the same row read again (load_changed rereads the last one)
    assert view.unfinished == 2
    view.replace(ended(batch[1], JobState.FAILED))
    view.replace(ended(batch[2], JobState.NEEDS_ATTENTION))
    assert view.unfinished == 0
    assert [record.state for record in view.snapshot()] == [JobState.DONE, JobState.FAILED,
                                                             JobState.NEEDS_ATTENTION, JobState.DONE]


def test_children_are_released_once_when_their_parent_ends():
    batch = records([JobSpec("still", "google/imagen4-fast", {"prompt": "a shoe"}),
                     JobSpec("spin", I2V, {"prompt": "spin", "duration": 4}, image_from="still"),
                     JobSpec("turn", I2V, {"prompt": "turn", "duration": 4}, image_from="still"),
                     JobSpec("other", "google/imagen4-fast", {"prompt": "a hat"})])
    view = BatchView(batch)
    assert view.waiting == 2 and view.is_waiting(batch[1]) and not view.is_waiting(batch[3])
    assert view.release_children(ended(batch[0], JobState.RUNNING)) == []  # not ended yet
    released = view.release_children(ended(batch[0]))
    assert [child.spec.name for child in released] == ["spin", "turn"] and view.waiting == 0
    assert view.release_children(ended(batch[0])) == []  # its row read again releases nothing
    assert not view.is_waiting(batch[1])


def test_the_queue_read_finds_the_tasks_still_waiting_at_every_priority(redis_url, monkeypatch):
    from app.distributed.tasks import celery_app, run_job

    monkeypatch.setenv("BATCH_STUDIO_BROKER_URL", redis_url)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    broker = celery_app.connection_for_write(redis_url)
    try:
        sent = [run_job.apply_async(args=["/nowhere", 1, position, "batch", 4, "", 1.0, True], priority=priority,
                                    connection=broker).id for position, priority in ((0, 6), (1, 0), (2, 6))]
        assert _queued_task_ids(client) == set(sent)
        client.lpush("batch-studio", "not a task")  # skipped, not fatal
        assert _queued_task_ids(client) == set(sent)
    finally:
        broker.release()
        client.close()


def write_chain(path):
    path.write_text("schema_version: 1\nconcurrency: 4\njobs:\n"
                    "- {name: still, model: google/imagen4-fast, inputs: {prompt: 'a shoe'}}\n"
                    f"- {{name: spin, model: {I2V}, image_from: still, inputs: {{prompt: spin, duration: 4}}}}\n"
                    "- {name: alone, model: google/imagen4-fast, inputs: {prompt: 'a hat'}}\n")


def test_a_chained_job_is_enqueued_when_its_parent_is_done(fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_chain(jobs)
    with SimServer(port=0, speed=50) as sim:
        start_worker("chains")
        run = coordinator(jobs, tmp_path / "out", fleet_env, sim)
        stdout, stderr = run.communicate(timeout=240)
        assert run.returncode == 0, stderr
        assert json.loads(stdout.splitlines()[-1])["states"]["done"] == 3
        assert sim.stats()["tasks_created"] == 3
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {entry["name"]: entry["status"] for entry in manifest["results"]} == {
        "still": "done", "spin": "done", "alone": "done"}


def test_a_chained_job_fails_unsent_when_its_parent_fails(fleet_env, start_worker, tmp_path):
    jobs = tmp_path / "jobs.yaml"
    write_chain(jobs)
    with SimServer(port=0, speed=50, faults="fail=1") as sim:
        start_worker("chains")
        run = coordinator(jobs, tmp_path / "out", fleet_env, sim)
        stdout, stderr = run.communicate(timeout=240)
        assert run.returncode == 1, stderr
        assert json.loads(stdout.splitlines()[-1])["states"]["failed"] == 3
        assert sim.stats()["tasks_created"] == 2  # the parent and the job without one; never the child
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    spin = next(entry for entry in manifest["results"] if entry["name"] == "spin")
    assert spin["status"] == "failed" and 'start image comes from "still"' in spin["error"]
