"""The engine's catalog: snapshot, live refresh with a disk cache, offline fallbacks."""

from __future__ import annotations

import json

import pytest

from app.engine.catalog import Catalog
from app.engine.client import AtlasClient
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


def test_refresh_fetches_live_and_caches_with_a_timestamp(sim, tmp_path):
    client = AtlasClient(sim.base_url, DEMO_KEY)
    live = Catalog.refresh(client, tmp_path)
    client.close()
    assert live.source == "live" and live.fetched_at and "google/imagen4" in live
    cached = json.loads((tmp_path / "catalog-cache.json").read_text())
    assert cached["schema_version"] == 1 and cached["fetched_at"] == live.fetched_at
    assert Catalog.load(tmp_path).source == "cache"


def test_offline_refresh_falls_back_to_cache_then_snapshot(tmp_path):
    with SimServer(port=0) as server:
        client = AtlasClient(server.base_url, DEMO_KEY)
        Catalog.refresh(client, tmp_path)
    # The simulator is gone: the same base URL is now offline (a cache is only used for its own URL).
    assert Catalog.refresh(client, tmp_path).source == "cache"
    assert Catalog.refresh(client, tmp_path / "empty").source == "snapshot"
    client.close()


def test_a_broken_or_newer_cache_is_ignored(tmp_path):
    (tmp_path / "catalog-cache.json").write_text("{broken")
    assert Catalog.load(tmp_path).source == "snapshot"
    (tmp_path / "catalog-cache.json").write_text(json.dumps({"schema_version": 99, "catalog": {}, "schemas": {}}))
    assert Catalog.load(tmp_path).source == "snapshot"
