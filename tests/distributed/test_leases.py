"""Job leases and submit tickets on a real Redis, with the task run in this process: what a
worker does with a job whose previous holder vanished, and what a worker that lost its lease
does (nothing)."""

from __future__ import annotations

import threading

import pytest
import redis

from app.distributed.leases import JobKey, JobLease, SubmitClaim, held_key, reclaim_orphans
from app.distributed.tasks import run_job
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.run.planning import plan_batch
from app.engine.run.store import JobStore
from app.sim import SimServer

BATCH_ID = "run-under-test"
VANISHED = "gone-host:4242:0123456789ab"


@pytest.fixture
def fleet(redis_url, monkeypatch):
    monkeypatch.setenv("BATCH_STUDIO_BROKER_URL", redis_url)
    monkeypatch.setenv("BATCH_STUDIO_LEASE_SECONDS", "0.6")
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def sim():
    with SimServer(port=0, speed=20) as server:
        yield server


def stored_batch(folder, sim, model="google/imagen4-fast", count=1):
    store = JobStore(folder)
    records = plan_batch([JobSpec(f"job {i}", model, {"prompt": f"leases {i}"}) for i in range(count)],
                         Catalog.snapshot())
    return store, store.new_batch(records)


def work_on(folder, batch, sim, position=0, time_scale=1 / 20) -> str:
    return run_job(str(folder), batch, position, BATCH_ID, 4, sim.base_url, time_scale, True)


def state_of(store, batch, position=0):
    return next(job for job in store.load(batch) if job.position == position)


def test_only_a_lapsed_lease_makes_an_orphan_and_each_orphan_is_handed_out_once(fleet, tmp_path):
    live = JobLease(fleet, JobKey(str(tmp_path), 1, 0, BATCH_ID), seconds=30)
    assert live.acquire()
    fleet.hset(held_key(BATCH_ID), 1, VANISHED)  # its holder died: no lease behind the entry
    try:
        assert reclaim_orphans(fleet, BATCH_ID, str(tmp_path), 1) == [1]
        assert reclaim_orphans(fleet, BATCH_ID, str(tmp_path), 1) == []
        assert fleet.hgetall(held_key(BATCH_ID)) == {"0": live.token}
    finally:
        live.release()
    assert fleet.hgetall(held_key(BATCH_ID)) == {}


def test_a_job_that_has_sent_nothing_holds_a_short_lease_and_the_full_one_from_its_submit_claim(fleet, tmp_path):
    key = JobKey(str(tmp_path), 1, 0, BATCH_ID)
    lease = JobLease(fleet, key, seconds=30, waiting_seconds=2)
    assert lease.acquire()
    try:
        assert 0 < fleet.pttl(key.lease) <= 2000
        assert lease.claim_submit() is SubmitClaim.OURS
        assert fleet.pttl(key.lease) > 20000
        assert lease.claim_submit() is SubmitClaim.OURS  # a retry after a 429 claims its own ticket again
    finally:
        lease.release()
    rival = JobLease(fleet, key, seconds=30, waiting_seconds=2)
    assert rival.acquire()
    try:
        assert rival.claim_submit() is SubmitClaim.TAKEN
    finally:
        rival.release()


def test_a_queued_job_left_by_a_vanished_worker_is_submitted_once_and_its_late_redelivery_does_nothing(
        fleet, sim, tmp_path):
    store, batch = stored_batch(tmp_path, sim)
    fleet.hset(held_key(BATCH_ID), 0, VANISHED)
    assert reclaim_orphans(fleet, BATCH_ID, str(tmp_path), batch) == [0]
    assert work_on(tmp_path, batch, sim) == "done"
    assert work_on(tmp_path, batch, sim) == "nothing to do"  # Celery's redelivery of the dead worker's task
    assert state_of(store, batch).state == JobState.DONE
    assert sim.stats()["tasks_created"] == 1 and sim.stats()["duplicate_submits"] == 0
    store.close()


def test_a_job_cut_off_mid_submit_before_its_note_was_never_sent_and_is_submitted_once(fleet, sim, tmp_path):
    # The earlier holder saved "submitting", took the ticket and died before noting the body:
    # every worker notes it before a submit leaves, so nothing reached Atlas.
    store, batch = stored_batch(tmp_path, sim)
    store.update(batch, 0, state=JobState.SUBMITTING)
    fleet.set(JobKey(str(tmp_path), batch, 0, BATCH_ID).ticket, VANISHED)
    assert work_on(tmp_path, batch, sim) == "done"
    assert state_of(store, batch).state == JobState.DONE
    assert sim.stats()["submit_attempts"] == 1 and sim.stats()["duplicate_submits"] == 0
    store.close()


def note_submit(store, batch, sent_at, position=0):
    import json as json_module

    body = {"model": "google/imagen4-fast", "prompt": f"leases {position}"}
    store.set_meta(f"pending-submit:{batch}:{position}", json_module.dumps({"sent_at": sent_at, "body": body}))
    return body


def test_a_noted_submit_absent_from_the_history_is_sent_once_more(fleet, sim, tmp_path):
    # Noted long enough ago that the history would list it by now: it never reached Atlas.
    import time as time_module

    store, batch = stored_batch(tmp_path, sim)
    store.update(batch, 0, state=JobState.SUBMITTING)
    fleet.set(JobKey(str(tmp_path), batch, 0, BATCH_ID).ticket, VANISHED)
    note_submit(store, batch, time_module.time() - 60)
    assert work_on(tmp_path, batch, sim) == "done"
    job = state_of(store, batch)
    assert job.state == JobState.DONE and "resubmitted_at" in job.timestamps and "not_created_at" in job.timestamps
    assert sim.stats()["tasks_created"] == 1 and store.meta(f"pending-submit:{batch}:0") is None
    store.close()


def test_a_second_lost_submit_absent_from_the_history_needs_a_person(fleet, sim, tmp_path):
    import time as time_module

    from app.engine.run.planning import record_from_stored

    store, batch = stored_batch(tmp_path, sim)
    record = record_from_stored(state_of(store, batch), Catalog.snapshot())
    record.state, record.timestamps["resubmitted_at"] = JobState.SUBMITTING, time_module.time() - 90
    store.save(record)
    note_submit(store, batch, time_module.time() - 60)
    assert work_on(tmp_path, batch, sim) == "needs attention"
    job = state_of(store, batch)
    assert job.state == JobState.NEEDS_ATTENTION and "not created at Atlas" in job.error
    assert sim.stats()["submit_attempts"] == 0
    store.close()


def test_a_stored_prediction_id_wins_over_a_leftover_note(fleet, sim, tmp_path):
    # The earlier holder saved the id and died before dropping its note: the id is followed as it is.
    import time as time_module

    import requests

    store, batch = stored_batch(tmp_path, sim)
    body = note_submit(store, batch, time_module.time())
    sent = requests.post(sim.base_url + "/api/v1/model/generateImage", json=body, timeout=10,
                         headers={"Authorization": "Bearer apikey-batch-studio-demo"})
    assert sent.ok
    store.update(batch, 0, state=JobState.SUBMITTED, prediction_id=sent.json()["data"]["id"])
    assert work_on(tmp_path, batch, sim) == "done"
    job = state_of(store, batch)
    assert job.state == JobState.DONE and job.prediction_id == sent.json()["data"]["id"]
    assert sim.stats()["tasks_created"] == 1 and store.meta(f"pending-submit:{batch}:0") is None
    store.close()


def test_a_job_whose_worker_died_after_sending_is_found_in_the_history_and_followed(fleet, sim, tmp_path):
    # The earlier holder claimed the ticket, noted the body, sent it (Atlas created the task) and died.
    import json as json_module
    import time as time_module

    import requests

    store, batch = stored_batch(tmp_path, sim)
    store.update(batch, 0, state=JobState.SUBMITTING)
    fleet.set(JobKey(str(tmp_path), batch, 0, BATCH_ID).ticket, VANISHED)
    body = {"model": "google/imagen4-fast", "prompt": "leases 0"}
    store.set_meta(f"pending-submit:{batch}:0", json_module.dumps({"sent_at": time_module.time(), "body": body}))
    sent = requests.post(sim.base_url + "/api/v1/model/generateImage", json=body, timeout=10,
                         headers={"Authorization": "Bearer apikey-batch-studio-demo"})
    assert sent.ok
    assert work_on(tmp_path, batch, sim) == "done"
    job = state_of(store, batch)
    assert job.state == JobState.DONE and job.prediction_id == sent.json()["data"]["id"]
    assert sim.stats()["tasks_created"] == 1 and store.meta(f"pending-submit:{batch}:0") is None
    store.close()


def test_a_ticket_taken_by_a_vanished_worker_before_anything_was_noted_is_taken_over(fleet, sim, tmp_path):
    # The earlier holder took the job's ticket and vanished before its "submitting" reached the store.
    store, batch = stored_batch(tmp_path, sim)
    fleet.set(JobKey(str(tmp_path), batch, 0, BATCH_ID).ticket, VANISHED)
    assert work_on(tmp_path, batch, sim) == "done"
    assert state_of(store, batch).state == JobState.DONE
    assert sim.stats()["submit_attempts"] == 1 and sim.stats()["duplicate_submits"] == 0
    store.close()


def test_a_ticket_is_not_taken_over_while_a_noted_submit_is_unsettled(fleet, tmp_path):
    from app.distributed.leases import FencedGate

    class OpenGate:
        def acquire(self, model, check_cancel):
            pass

    key = JobKey(str(tmp_path), 1, 0, BATCH_ID)
    fleet.set(key.ticket, VANISHED)
    lease = JobLease(fleet, key, seconds=30)
    assert lease.acquire()
    stood_down = []
    try:
        def cancel():
            if stood_down:
                raise InterruptedError

        gate = FencedGate(OpenGate(), lease, lambda: stood_down.append(True), settled=lambda: False)
        with pytest.raises(InterruptedError):
            gate.acquire("m", cancel)
        assert gate.refused is SubmitClaim.TAKEN and fleet.get(key.ticket) == VANISHED
        settled = FencedGate(OpenGate(), lease, lambda: None, settled=lambda: True)
        settled.acquire("m", lambda: None)
        assert settled.refused is None and fleet.get(key.ticket) == lease.token
    finally:
        lease.release()


def test_a_worker_that_loses_its_lease_stops_at_once_and_writes_nothing_more(qtbot, fleet, tmp_path):
    with SimServer(port=0, speed=1) as slow_sim:  # the image takes about ten seconds
        store, batch = stored_batch(tmp_path, slow_sim, model="google/imagen4-ultra")
        outcome = {}
        worker = threading.Thread(target=lambda: outcome.update(
            result=work_on(tmp_path, batch, slow_sim, time_scale=1.0)))
        worker.start()
        qtbot.waitUntil(lambda: state_of(store, batch).state in (JobState.SUBMITTED, JobState.RUNNING), timeout=10000)
        taken_over = state_of(store, batch)
        # As if the worker had stalled past its TTL and another worker had taken the job.
        fleet.set(JobKey(str(tmp_path), batch, 0, BATCH_ID).lease, "new-holder:1:abc")
        worker.join(timeout=10)
        assert not worker.is_alive()
        assert outcome["result"] == "handed to another worker"
        later = state_of(store, batch)
        assert (later.state, later.prediction_id) == (taken_over.state, taken_over.prediction_id)
        assert fleet.get(JobKey(str(tmp_path), batch, 0, BATCH_ID).lease) == "new-holder:1:abc"
        stats = slow_sim.stats()
        assert stats["tasks_created"] == 1 and stats["downloads"] == 0
    store.close()
