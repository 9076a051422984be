"""The simulator's account history and LLM endpoint, spoken to as the documentation shows."""

from __future__ import annotations

import json

import requests

from app.sim import DEMO_KEY

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}


def submit(sim, prompt, model="google/imagen4"):
    return requests.post(sim.base_url + "/api/v1/model/generateImage", json={"model": model, "prompt": prompt},
                         headers=AUTH, timeout=10)


def test_history_pages_newest_first_and_filters(sim, clock):
    for index in range(5):
        assert submit(sim, f"scene {index}").ok
        clock.advance(2)
    assert submit(sim, "other", model="google/imagen4-fast").ok
    page = requests.get(sim.base_url + "/api/v1/model/history", params={"no": 1, "size": 2, "model": "google/imagen4"},
                        headers=AUTH, timeout=10).json()
    assert page["code"] == 200 and page["data"]["total"] == 5 and page["data"]["pageSize"] == 2
    items = page["data"]["items"]
    assert [json.loads(i["requestBody"])["prompt"] for i in items] == ["scene 4", "scene 3"]
    assert set(items[0]) == {"ID", "status", "createdAt", "model", "requestBody", "result"}
    assert isinstance(items[0]["createdAt"], int) and items[0]["result"]["id"] == items[0]["ID"]
    third = requests.get(sim.base_url + "/api/v1/model/history", params={"no": 3, "size": 2}, headers=AUTH,
                         timeout=10).json()["data"]
    assert third["total"] == 6 and len(third["items"]) == 2
    one = requests.get(sim.base_url + "/api/v1/model/history", params={"sessionID": items[1]["ID"]}, headers=AUTH,
                       timeout=10).json()["data"]
    assert [i["ID"] for i in one["items"]] == [items[1]["ID"]]
    bad = requests.get(sim.base_url + "/api/v1/model/history", params={"status": "done"}, headers=AUTH, timeout=10)
    assert bad.status_code == 400 and "status" in bad.json()["msg"]
    assert requests.get(sim.base_url + "/api/v1/model/history", timeout=10).status_code == 401


def test_a_new_task_shows_only_after_the_lag(make_sim, clock):
    sim = make_sim(history_lag=5.0)
    assert submit(sim, "late").ok
    listed = lambda: requests.get(sim.base_url + "/api/v1/model/history", headers=AUTH, timeout=10).json()["data"]
    assert listed()["total"] == 0
    clock.advance(5)
    assert listed()["total"] == 1


def test_lost500_creates_nothing(make_sim):
    sim = make_sim(faults="lost500=1")
    assert submit(sim, "gone").status_code == 500
    assert sim.stats()["tasks_created"] == 0


def test_chat_errors_have_the_documented_shape(make_sim):
    sim = make_sim(faults="llm429=1")
    reply = requests.post(sim.base_url + "/v1/chat/completions", headers=AUTH, timeout=10,
                          json={"model": "qwen/qwen3-8b", "messages": [{"role": "user", "content": "고양이"}]})
    assert reply.status_code == 429 and set(reply.json()) >= {"code", "msg", "request_id"}
    plain = make_sim()
    unknown = requests.post(plain.base_url + "/v1/chat/completions", headers=AUTH, timeout=10,
                            json={"model": "google/imagen4", "messages": [{"role": "user", "content": "x"}]})
    assert unknown.status_code == 404
