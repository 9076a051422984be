"""Lost submit replies settled from the account's history, against the simulator over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import AtlasClient, Backoff
from app.engine.jobs.spec import JobSpec
from app.engine.run.reconcile import RecoveryPolicy
from app.engine.run.records import JobState
from app.engine.run.runner import Limits
from app.engine.run.store import JobStore
from app.sim import DEMO_KEY, SimServer
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner, resumed_runner

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def sim_client(clock):
    made = []

    def make(**sim_options):
        server = SimServer(port=0, clock=clock, **sim_options).start()

        def sleep(seconds):
            clock.advance(seconds)
            server.state.wait_media_idle()

        client = AtlasClient(server.base_url, DEMO_KEY, sleep=sleep, backoff=Backoff(base=0.5, cap=4))
        made.append((server, client))
        return server, client, sleep

    yield make
    for server, client in made:
        client.close()
        server.stop()


def images(count):
    return [JobSpec(f"job {i}", "google/imagen4", {"prompt": f"scene number {i}"}) for i in range(count)]


def created_per_body(server):
    return Counter(e["body_sha256"] for e in server.log_entries() if e.get("kind") == "submit" and e.get("created"))


@pytest.mark.parametrize("faults", ["submit500=0.3", "submit500=0.3,lost500=0.15,reset=0.05"])
def test_lost_replies_end_done_with_nothing_needing_attention_and_nothing_paid_twice(sim_client, clock, tmp_path,
                                                                                      faults):
    # The listing lags the submit by 3 s of the simulator's clock: the first reads miss it.
    server, client, sleep = sim_client(faults=faults, seed=5, history_lag=3.0)
    jobs = images(30)
    runner = new_runner(jobs, Catalog.snapshot(), tmp_path / "out", limits=Limits(concurrency=4), mode="demo",
                        store=JobStore(tmp_path / "out"), client=client, clock=clock, sleep=sleep,
                        backoff=Backoff(base=0.5, cap=4))
    result = runner.run()
    states = Counter(r.state for r in result.records)
    attention = [r.error for r in result.records if r.state == JobState.NEEDS_ATTENTION]
    if "lost500" in faults:
        # Nothing created twice in a row: the one resubmit is spent, a person decides.
        assert all("after its one resubmit" in error for error in attention), attention
    else:
        assert states == {JobState.DONE: 30}, (states, attention)
    stats = server.stats()
    assert stats["duplicate_submits"] == 0 and stats["tasks_created"] == states[JobState.DONE]
    assert max(created_per_body(server).values()) == 1
    recovered = [r for r in result.records if "recovered_at" in r.timestamps]
    assert recovered and len({r.prediction_id for r in result.records}) == 30
    if "lost500" in faults:
        assert any("resubmitted_at" in r.timestamps for r in result.records)
    assert stats["history_reads"] > 0


def test_history_lists_the_swallowed_task_with_its_body(sim_client):
    server, client, _ = sim_client(faults="submit500=1")
    body = {"model": "google/imagen4", "prompt": "고양이", "aspect_ratio": "1:1"}
    with pytest.raises(Exception):
        client.submit("Image", body)
    page = client.history(model="google/imagen4")
    assert page.total == 1 and page.items[0].body() == body and page.items[0].status == "created"
    assert page.items[0].result is not None and page.items[0].result.prediction_id == page.items[0].prediction_id
    assert client.history(model="google/veo3.1/text-to-video").total == 0
    assert client.history(status="completed").total == 0


KILLED_CHILD = r"""
import os, signal, sys
from pathlib import Path
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import AtlasClient
from app.engine.jobs.spec import JobSpec
from app.engine.run.runner import Limits
from app.engine.run.store import JobStore
from tests.fakes.runs import new_runner

class DiesAfterSending(AtlasClient):
    def submit(self, model_type, body):
        super().submit(model_type, body)  # created and billed at Atlas...
        os.kill(os.getpid(), signal.SIGKILL)  # ...and the process dies before the reply is saved

out = Path(sys.argv[2])
jobs = [JobSpec(f"job {i}", "google/imagen4", {"prompt": f"kill scene {i}"}) for i in range(3)]
runner = new_runner(jobs, Catalog.snapshot(), out, limits=Limits(concurrency=1), store=JobStore(out),
                    client=DiesAfterSending(sys.argv[1], sys.argv[3]))
runner.run()
"""


def test_a_sigkill_between_send_and_save_is_recovered_on_resume(tmp_path):
    out = tmp_path / "out"
    with SimServer(port=0, speed=50) as server:
        child = subprocess.run([sys.executable, "-c", KILLED_CHILD, server.base_url, str(out), DEMO_KEY], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                               timeout=120)
        assert child.returncode == -9, child.stderr
        assert server.stats()["tasks_created"] == 1
        store = JobStore(out)
        assert store.load()[0].state == JobState.SUBMITTING and store.load()[0].prediction_id is None
        client = AtlasClient(server.base_url, DEMO_KEY)
        runner = resumed_runner(store, Catalog.snapshot(), out, limits=Limits(concurrency=2), client=client)
        result = runner.run()
        client.close()
        assert [r.state for r in result.records] == [JobState.DONE] * 3
        stats = server.stats()
        assert stats["tasks_created"] == 3 and stats["duplicate_submits"] == 0
        first = result.records[0]
        assert "recovered_at" in first.timestamps and "caught_mid_submit_at" in first.timestamps
        assert store.meta("pending-submit:1:0") is None
        store.close()


def test_a_resumed_job_whose_send_never_arrived_is_submitted_after_the_history_settles(sim_client, clock, tmp_path):
    """The note is there but the task is not: the history is read until it has settled, then one submit."""
    server, client, sleep = sim_client()
    out = tmp_path / "out"
    store = JobStore(out)
    runner = new_runner(images(1), Catalog.snapshot(), out, store=store, client=client, clock=clock, sleep=sleep)
    record = runner.records[0]
    record.move(JobState.SUBMITTING)
    store.save(record)
    runner.recovery.pending.note(record, {"model": "google/imagen4", "prompt": "scene number 0"}, 0.0)
    store.close()
    store = JobStore(out)
    resumed = resumed_runner(store, Catalog.snapshot(), out, client=client, clock=clock, sleep=sleep,
                             limits=Limits(recovery=RecoveryPolicy(settle=5.0)))
    result = resumed.run()
    assert result.records[0].state == JobState.DONE and "not_created_at" in result.records[0].timestamps
    assert server.stats()["tasks_created"] == 1
    store.close()


def test_a_submit_buried_deeper_than_the_pages_read_is_unknown_never_absent():
    """Other jobs' newer tasks fill every page the lookup may read: the submit's own time is
    never reached, so it must not be judged "not created" and sent again (a double charge)."""
    from app.engine.atlas.client import HistoryItem, HistoryPage
    from app.engine.run.reconcile import RecoveryPolicy, Reconciler

    sent_at = 1_000_000.0
    newer = [HistoryItem(f"t{i}", "completed", sent_at + 5 - i * 0.001, "m", json.dumps({"model": "m", "n": i}), None)
             for i in range(2000)]

    class DeepHistory:
        def history(self, page, size, model=None):
            return HistoryPage(tuple(newer[(page - 1) * size: page * size]), page, size, len(newer) + 1)

    policy = RecoveryPolicy(pauses=(1.0,), settle=0.0, clock_slack=0.0, max_pages=3)
    verdict = Reconciler(DeepHistory(), policy, wall=lambda: sent_at + 10).look_up(
        {"model": "m", "n": "lost"}, sent_at, wait=lambda s: None, elapsed=lambda: 60.0)
    assert verdict.kind == "unknown" and "without reaching the time of the submit" in verdict.message

    shallow = RecoveryPolicy(pauses=(1.0,), settle=0.0, clock_slack=0.0, max_pages=100)
    verdict = Reconciler(DeepHistory(), shallow, wall=lambda: sent_at + 10).look_up(
        {"model": "m", "n": "lost"}, sent_at, wait=lambda s: None, elapsed=lambda: 60.0)
    assert verdict.kind == "absent"  # read back past the submit's time: truly not there


def test_a_request_slower_than_the_settle_time_still_finds_its_task():
    """The task is made late in a slow submit (or other jobs' waits move a shared clock while it
    is in flight), and the listing lags its creation: the settle time counts from the failure,
    so the lookup waits for the listing instead of judging it absent and sending it again."""
    from types import SimpleNamespace

    from app.engine.atlas.client import HistoryItem, HistoryPage
    from app.engine.atlas.errors import UnknownOutcomeError
    from app.engine.run.reconcile import RecoveryPolicy, SubmitRecovery

    clock = ManualClock()
    lag = 3.0
    made: list[tuple[float, HistoryItem]] = []

    class SlowLosingClient:
        submits = 0

        def submit(self, model_type, body):
            self.submits += 1
            clock.advance(40.0)  # longer than the settle time, all before the task exists
            made.append((clock(), HistoryItem(f"t{self.submits}", "created", time.time(), "m",
                                              json.dumps(body), None)))
            raise UnknownOutcomeError("the connection was reset after the request was sent")

        def history(self, page, size, model=None):
            listed = tuple(item for at, item in made if clock() - at >= lag)
            return HistoryPage(listed, page, size, len(listed))

    client = SlowLosingClient()
    record = SimpleNamespace(batch=1, index=0, model=SimpleNamespace(type="Image"), timestamps={},
                             spec=SimpleNamespace(name="job 0", model="m"), note_request=lambda request_id: None)
    recovery = SubmitRecovery(client, None, RecoveryPolicy(settle=30.0), claimed=set, clock=clock)
    submission = recovery.submit(record, {"model": "m", "prompt": "x"}, wait=clock.advance, say=lambda m: None)
    assert submission.prediction_id == "t1" and client.submits == 1
    assert "recovered_at" in record.timestamps and "resubmitted_at" not in record.timestamps
