"""The per-job state machine and the batch rules, with a scripted client and a manual clock."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest

from app.engine.atlas import errors
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState, RunEvent
from app.engine.run.planning import InvalidJobsError, plan_batch
from app.engine.run.runner import Limits, TimeLimits
from app.engine.run.reconcile import RecoveryPolicy
from tests.fakes.atlas import FakeAtlas, LostReply
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner

IMAGE = "google/imagen4"
VEO = "google/veo3.1/text-to-video"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


@pytest.fixture
def fake():
    return FakeAtlas()


@pytest.fixture
def events():
    return []


@pytest.fixture
def make_runner(catalog, fake, events, tmp_path):
    clock = ManualClock()
    lock = threading.Lock()

    def record(event):
        with lock:
            events.append(event)

    def make(jobs, **limits):
        return new_runner(jobs, catalog, tmp_path / "out", limits=Limits(**{"concurrency": 2, **limits}),
                          client=fake, on_event=record, clock=clock, sleep=clock.sleep)

    return make


def image(prompt, name=None):
    return JobSpec(name or prompt, IMAGE, {"prompt": prompt})


def states_of(events, name):
    return [e.state for e in events if e.kind == "job" and e.job_name == name]


def test_a_job_walks_the_whole_state_machine(make_runner, events, tmp_path):
    result = make_runner([image("a cat")]).run()
    assert result.status == "finished"
    record = result.records[0]
    assert record.state == JobState.DONE
    assert states_of(events, "a cat") == ["submitting", "submitted", "running", "downloading", "done"]
    assert (tmp_path / "out" / "images" / "a cat.png").is_file()
    assert all(isinstance(e, RunEvent) for e in events)
    with pytest.raises(AttributeError):
        events[0].state = "x"  # frozen: worker threads cannot change what the UI holds


def test_invalid_jobs_are_never_planned(catalog):
    with pytest.raises(InvalidJobsError) as caught:
        plan_batch([image("fine"), JobSpec("bad", VEO, {"prompt": "x", "duration": 5})], catalog)
    assert 'jobs[1] "bad": duration 5 is not one of 4, 6, 8' in str(caught.value)


def test_jobs_validated_one_by_one_are_still_checked_as_a_chain(catalog):
    # The app checks each row as it is edited; which rows chain together is known only at Run.
    looped = [JobSpec("a", IMAGE, {"prompt": "a"}, image_from="b"), JobSpec("b", IMAGE, {"prompt": "b"}, image_from="a")]
    with pytest.raises(InvalidJobsError, match="loop"):
        plan_batch(looped, catalog, validated=True)
    # What each job holds is not checked again: the caller did.
    [record] = plan_batch([JobSpec("bad", VEO, {"prompt": "x", "duration": 5})], catalog, validated=True)
    assert record.spec.name == "bad" and record.estimate.amount > 0 and "queued_at" in record.timestamps


def test_a_failure_stays_in_its_job(make_runner, fake):
    fake.poll_plan["doomed"] = ["processing", ("failed", "gpu on fire", None)]
    result = make_runner([image("doomed"), image("fine")]).run()
    states = {r.spec.name: r.state for r in result.records}
    assert states == {"doomed": JobState.FAILED, "fine": JobState.DONE}
    doomed = result.records[0]
    assert "gpu on fire" in doomed.error and doomed.refunded and doomed.charged == 0


def test_moderation_is_named(make_runner, fake):
    fake.poll_plan["edgy"] = [("failed", "flagged", 1039)]
    record = make_runner([image("edgy")]).run().records[0]
    assert record.state == JobState.FAILED and "content moderation" in record.error


def test_an_unknown_outcome_is_never_resubmitted_when_the_history_cannot_be_read(make_runner, fake):
    fake.submit_plan["maybe"] = [errors.UnknownOutcomeError("timed out", request_id="req-x")]
    fake.history_error = errors.RetryableError("cannot reach the history")
    result = make_runner([image("maybe"), image("fine")]).run()
    maybe = result.records[0]
    assert maybe.state == JobState.NEEDS_ATTENTION and "resubmit or drop" in maybe.error
    assert "history could not be read" in maybe.error and fake.history_reads == 1 + len(RecoveryPolicy().pauses)
    assert maybe.request_ids == ["req-x"] and maybe.submit_attempts == 1
    assert fake.submits_of("maybe") == 0 and result.records[1].state == JobState.DONE


def test_a_lost_reply_is_found_in_the_history_and_followed_without_a_second_submit(make_runner, fake, events):
    fake.submit_plan["lost"] = [LostReply("Atlas Cloud answered 500 to the submit")]
    fake.history_lag_reads = 2  # the listing lags: shown on the third read
    result = make_runner([image("lost"), image("lost", name="twin")]).run()
    lost, twin = result.records
    assert lost.state == JobState.DONE and twin.state == JobState.DONE
    assert fake.submits_of("lost") == 2  # one each: the lost one was adopted, not sent again
    assert lost.prediction_id != twin.prediction_id and "recovered_at" in lost.timestamps
    assert lost.charged == Decimal("0.50") or lost.charged == lost.best_cost.amount
    messages = [e.message for e in events if e.job_name == "lost"]
    assert any("found in the account's history" in m for m in messages)


def test_a_lost_submit_absent_from_the_history_is_resubmitted_once(make_runner, fake):
    fake.submit_plan["gone"] = [errors.UnknownOutcomeError("the request timed out")]
    record = make_runner([image("gone")]).run().records[0]
    assert record.state == JobState.DONE and fake.submits_of("gone") == 1
    assert "not_created_at" in record.timestamps and "resubmitted_at" in record.timestamps


def test_a_second_lost_submit_after_the_one_resubmit_needs_a_person(make_runner, fake):
    fake.submit_plan["gone"] = [errors.UnknownOutcomeError("timed out"), errors.UnknownOutcomeError("timed out")]
    record = make_runner([image("gone")]).run().records[0]
    assert record.state == JobState.NEEDS_ATTENTION and "after its one resubmit" in record.error
    assert fake.submits_of("gone") == 0


def test_resubmits_can_be_turned_off(make_runner, fake):
    fake.submit_plan["gone"] = [errors.UnknownOutcomeError("timed out")]
    record = make_runner([image("gone")], recovery=RecoveryPolicy(resubmit=False)).run().records[0]
    assert record.state == JobState.NEEDS_ATTENTION and "turned off" in record.error
    assert "not_created_at" in record.timestamps and fake.submits_of("gone") == 0


def test_429_and_network_loss_before_sending_are_retried(make_runner, fake, events):
    fake.submit_plan["busy"] = [errors.RateLimitedError("429"), errors.RetryableError("cannot reach")]
    record = make_runner([image("busy")]).run().records[0]
    assert record.state == JobState.DONE and fake.submits_of("busy") == 1
    assert sum(1 for e in events if e.retrying) == 2


def test_401_stops_the_batch_and_leaves_the_rest_queued(make_runner, fake):
    fake.submit_plan["first"] = [errors.AuthError("bad key", status=401)]
    result = make_runner([image("first"), image("second"), image("third")], concurrency=1).run()
    assert result.status == "stopped" and "bad key" in result.reason
    assert [r.state for r in result.records] == [JobState.QUEUED] * 3
    assert fake.submitted == []


def test_402_pauses_the_batch_and_in_flight_jobs_finish(make_runner, fake):
    fake.submit_plan["second"] = [errors.InsufficientBalanceError("balance", status=402)]
    result = make_runner([image("first"), image("second"), image("third")], concurrency=2).run()
    assert result.status == "paused" and "balance" in result.reason
    states = [r.state for r in result.records]
    assert states[0] == JobState.DONE and states[1] == JobState.QUEUED and states[2] in (JobState.QUEUED, JobState.DONE)


def test_poll_trouble_is_retried_and_shown_as_retrying(make_runner, fake, events):
    fake.poll_plan["flaky"] = [errors.RetryableError("503"), errors.ProtocolError("garbled"), "processing", "completed"]
    record = make_runner([image("flaky")]).run().records[0]
    assert record.state == JobState.DONE
    assert [e.message for e in events if e.retrying][:1] == ["503; retrying"]


def test_not_visible_yet_right_after_submit(make_runner, fake):
    fake.poll_plan["fresh"] = [errors.NotFoundError("404", status=404), "completed"]
    assert make_runner([image("fresh")]).run().records[0].state == JobState.DONE


def test_a_404_long_after_submit_fails_the_job(make_runner, fake):
    fake.poll_plan["lost"] = ["processing"] * 6 + [errors.NotFoundError("gone", status=404)]
    record = make_runner([image("lost")]).run().records[0]
    assert record.state == JobState.FAILED and "gone" in record.error


def test_a_job_past_its_time_limit_needs_attention(make_runner, fake):
    fake.poll_plan["stuck"] = ["processing"]
    record = make_runner([image("stuck")], time=TimeLimits(image=60)).run().records[0]
    assert record.state == JobState.NEEDS_ATTENTION and record.prediction_id in record.error


def test_a_truncated_download_is_fetched_again(make_runner, fake):
    fake.download_plan["cut"] = [errors.DownloadError("short")]
    record = make_runner([image("cut")]).run().records[0]
    assert record.state == JobState.DONE and len(fake.downloads) == 2


def test_an_expired_output_fails_with_a_clear_reason(make_runner, fake):
    fake.download_plan["late"] = [errors.OutputExpiredError("404")]
    record = make_runner([image("late")]).run().records[0]
    assert record.state == JobState.FAILED and "output is gone" in record.error


def test_concurrency_is_bounded(make_runner, events):
    """The bound is on generations at the provider; a download no longer holds a slot."""
    jobs = [image(f"p{i}") for i in range(12)]
    make_runner(jobs, concurrency=3).run()
    active, peak = set(), 0
    for event in events:
        if event.kind != "job":
            continue
        if event.state in ("submitting", "submitted", "running"):
            active.add(event.job_index)
        else:
            active.discard(event.job_index)
        peak = max(peak, len(active))
    assert 1 < peak <= 3


def test_the_next_job_is_submitted_while_the_last_one_downloads(make_runner, fake):
    """One at a time: the second submit happens while the first output is still downloading."""
    second_submitted = threading.Event()
    submit, download = fake.submit, fake.download

    def submit_and_tell(model_type, body):
        submission = submit(model_type, body)
        if body["prompt"] == "second":
            second_submitted.set()
        return submission

    def slow_download(url, destination):
        if url.endswith("pred-0.png"):
            assert second_submitted.wait(10), "the second job waited for the first one's download"
        return download(url, destination)

    fake.submit, fake.download = submit_and_tell, slow_download
    result = make_runner([image("first"), image("second")], concurrency=1).run()
    assert [r.state for r in result.records] == [JobState.DONE, JobState.DONE]


def test_cancel_a_queued_job_and_then_everything(make_runner, fake):
    fake.poll_plan["slow"] = ["processing"]
    runner = make_runner([image("slow"), image("queued")], concurrency=1, time=TimeLimits(image=10**9))
    runner.cancel(1)
    original_poll = fake.poll

    def poll_then_cancel(prediction_id):
        runner.cancel()
        return original_poll(prediction_id)

    fake.poll = poll_then_cancel
    result = runner.run()
    assert [r.state for r in result.records] == [JobState.CANCELLED, JobState.CANCELLED]
    assert "charge stands" in result.records[0].error and "nothing was charged" in result.records[1].error
    assert result.status == "stopped"


def test_the_spend_cap_pauses_before_crossing(make_runner, fake):
    jobs = [JobSpec(f"clip {i}", VEO, {"prompt": f"clip {i}", "duration": 8}) for i in range(4)]
    result = make_runner(jobs, concurrency=1, max_spend=Decimal("7.00")).run()  # ≈$3.20 each
    assert result.status == "paused" and "spend cap" in result.reason
    assert [r.state for r in result.records].count(JobState.DONE) == 2
    assert len(fake.submitted) == 2


def test_same_names_never_overwrite_each_other(make_runner, tmp_path):
    make_runner([image("one", "hero"), image("two", "hero"), image("three", "hero")]).run()
    names = sorted(p.name for p in (tmp_path / "out" / "images").iterdir())
    assert names == ["hero (2).png", "hero (3).png", "hero.png"]


def test_the_manifest_describes_every_result(make_runner, fake, tmp_path):
    fake.poll_plan["bad"] = [("failed", "nope", None)]
    make_runner([image("good"), image("bad"), JobSpec("clip", VEO, {"prompt": "c", "duration": 4})]).run()
    document = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert document["schema_version"] == 1 and document["generated_at"]
    assert (document["total_jobs"], document["successful"], document["failed"]) == (3, 2, 1)
    good = next(r for r in document["results"] if r["name"] == "good")
    assert good["status"] == "done" and good["prediction_id"] and good["local_path"] == "images/good.png"
    assert good["bytes"] > 0 and len(good["sha256"]) == 64 and good["output_url"].startswith("https://cdn")
    assert good["cost"]["estimated"] == 0.04 and good["request_ids"] and good["timings"]["submitted_at"]
    bad = next(r for r in document["results"] if r["name"] == "bad")
    assert bad["error"].startswith("nope") and bad["cost"]["refunded"] == 0.04 and bad["cost"]["charged"] == 0
    assert document["total_cost"] == pytest.approx(0.04 + 1.6)


def test_a_pause_asked_before_the_run_submits_nothing_new(make_runner, fake):
    runner = make_runner([image("one"), image("two")])
    runner.pause("a reopened batch starts paused")
    result = runner.run()
    assert result.status == "paused" and result.reason == "a reopened batch starts paused"
    assert fake.submitted == [] and {r.state for r in result.records} == {JobState.QUEUED}
    runner.resume()
    assert runner.run().status == "finished" and len(fake.submitted) == 2
