"""The manifest writer encodes only the results that changed since its last write."""

from __future__ import annotations

import json

from app.engine.run import manifest


def entries(count: int) -> list[dict]:
    return [{"name": f"row {i}", "status": "queued", "inputs": {"prompt": f"scene {i}"}} for i in range(count)]


def test_an_incremental_write_is_the_same_text_as_a_full_one():
    results = entries(5)
    encoded: dict = {}
    manifest.dumps({"schema_version": 1, "results": results}, encoded)
    results[2] = {**results[2], "status": "done", "inputs": {"prompt": "changed ✓"}}
    document = {"schema_version": 1, "results": results}
    assert manifest.dumps(document, encoded) == manifest.dumps(document)
    assert json.loads(manifest.dumps(document, encoded))["results"][2]["status"] == "done"


def test_only_new_entries_are_encoded_again(monkeypatch):
    results = entries(4)
    encoded: dict = {}
    manifest.dumps({"results": results}, encoded)
    seen = []
    real = manifest._result_line
    monkeypatch.setattr(manifest, "_result_line", lambda entry: seen.append(entry["name"]) or real(entry))
    results[1] = {**results[1], "status": "submitted"}
    manifest.dumps({"results": results}, encoded)
    assert seen == ["row 1"]


def test_the_cache_holds_only_the_last_document_and_repeats_are_kept():
    shared = {"name": "same", "status": "done"}
    encoded: dict = {}
    text = manifest.dumps({"results": [shared, shared]}, encoded)
    assert [r["name"] for r in json.loads(text)["results"]] == ["same", "same"]
    manifest.dumps({"results": entries(1)}, encoded)
    assert [entry["name"] for entry, _ in encoded.values()] == ["row 0"]


def test_the_writer_rewrites_the_file_with_what_changed(tmp_path):
    writer = manifest.ManifestWriter(tmp_path)
    results = entries(3)
    writer.write(lambda: {"schema_version": 1, "results": list(results)}, force=True)
    results[0] = {**results[0], "status": "failed"}
    writer.write(lambda: {"schema_version": 1, "results": list(results)}, force=True)
    written = json.loads((tmp_path / manifest.MANIFEST_NAME).read_text(encoding="utf-8"))
    assert [r["status"] for r in written["results"]] == ["failed", "queued", "queued"]
