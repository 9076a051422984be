"""The simulator at the live catalog's size: N generated models, schema documents with
validators (ETag, Last-Modified, 304) and a per-document latency."""

from __future__ import annotations

import json
from email.utils import formatdate

import pytest
import requests

from app.sim.__main__ import build_parser
from app.sim.catalog import SimCatalog


@pytest.fixture(scope="module")
def big_catalog():
    from app.sim.synthetic import synthetic_catalog

    return SimCatalog(extra=synthetic_catalog(400, seed=0))


def test_four_hundred_generated_models_make_a_list_of_real_size(make_sim, big_catalog):
    sim = make_sim(catalog=big_catalog)
    reply = requests.get(f"{sim.base_url}/api/v1/models", timeout=30)
    rows = reply.json()["data"]
    bundled = len(SimCatalog().document["data"])
    assert len(rows) == bundled + 400
    # The live list is about 0.7 MB for its 150+ media models plus the text ones.
    assert 0.5e6 < len(reply.content) < 4e6
    assert all(row["schema"] == f"{sim.base_url}/api/v1/models/schema/{row['model']}.json" for row in rows)
    some_generated = rows[-1]
    schema = requests.get(some_generated["schema"], timeout=10).json()
    assert "Input" in schema["components"]["schemas"]


def test_schema_documents_carry_validators_and_answer_304(sim):
    url = f"{sim.base_url}/api/v1/models/schema/google/imagen4.json"
    first = requests.get(url, timeout=10)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status_code == 200 and etag.startswith('"') and "GMT" in last_modified

    same = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert same.status_code == 304 and same.content == b"" and same.headers["ETag"] == etag
    assert requests.get(url, headers={"If-None-Match": f'W/{etag}, "other"'}, timeout=10).status_code == 304
    changed = requests.get(url, headers={"If-None-Match": '"an-older-version"'}, timeout=10)
    assert changed.status_code == 200 and changed.json() == first.json()

    assert requests.get(url, headers={"If-Modified-Since": last_modified}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)}, timeout=10).status_code == 200
    # If-None-Match decides when both are sent.
    both = requests.get(url, headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified}, timeout=10)
    assert both.status_code == 200

    other = requests.get(f"{sim.base_url}/api/v1/models/schema/google/veo3.1/text-to-video.json", timeout=10)
    assert other.headers["ETag"] != etag
    sent = 8  # every schema request above
    entries = [e for e in sim.log_entries(until=lambda log: sum(e.get("kind") == "schema" for e in log) >= sent)
               if e.get("kind") == "schema"]
    assert len(entries) == sent
    assert sum(1 for e in entries if e.get("not_modified")) == 3 and {e["status"] for e in entries} == {200, 304}


def test_schema_latency_delays_schema_documents_only(make_sim):
    sim = make_sim(schema_latency=0.4)
    requests.get(f"{sim.base_url}/api/v1/models/schema/google/imagen4.json", timeout=10)
    requests.get(f"{sim.base_url}/api/v1/models", timeout=10)
    # The log line of a reply is written after the reply is sent: wait for both.
    logged = sim.log_entries(until=lambda log: {"schema", "catalog"} <= {e.get("kind") for e in log})
    timings = {entry["kind"]: entry["ms"] for entry in logged}
    assert timings["schema"] >= 400 and timings["catalog"] < 300


def test_command_line_options_for_size():
    args = build_parser().parse_args(["--models", "400", "--schema-latency", "50"])
    assert args.models == 400 and args.schema_latency == 50
    defaults = build_parser().parse_args([])
    assert defaults.models == 0 and defaults.schema_latency == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--models", "-1"])


def test_extra_models_builds_the_sized_catalog(make_sim):
    sim = make_sim(extra_models=20)
    listed = requests.get(f"{sim.base_url}/api/v1/models", timeout=10).json()["data"]
    assert len(listed) == len(SimCatalog().document["data"]) + 20
    assert json.loads(requests.get(listed[-1]["schema"], timeout=10).content)["components"]["schemas"]["Input"]


def test_tier_families_keep_real_price_ratios_and_fast_tiers_are_quicker():
    from decimal import Decimal

    from app.engine.atlas.catalog import Catalog
    from app.engine.atlas.ladders import build_ladders
    from app.sim.catalog import SimModel
    from app.sim.state import expected_seconds
    from app.sim.synthetic import synthetic_catalog
    from app.sim.tiers import price_ratio

    rows, schemas = synthetic_catalog(400)
    catalog = Catalog.from_documents({"data": rows}, schemas, "test")
    ladders = build_ladders(catalog)
    assert len(ladders) >= 30
    checked = 0
    for ladder in ladders.ladders:
        cheapest, top = (catalog.get(m) for m in (ladder.cheapest, ladder.top))
        expected = price_ratio(top.model_id) / price_ratio(cheapest.model_id)
        if expected > 1 and cheapest.list_price >= Decimal("0.01"):  # below a cent, rounding rules
            assert top.list_price / cheapest.list_price == pytest.approx(expected, rel=Decimal("0.05"))
            fast, slow = (SimModel({**m.row}, {"components": {"schemas": {"Input": m.input_schema}}}, None)
                          for m in (cheapest, top))
            assert expected_seconds(fast, {}) < expected_seconds(slow, {})
            checked += 1
    assert checked >= 15
