"""The engine's catalog: snapshot, live refresh with a disk cache, offline fallbacks."""

from __future__ import annotations

import json

import pytest

from app.engine.atlas.catalog import Catalog, CatalogService
from app.engine.atlas.client import AtlasClient
from app.sim import DEMO_KEY, SimServer


def test_snapshot_drops_hidden_and_non_media_rows():
    catalog = Catalog.snapshot()
    assert catalog.source == "snapshot"
    assert "openai/sora-2/text-to-video" not in catalog and "deepseek-ai/deepseek-v3.2" not in catalog
    assert catalog.get("google/imagen4").type == "Image" and catalog.get("google/veo3.1/text-to-video").is_video


def test_the_endpoint_comes_from_the_type_not_the_schema_paths():
    model = Catalog.snapshot().get("bytedance/seedance-v1.5-pro/image-to-video")
    assert model.type == "Video"  # its schema's paths wrongly name generateImage


def test_field_order_and_defaults():
    model = Catalog.snapshot().get("google/veo3.1/text-to-video")
    assert model.field_order[0] == "prompt" and model.defaults()["duration"] == 8


@pytest.fixture
def sim():
    with SimServer(port=0) as server:
        yield server


def service(base_url: str, cache_dir) -> CatalogService:
    return CatalogService(lambda: AtlasClient(base_url, DEMO_KEY), cache_dir, base_url=base_url)


def test_refresh_fetches_live_and_caches_with_a_timestamp(sim, tmp_path):
    live = service(sim.base_url, tmp_path).refresh(force=True)
    assert live.source == "live" and live.fetched_at and "google/imagen4" in live
    cached = json.loads((tmp_path / "catalog-cache.json").read_text())
    assert cached["schema_version"] == 1 and cached["fetched_at"] == live.fetched_at
    assert service(sim.base_url, tmp_path).load().source == "cache"


def test_offline_refresh_falls_back_to_cache_then_snapshot(tmp_path):
    with SimServer(port=0) as server:
        base_url = server.base_url
        service(base_url, tmp_path).refresh(force=True)
    # The simulator is gone: the same base URL is now offline (a cache is only used for its own URL).
    assert service(base_url, tmp_path).refresh(force=True).source == "cache"
    assert service(base_url, tmp_path / "empty").refresh(force=True).source == "snapshot"


def test_a_broken_or_newer_cache_is_ignored(tmp_path):
    (tmp_path / "catalog-cache.json").write_text("{broken")
    assert service("http://127.0.0.1:9", tmp_path).load().source == "snapshot"
    (tmp_path / "catalog-cache.json").write_text(json.dumps({"schema_version": 99, "catalog": {}, "schemas": {}}))
    assert service("http://127.0.0.1:9", tmp_path).load().source == "snapshot"
