"""Each injected fault does what its name promises, and the same seed gives the same fates."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from app.sim import DEMO_KEY, FaultPlan, FaultSpecError
from tests.sim.doc_client import ApiError

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
IMAGE = {"model": "google/imagen4", "prompt": "a lighthouse"}


def submit(sim, body=IMAGE):
    return requests.post(f"{sim.base_url}/api/v1/model/generateImage", json=body, headers=AUTH, timeout=10)


def test_spec_parsing():
    plan = FaultPlan.parse("submit429=0.1, poll500=25%,slow=0.5:3", seed=7)
    assert plan.rates == {"submit429": 0.1, "poll500": 0.25, "slow": 0.5}
    assert plan.slow_seconds == 3.0 and plan.seed == 7
    assert FaultPlan.parse("").rates == {}


@pytest.mark.parametrize("spec, fragment", [
    ("explode=0.1", "unknown fault"), ("fail", "needs a rate"), ("fail=lots", "must be a number"),
    ("fail=1.5", "between 0 and 1"), ("fail=0.1:3", "only slow"),
])
def test_bad_specs_say_what_is_wrong(spec, fragment):
    with pytest.raises(FaultSpecError, match=fragment):
        FaultPlan.parse(spec)


def test_decisions_are_deterministic_per_seed_and_key():
    a, b, c = (FaultPlan.parse("fail=0.5", seed=s) for s in (1, 1, 2))
    fates = [a.hits("fail", "body", n) for n in range(200)]
    assert fates == [b.hits("fail", "body", n) for n in range(200)]
    assert fates != [c.hits("fail", "body", n) for n in range(200)]
    assert 60 < sum(fates) < 140


def test_submit429_creates_nothing_and_a_retry_can_succeed(make_sim):
    sim = make_sim(faults="submit429=0.5", seed=3)
    statuses = [submit(sim).status_code for _ in range(12)]
    assert 429 in statuses and 200 in statuses
    limited = [s for s in statuses if s == 429]
    assert sim.stats()["tasks_created"] == len(statuses) - len(limited)
    reply = next(e for e in sim.log_entries(until=lambda log: any(e.get("status") == 429 for e in log))
                 if e.get("status") == 429)
    assert "submit429" in reply["faults"]


def test_submit500_creates_and_charges_but_loses_the_reply(make_sim):
    sim = make_sim(faults="submit500=1")
    reply = submit(sim)
    assert reply.status_code == 500 and reply.json()["msg"]
    stats = sim.stats()
    assert stats["tasks_created"] == 1 and Decimal(stats["charged"]) > 0


def test_reset_on_submit_drops_the_connection_after_creating(make_sim):
    sim = make_sim(faults="reset=1")
    with pytest.raises(requests.ConnectionError):
        submit(sim)
    assert sim.stats()["tasks_created"] == 1


def test_poll500_is_transient(make_sim, make_client):
    sim = make_sim(faults="poll500=0.5", seed=1)
    client = make_client(sim)
    task_id = client.submit(IMAGE, "Image")["id"]
    outcomes = []
    for _ in range(20):
        try:
            outcomes.append(client.poll_once(task_id).status)
        except ApiError as error:
            outcomes.append(error.status)
    assert 500 in outcomes and any(isinstance(o, str) for o in outcomes)


def test_reset_on_poll(make_sim, make_client):
    sim = make_sim(faults="reset=1")
    with pytest.raises(requests.ConnectionError):
        submit(sim)
    task_id = next(e["task_id"] for e in sim.log_entries(until=lambda log: any(e.get("kind") == "submit" for e in log))
                   if e.get("kind") == "submit")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sim.base_url}/api/v1/model/prediction/{task_id}", headers=AUTH, timeout=10)


def test_fail_ends_failed_and_refunds(make_sim, make_client):
    sim = make_sim(faults="fail=1")
    client = make_client(sim)
    result = client.wait(client.submit(IMAGE, "Image")["id"])
    assert result.status == "failed" and result.error and result.outputs == []
    stats = sim.stats()
    assert stats["refunded"] == stats["charged"] != "0.000000"
    assert stats["balance"] == "1000.000000"


def test_moderation_fails_with_code_1039_and_refunds(make_sim, make_client):
    sim = make_sim(faults="moderation=1")
    client = make_client(sim)
    result = client.wait(client.submit(IMAGE, "Image")["id"])
    assert result.status == "failed" and result.error_code == 1039 and "moderation" in result.error
    assert sim.stats()["refunded"] == sim.stats()["charged"]


def test_truncate_cuts_the_download_short(make_sim, make_client):
    sim = make_sim(faults="truncate=1")
    client = make_client(sim)
    result = client.wait(client.submit(IMAGE, "Image")["id"])
    with requests.get(result.outputs[0], stream=True, timeout=10) as response:
        expected = int(response.headers["Content-Length"])
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            b"".join(response.iter_content(65536))
    assert expected > 0


def test_expire_makes_the_output_url_dead_on_arrival(make_sim, make_client):
    sim = make_sim(faults="expire=1")
    client = make_client(sim)
    result = client.wait(client.submit(IMAGE, "Image")["id"])
    assert result.status == "completed"
    assert requests.get(result.outputs[0], timeout=10).status_code == 404


def test_slow_delays_the_reply_and_says_so_in_the_log(make_sim):
    sim = make_sim(faults="slow=1:0.05")
    assert requests.get(f"{sim.base_url}/api/v1/models", timeout=10).status_code == 200
    entry = next(e for e in sim.log_entries(until=lambda log: any(e["path"] == "/api/v1/models" for e in log))
                 if e["path"] == "/api/v1/models")
    assert "slow" in entry["faults"] and entry["ms"] >= 50


def test_variant_shapes_are_all_documented_ones(make_sim, make_client):
    sim = make_sim(faults="variant=1", seed=5)
    client = make_client(sim)
    for n in range(6):
        result = client.wait(client.submit({**IMAGE, "prompt": f"variant {n}"}, "Image")["id"])
        assert result.status == "completed" and result.outputs[0].startswith(sim.base_url)
    assert client.quote(IMAGE) > 0


@pytest.mark.parametrize("spread", [0.0, 0.05, 0.3])
def test_task_times_spread_as_asked(make_sim, spread):
    from app.sim.state import expected_seconds
    sim = make_sim(faults=FaultPlan(seed=3, duration_spread=spread))
    ratios = []
    for n in range(40):
        task_id = submit(sim, {**IMAGE, "prompt": f"a lighthouse {n}"}).json()["data"]["id"]
        task = sim.state.get_task(task_id)
        ratios.append(task.run_s / expected_seconds(task.model, task.body))
    assert all(abs(ratio - 1) <= spread + 1e-9 for ratio in ratios)
    if spread:
        assert max(ratios) - min(ratios) > spread  # spread out, not all at one end


def test_the_command_line_takes_a_duration_spread():
    from app.sim.__main__ import build_parser
    assert build_parser().parse_args([]).duration_spread == 0.1
    assert build_parser().parse_args(["--duration-spread", "0"]).duration_spread == 0.0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--duration-spread", "1.5"])
