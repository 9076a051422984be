"""The catalog service: a cached model list refreshed when old, lazy schemas cached by URL,
conditional revalidation, offline fallbacks that say which catalog serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import responses

from app.engine.jobs import jobset
from app.engine.atlas.catalog import CACHE_FILE, Catalog, CatalogService, ModelInfo, SchemaUnavailable
from app.engine.atlas.client import AtlasClient, SchemaReply
from app.engine.atlas.errors import RetryableError
from app.engine.jobs.spec import validate_jobs
from app.engine.core.paths import catalog_dir, schema_file_name
from app.sim import DEMO_KEY, SimServer

ROOT = Path(__file__).resolve().parents[3]
BASE = "https://atlas.test"
SCHEMAS = "https://static.atlas.test/schemas"
HOUR = 3600.0


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def schema_document(*fields: str) -> dict:
    properties = {"prompt": {"type": "string"}, **{name: {"type": "string"} for name in fields}}
    return {"openapi": "3.0.0", "components": {"schemas": {"Input": {
        "type": "object", "properties": properties, "required": ["prompt"]}}}}


def row(model_id: str, model_type: str = "Image", categories=("Text-to-Image",), price="0.04") -> dict:
    return {"model": model_id, "type": model_type, "displayName": model_id.split("/")[-1],
            "categories": list(categories), "schema": f"{SCHEMAS}/{model_id}.json",
            "price": {"discount": "1", "actual": {"base_price": price}}, "display_console": True}


ROWS = [row("acme/painter"), row("acme/sculptor/edit", categories=("Image Edit",)),
        row("acme/mover/image-to-video", "Video", ("Image-to-Video",), "0.1")]


def serve_list(mock: responses.RequestsMock, rows=ROWS) -> None:
    mock.get(f"{BASE}/api/v1/models", json={"code": "200", "data": rows})


def serve_schema(mock: responses.RequestsMock, model_id: str, document: dict | None = None, **headers) -> None:
    mock.get(f"{SCHEMAS}/{model_id}.json", json=document or schema_document(), headers=headers)


def calls_to(mock: responses.RequestsMock, fragment: str) -> list:
    return [call for call in mock.calls if fragment in call.request.url]


@pytest.fixture
def mock():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def clock():
    return Clock()


def service_for(cache_dir: Path, clock: Clock, base_url: str = BASE, **options) -> CatalogService:
    return CatalogService(lambda: AtlasClient(base_url), cache_dir, base_url=base_url, clock=clock, **options)


# --- the model list --------------------------------------------------------------------
def test_a_fresh_cached_list_is_used_without_asking_and_a_stale_one_is_fetched_again(mock, clock, tmp_path):
    serve_list(mock)
    service = service_for(tmp_path, clock)
    assert service.is_stale()
    live = service.refresh()
    assert live.source == "live" and set(live.models) == {r["model"] for r in ROWS}
    cached = json.loads((tmp_path / CACHE_FILE).read_text())
    assert cached["base_url"] == BASE and cached["fetched_at"] == live.fetched_at and "schemas" not in cached

    clock.now += 5 * HOUR
    again = service.refresh()
    assert len(calls_to(mock, "/api/v1/models")) == 1 and not service.is_stale()
    assert again.models["acme/painter"] is live.models["acme/painter"]  # same objects: loaded schemas are kept

    clock.now += 2 * HOUR
    assert service.is_stale()
    assert service.refresh().source == "live" and len(calls_to(mock, "/api/v1/models")) == 2
    assert service.refresh(force=True) and len(calls_to(mock, "/api/v1/models")) == 3


def test_load_is_instant_and_offline(mock, clock, tmp_path):
    assert service_for(tmp_path, clock).load().source == "snapshot"
    serve_list(mock)
    service_for(tmp_path, clock).refresh()
    fresh_process = service_for(tmp_path, clock)
    loaded = fresh_process.load()
    assert loaded.source == "cache" and "acme/painter" in loaded
    assert len(mock.calls) == 1  # only the refresh above
    assert loaded.describe(now=clock.now) == f"cached catalog, {len(ROWS)} models, fetched just now"


def test_a_cache_made_for_another_base_url_is_not_used(mock, clock, tmp_path):
    serve_list(mock)
    service_for(tmp_path, clock).refresh()
    other = service_for(tmp_path, clock, base_url="https://other.test")
    assert other.load().source == "snapshot" and other.is_stale()


def test_offline_the_cache_then_the_snapshot_serve_and_problem_says_which(mock, clock, tmp_path):
    mock.get(f"{BASE}/api/v1/models", body=requests.ConnectionError("no route"))
    without_cache = service_for(tmp_path / "empty", clock).refresh()
    assert without_cache.source == "snapshot" and "google/imagen4" in without_cache
    assert "could not be fetched" in without_cache.problem and "bundled snapshot" in without_cache.problem

    mock.replace(responses.GET, f"{BASE}/api/v1/models", json={"code": 200, "data": ROWS})
    service = service_for(tmp_path, clock)
    service.refresh()
    clock.now += 7 * HOUR
    mock.replace(responses.GET, f"{BASE}/api/v1/models", body=requests.ConnectionError("no route"))
    fallback = service.refresh()
    assert fallback.source == "cache" and "acme/painter" in fallback
    assert "cached 7 h ago" in fallback.problem and "cannot reach" in fallback.problem
    assert service.load().problem is None  # the explanation belongs to that answer only


def test_an_empty_or_broken_list_is_a_failed_refresh(mock, clock, tmp_path):
    serve_list(mock, rows=[{"model": "x/llm", "type": "Text", "schema": f"{SCHEMAS}/x.json"}])
    catalog = service_for(tmp_path, clock).refresh()
    assert catalog.source == "snapshot" and "no usable image or video models" in catalog.problem
    assert not (tmp_path / CACHE_FILE).exists()


# --- schemas ---------------------------------------------------------------------------
def test_a_schema_is_fetched_on_first_read_and_then_comes_from_disk(mock, clock, tmp_path):
    serve_list(mock)
    serve_schema(mock, "acme/painter", schema_document("size"))
    catalog = service_for(tmp_path, clock).refresh()
    model = catalog.get("acme/painter")
    assert not model.schema_loaded and calls_to(mock, SCHEMAS) == []
    assert list(model.properties) == ["prompt", "size"]  # blocking fetch, once
    assert model.schema_loaded and model.required == ("prompt",)
    assert len(calls_to(mock, SCHEMAS)) == 1

    another_process = service_for(tmp_path, clock).load()
    assert another_process.get("acme/painter").field_order == ["prompt", "size"]
    assert len(calls_to(mock, SCHEMAS)) == 1
    files = list((tmp_path / "schemas").glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["url"] == f"{SCHEMAS}/acme/painter.json"


def test_an_old_schema_is_revalidated_and_a_304_keeps_the_stored_copy(mock, clock, tmp_path):
    serve_list(mock)
    serve_schema(mock, "acme/painter", schema_document("size"), ETag='"v1"',
                 **{"Last-Modified": "Tue, 03 Mar 2026 10:00:00 GMT"})
    service = service_for(tmp_path, clock)
    service.refresh().get("acme/painter").input_schema
    clock.now += 7 * HOUR
    mock.replace(responses.GET, f"{SCHEMAS}/acme/painter.json", status=304, headers={"ETag": '"v1"'})
    revalidated = service.refresh().get("acme/painter")  # a new list: new ModelInfo objects
    assert list(revalidated.properties) == ["prompt", "size"]
    conditional = calls_to(mock, SCHEMAS)[-1].request.headers
    assert conditional["If-None-Match"] == '"v1"'
    assert conditional["If-Modified-Since"] == "Tue, 03 Mar 2026 10:00:00 GMT"

    clock.now += HOUR  # the 304 made the copy fresh again: no request now
    service.cached().models.clear()
    assert list(service_for(tmp_path, clock).load().get("acme/painter").properties) == ["prompt", "size"]
    assert len(calls_to(mock, SCHEMAS)) == 2

    clock.now += 7 * HOUR
    mock.replace(responses.GET, f"{SCHEMAS}/acme/painter.json", json=schema_document("size", "seed"),
                 headers={"ETag": '"v2"'})
    assert list(service_for(tmp_path, clock).refresh().get("acme/painter").properties) == ["prompt", "size", "seed"]


def test_a_server_without_validators_gets_plain_requests(mock, clock, tmp_path):
    serve_list(mock)
    serve_schema(mock, "acme/painter")
    service = service_for(tmp_path, clock)
    service.refresh().get("acme/painter").input_schema
    clock.now += 7 * HOUR
    service.refresh().get("acme/painter").input_schema
    headers = calls_to(mock, SCHEMAS)[-1].request.headers
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers


def test_offline_an_old_stored_schema_still_serves(mock, clock, tmp_path):
    serve_list(mock)
    serve_schema(mock, "acme/painter", ETag='"v1"')
    service = service_for(tmp_path, clock)
    service.refresh().get("acme/painter").input_schema
    clock.now += 30 * HOUR
    mock.replace(responses.GET, f"{SCHEMAS}/acme/painter.json", body=requests.ConnectionError("offline"))
    assert service_for(tmp_path, clock).load().get("acme/painter").required == ("prompt",)


def test_a_schema_that_cannot_be_had_raises_a_readable_error(mock, clock, tmp_path):
    serve_list(mock, rows=[*ROWS, {**row("google/imagen4"), "schema": f"{SCHEMAS}/imagen.json"}])
    mock.get(f"{SCHEMAS}/acme/painter.json", status=404, json={"msg": "gone"})
    mock.get(f"{SCHEMAS}/imagen.json", body=requests.ConnectionError("offline"))
    catalog = service_for(tmp_path, clock).refresh()
    with pytest.raises(SchemaUnavailable, match=r"input schema of acme/painter is not available \(not found"):
        catalog.get("acme/painter").input_schema
    assert not catalog.get("acme/painter").schema_loaded
    # A bundled model keeps working offline from the snapshot's copy of its schema.
    assert "aspect_ratio" in catalog.get("google/imagen4").properties


def test_ensure_schemas_fetches_together_and_reports_each_failure(clock, tmp_path):
    rows = [row(f"acme/model-{i}") for i in range(4)] + [row("acme/broken")]
    together = threading.Barrier(4, timeout=10)  # only concurrent fetches get past it

    class FakeSchemaHost:
        def __init__(self):
            self.closed = False

        def fetch_schema_if_changed(self, url, etag=None, last_modified=None):
            if "broken" in url:
                raise RetryableError("cannot reach static.atlas.test: the request timed out")
            together.wait()
            return SchemaReply(schema_document(url.rsplit("/", 1)[-1]), None, None)

        def close(self):
            self.closed = True

    catalog = Catalog.from_documents({"data": rows}, {}, "live", schema_store=CatalogService(
        FakeSchemaHost, tmp_path, base_url=BASE, clock=clock).schemas)
    failures = catalog.ensure_schemas([r["model"] for r in rows] + ["acme/unknown"])
    assert set(failures) == {"acme/broken", "acme/unknown"}
    assert "the request timed out" in failures["acme/broken"] and "not in the catalog" in failures["acme/unknown"]
    assert all(catalog.get(f"acme/model-{i}").schema_loaded for i in range(4))
    assert catalog.ensure_schemas([f"acme/model-{i}" for i in range(4)]) == {}  # all loaded: nothing to do


def test_concurrent_readers_fetch_a_schema_once(mock, clock, tmp_path):
    serve_list(mock)
    serve_schema(mock, "acme/painter")
    model = service_for(tmp_path, clock).refresh().get("acme/painter")
    readers = [threading.Thread(target=lambda: model.input_schema) for _ in range(6)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(calls_to(mock, SCHEMAS)) == 1


# --- what the model browser reads ------------------------------------------------------
def test_provider_task_and_list_price(mock, clock, tmp_path):
    odd = [row("kwaivgi/kling-v2.1-i2v-pro", "Video", ()), row("vidu/q2/reference-to-video", "Video", ()),
           {**row("bytedance/seedream-v4.5/edit", categories=()), "price": {"actual": {"base_price": "n/a"}}},
           row("google/veo2", "Video", ())]
    serve_list(mock, rows=[*ROWS, *odd])
    catalog = service_for(tmp_path, clock).refresh()
    tasks = {model_id: model.task for model_id, model in catalog.models.items()}
    assert tasks == {"acme/painter": "text-to-image", "acme/sculptor/edit": "image-edit",
                     "acme/mover/image-to-video": "image-to-video", "kwaivgi/kling-v2.1-i2v-pro": "image-to-video",
                     "vidu/q2/reference-to-video": "reference-to-video", "bytedance/seedream-v4.5/edit": "image-edit",
                     "google/veo2": "other"}
    assert catalog.get("kwaivgi/kling-v2.1-i2v-pro").provider == "kwaivgi"
    assert catalog.get("acme/mover/image-to-video").list_price == Decimal("0.1")
    assert catalog.get("bytedance/seedream-v4.5/edit").list_price is None
    assert calls_to(mock, SCHEMAS) == []  # none of this needs a schema


def test_snapshot_models_keep_their_schemas_in_memory_and_stay_identity_compared():
    snapshot = Catalog.snapshot()
    assert all(model.schema_loaded for model in snapshot.models.values())
    assert snapshot.describe() == f"bundled snapshot, {len(snapshot.models)} models" and snapshot.age_seconds() is None
    model = snapshot.get("google/imagen4")
    twin = ModelInfo(model.model_id, model.type, model.display_name, model.categories, model.schema_url,
                     model.input_schema, model.row)
    assert model != twin and len({model, twin}) == 2
    with pytest.raises(AttributeError):
        model.model_id = "x"


def test_a_cache_written_before_schemas_were_lazy_still_loads(tmp_path):
    model_id = "google/imagen4"
    document = json.loads((catalog_dir() / "schemas" / schema_file_name(model_id)).read_text())
    (tmp_path / CACHE_FILE).write_text(json.dumps({
        "schema_version": 1, "fetched_at": "2026-01-01T00:00:00+00:00", "base_url": BASE,
        "catalog": {"data": [row(model_id)]}, "schemas": {model_id: document}}))
    catalog = service_for(tmp_path, Clock()).load()
    assert catalog.source == "cache" and catalog.get(model_id).schema_loaded


# --- the command line ------------------------------------------------------------------
def test_a_model_missing_from_a_cached_list_triggers_one_refresh(mock, clock, tmp_path, monkeypatch):
    from app.cli import run as headless

    serve_list(mock)
    service = service_for(tmp_path, clock)
    service.refresh()
    mock.replace(responses.GET, f"{BASE}/api/v1/models", json={"code": 200, "data": [*ROWS, row("acme/newcomer")]})
    serve_schema(mock, "acme/newcomer")
    path = tmp_path / "jobs.yaml"
    path.write_text("schema_version: 1\njobs:\n- {name: a, model: acme/newcomer, inputs: {prompt: x}}\n")
    cached = service.load()
    loaded, catalog = headless._load_jobset_and_schemas(path, cached, service, sys.stderr)
    assert catalog.source == "live" and catalog.get("acme/newcomer").schema_loaded
    assert validate_jobs(loaded.resolved_jobs(catalog), catalog) == []
    assert len(calls_to(mock, "/api/v1/models")) == 2

    path.write_text("schema_version: 1\njobs:\n- {name: a, model: acme/nobody, inputs: {prompt: x}}\n")
    loaded, catalog = headless._load_jobset_and_schemas(path, catalog, service, sys.stderr)
    assert len(calls_to(mock, "/api/v1/models")) == 2  # a list fetched this run is not fetched again
    assert "unknown model acme/nobody" in str(validate_jobs(loaded.resolved_jobs(catalog), catalog)[0])


def test_an_unreachable_schema_stops_the_run_with_a_sentence(mock, clock, tmp_path):
    from app.cli import run as headless

    serve_list(mock)
    mock.get(f"{SCHEMAS}/acme/painter.json", status=500)
    service = service_for(tmp_path, clock)
    path = tmp_path / "jobs.yaml"
    path.write_text("schema_version: 1\njobs:\n- {name: a, model: acme/painter, inputs: {prompt: x}}\n")
    with pytest.raises(jobset.JobSetError) as caught:
        headless._load_jobset_and_schemas(path, service.refresh(), service, sys.stderr)
    assert caught.value.messages == ["the input schema of acme/painter is not available (Atlas Cloud answered 500)"]


def cli(*args, env: dict, cwd: Path = ROOT):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=240, env={**os.environ, **env})


def test_estimate_without_out_or_output_dir_writes_nothing(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x}}\n")
    result = cli("run", jobs, "--demo", "--estimate", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Total for 1 job(s)" in result.stdout and "choose where outputs go" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "jobs.yaml"]
    ran = cli("run", jobs, "--demo", env={}, cwd=tmp_path)
    assert ran.returncode == 2 and "choose where outputs go" in ran.stderr  # a real run still needs a folder


def test_live_runs_fetch_the_list_once_and_only_the_schemas_they_use(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x}}\n"
                    "- {name: b, model: google/veo3.1/text-to-video, inputs: {prompt: y}}\n")
    with SimServer(port=0) as server:
        env = {"ATLASCLOUD_BASE_URL": server.base_url, "ATLASCLOUD_API_KEY": DEMO_KEY}
        first = cli("run", jobs, "--estimate", env=env)
        assert first.returncode == 0, first.stderr
        kinds = [entry.get("kind") for entry in server.log_entries()]
        assert kinds.count("catalog") == 1 and kinds.count("schema") == 2
        second = cli("run", jobs, "--estimate", env=env)
        assert second.returncode == 0, second.stderr
        kinds = [entry.get("kind") for entry in server.log_entries()]
        assert kinds.count("catalog") == 1 and kinds.count("schema") == 2
        listed = cli("models", env=env)
    assert listed.returncode == 0 and "Models (cached catalog," in listed.stdout and "google/imagen4" in listed.stdout
