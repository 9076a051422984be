"""Every schema shape in the engine: media in lists and nested objects uploaded once, types
kept (a string enum takes an unambiguous number), located messages, several outputs per job."""

from __future__ import annotations

import copy
import hashlib
import json
import struct
import threading
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import Backoff
from app.engine.atlas.errors import FatalError, RateLimitedError
from app.engine.jobs.spec import JobSpec, validate_jobs
from app.engine.run.records import JobState
from app.engine.run.runner import Limits
from app.engine.atlas.shapes import media_values
from app.engine.run.store import JobStore
from app.engine.atlas.uploads import UploadCache, UploadFailed
from app.sim import DEMO_KEY, SimServer
from tests.fakes.atlas import FakeAtlas
from tests.fakes.simclient import instant_sim
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner, resumed_runner

ROOT = Path(__file__).resolve().parents[3]
URI_IMAGE = {"type": "string", "format": "uri", "x-input-kind": "image"}


def _schema(properties: dict, required=("prompt",)) -> dict:
    return {"components": {"schemas": {"Input": {"type": "object", "required": list(required),
                                                 "properties": {"prompt": {"type": "string", "minLength": 1},
                                                                **properties}}}}}


SCHEMAS = {
    "test/edit": ("Image", _schema({
        "images": {"type": "array", "items": URI_IMAGE, "minItems": 1, "maxItems": 3},
        "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
    }, required=("prompt", "images"))),
    "test/reference-video": ("Video", _schema({
        "subjects": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "images": {"type": "array", "items": URI_IMAGE}}}},
        "video": {"type": "string", "x-input-kind": "video"},
        "audio": {"type": "string", "x-input-kind": "audio"},
        "end_image": {"type": "string", "x-input-kind": "image"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "loras": {"type": "array", "maxItems": 2, "items": {
            "type": "object", "required": ["path"], "additionalProperties": False,
            "properties": {"path": {"type": "string"}, "scale": {"type": "number", "minimum": 0, "maximum": 2}}}},
        "options": {"type": "object", "properties": {"mode": {"type": "string", "enum": ["standard", "fast"]}}},
        "duration": {"type": "string", "enum": ["5", "10"], "default": "5"},
        "strength": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    })),
    "test/odd-enum": ("Video", _schema({"duration": {"type": "string", "enum": ["5", "5.0", "10"]}})),
}


def shaped_catalog() -> Catalog:
    rows = [{"model": model_id, "type": kind, "displayName": model_id, "schema": f"https://schemas/{model_id}"}
            for model_id, (kind, _) in SCHEMAS.items()]
    return Catalog.from_documents({"data": rows}, {m: s for m, (_, s) in SCHEMAS.items()}, "snapshot")


@pytest.fixture(scope="module")
def catalog():
    return shaped_catalog()


def png(path: Path, shade: int = 0) -> Path:
    """A real 2x2 PNG, different per shade."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([shade, 40, 90]) * 2 for _ in range(2))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def problems(catalog, *jobs) -> list[str]:
    return [str(p) for p in validate_jobs(list(jobs), catalog)]


# --- where the media are ---------------------------------------------------------------

def test_media_are_found_in_lists_and_nested_objects_but_not_in_plain_text_lists(catalog):
    model = catalog.get("test/reference-video")
    inputs = {"prompt": "x", "tags": ["a.png"], "video": "clip.mp4",
              "subjects": [{"name": "cat.png", "images": ["a.png", "https://cdn/b.png"]}, {"images": ["c.png"]}],
              "loras": [{"path": "style.safetensors", "scale": 1}]}
    found = {(item.label, item.media, item.value) for item in media_values(inputs, model.properties)}
    assert found == {("video", "video", "clip.mp4"), ("subjects[0].images[0]", "image", "a.png"),
                     ("subjects[0].images[1]", "image", "https://cdn/b.png"),
                     ("subjects[1].images[0]", "image", "c.png")}


# --- validation ------------------------------------------------------------------------

def test_every_local_file_item_is_checked_and_named_by_field_and_index(catalog, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    png(tmp_path / "ref1.png")
    (tmp_path / "notes.txt").write_text("x")
    job = JobSpec("edit", "test/edit", {"prompt": "x", "images": ["ref1.png", "notes.txt", "./ref3.png"]})
    assert problems(catalog, job) == [
        'jobs[0] "edit": images[1]: notes.txt is not an image (.bmp, .gif, .jpeg, .jpg, .png, .webp)',
        'jobs[0] "edit": images[2]: ./ref3.png is neither an http(s) URL, a data:image URI nor an existing image '
        'file']


def test_nested_and_non_image_media_are_checked_for_their_own_kind(catalog, tmp_path):
    picture = png(tmp_path / "still.png")
    job = JobSpec("ref", "test/reference-video", {
        "prompt": "x", "video": str(picture), "audio": "data:image/png;base64,AAAA",
        "subjects": [{"images": [str(picture)]}, {"images": [str(tmp_path / "gone.png")]}]})
    found = problems(catalog, job)
    assert any("video: still.png is not a video (" in m for m in found), found
    assert any("audio: data:image/png;base64,AAAA is neither an http(s) URL, a data:audio URI nor an existing "
               "audio file" in m for m in found), found
    assert any("subjects[1].images[0]: " in m and "gone.png is neither" in m for m in found), found
    assert len(found) == 3


def test_an_oversized_item_is_refused_before_anything_is_sent(catalog, tmp_path):
    big = tmp_path / "big.png"
    with open(big, "wb") as handle:
        handle.truncate(51 * 1024 * 1024)
    [message] = problems(catalog, JobSpec("e", "test/edit", {"prompt": "x", "images": [str(big)]}))
    assert "images[0]: big.png is 51.0 MB; uploads are limited to 50 MB" in message


def test_an_empty_optional_media_field_is_left_alone(catalog):
    assert problems(catalog, JobSpec("r", "test/reference-video", {"prompt": "x", "end_image": ""})) == []


def test_list_limits_and_located_item_errors(catalog):
    many = [f"https://cdn/{i}.png" for i in range(4)]
    assert problems(catalog, JobSpec("e", "test/edit", {"prompt": "x", "images": many})) == [
        'jobs[0] "e": images has 4 items; at most 3 for test/edit']
    assert problems(catalog, JobSpec("e", "test/edit", {"prompt": "x", "images": []})) == [
        'jobs[0] "e": images has 0 items; at least 1 for test/edit']
    found = problems(catalog, JobSpec("r", "test/reference-video", {
        "prompt": "x", "loras": [{"scale": 1}, {"path": "https://l", "scale": "high", "rank": 4}]}))
    assert found == [
        'jobs[0] "r": loras[0].path is required for test/reference-video',
        'jobs[0] "r": loras[1] has an unknown key rank (known: path, scale) for test/reference-video',
        'jobs[0] "r": loras[1].scale high must be a number from 0 to 2 for test/reference-video']
    [message] = problems(catalog, JobSpec("r", "test/reference-video", {"prompt": "x", "options": {"mode": "slow"}}))
    assert message == 'jobs[0] "r": options.mode slow is not one of standard, fast for test/reference-video'
    [message] = problems(catalog, JobSpec("e", "test/edit", {"prompt": "x", "images": "https://cdn/1.png"}))
    assert message == 'jobs[0] "e": images https://cdn/1.png must be a list for test/edit'


def test_numbers_report_their_ranges(catalog):
    def one(inputs):
        [message] = problems(catalog, JobSpec("r", "test/reference-video", {"prompt": "x", **inputs}))
        return message.split(": ", 1)[1]

    assert one({"strength": 0}) == "strength 0 must be above 0 for test/reference-video"
    assert one({"strength": 1.5}) == "strength 1.5 must be below 1 for test/reference-video"
    assert one({"strength": "lots"}) == "strength lots must be a number above 0 and below 1 for test/reference-video"
    [message] = problems(catalog, JobSpec("e", "test/edit", {"prompt": "x", "images": ["https://a"],
                                                            "num_images": "two"}))
    assert message.endswith("num_images two must be a whole number from 1 to 4 for test/edit")


# --- types are kept --------------------------------------------------------------------

@pytest.mark.parametrize("given", [5, 5.0, "5"])
def test_a_string_enum_takes_an_unambiguous_number_in_checks_and_body_alike(catalog, given):
    job = JobSpec("k", "test/reference-video", {"prompt": "x", "duration": given})
    assert problems(catalog, job) == []
    body = job.request_body(catalog.get("test/reference-video"))
    assert body["duration"] == "5" and isinstance(body["duration"], str)
    assert job.inputs["duration"] == given  # the job itself is not rewritten


def test_an_enum_message_shows_types_when_they_differ(catalog):
    assert problems(catalog, JobSpec("k", "test/reference-video", {"prompt": "x", "duration": 7})) == [
        'jobs[0] "k": duration 7 is not one of "5", "10" (text) for test/reference-video']
    assert problems(catalog, JobSpec("k", "test/reference-video", {"prompt": "x", "duration": True})) == [
        'jobs[0] "k": duration true is not one of "5", "10" (text) for test/reference-video']


def test_a_number_that_could_mean_two_choices_is_an_error(catalog):
    [message] = problems(catalog, JobSpec("k", "test/odd-enum", {"prompt": "x", "duration": 5}))
    assert 'duration 5 could mean any of "5", "5.0" (text); write the one you mean in quotes' in message
    body = JobSpec("k", "test/odd-enum", {"prompt": "x", "duration": 5}).request_body(catalog.get("test/odd-enum"))
    assert body["duration"] == 5  # never guessed


def test_the_snapshot_kling_model_with_string_durations():
    snapshot = Catalog.snapshot()
    kling = next((m for m in snapshot.models.values() if m.properties.get("duration", {}).get("enum")
                  and all(isinstance(v, str) for v in m.properties["duration"]["enum"])), None)
    if kling is None:
        pytest.skip("the snapshot has no model with a string-enum duration yet")
    assert validate_jobs([JobSpec("k", kling.model_id, {"prompt": "x", "duration": 5})], snapshot) == []
    [message] = [str(p) for p in validate_jobs([JobSpec("k", kling.model_id, {"prompt": "x", "duration": 7})],
                                               snapshot)]
    assert f'duration 7 is not one of "5", "10" (text) for {kling.model_id}' in message


# --- uploads ---------------------------------------------------------------------------

class RecordingUploads:
    def __init__(self, fail_on: str | None = None):
        self.sent: list[bytes] = []
        self.fail_on = fail_on
        self._lock = threading.Lock()

    def upload(self, path: Path) -> str:
        if self.fail_on and path.name == self.fail_on:
            raise FatalError(f"{path.name} is 60.0 MB; uploads are limited to 50 MB")
        with self._lock:
            self.sent.append(path.read_bytes())
            return f"https://cdn.test/u/{len(self.sent)}{path.suffix}"


def test_each_content_is_uploaded_once_and_the_job_body_is_never_touched(catalog, tmp_path):
    first, second = png(tmp_path / "a.png", 1), png(tmp_path / "b.png", 2)
    twin = tmp_path / "copy-of-a.png"
    twin.write_bytes(first.read_bytes())
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    body = {"model": "test/reference-video", "prompt": "x", "video": str(clip),
            "subjects": [{"name": "left", "images": [str(first), "https://cdn/keep.png"]},
                         {"name": "right", "images": [str(second), str(twin)]}],
            "loras": [{"path": "style.safetensors", "scale": 1.0}]}
    before = copy.deepcopy(body)
    client = RecordingUploads()
    cache = UploadCache(client)
    sent = cache.replace_local_media(body, catalog.get("test/reference-video").properties)
    again = cache.replace_local_media(body, catalog.get("test/reference-video").properties)
    assert body == before
    assert sent == again and len(client.sent) == 3 and cache.uploaded == 3
    assert sent["subjects"][0]["images"][1] == "https://cdn/keep.png"
    assert sent["subjects"][0]["images"][0] == sent["subjects"][1]["images"][1]  # same bytes, one upload
    assert sent["loras"] == body["loras"] and sent["subjects"][0]["name"] == "left"
    urls = [sent["video"], *sent["subjects"][0]["images"], *sent["subjects"][1]["images"]]
    assert all(url.startswith("https://") for url in urls)


def test_a_failed_upload_names_the_field_and_the_file(catalog, tmp_path):
    good, bad = png(tmp_path / "ok.png", 1), png(tmp_path / "huge.png", 2)
    cache = UploadCache(RecordingUploads(fail_on="huge.png"))
    with pytest.raises(UploadFailed) as caught:
        cache.replace_local_media({"images": [str(good), str(bad)]}, catalog.get("test/edit").properties)
    assert str(caught.value) == "images[1] (huge.png) could not be uploaded: huge.png is 60.0 MB; uploads are " \
                                "limited to 50 MB"


class FlakyUploads(RecordingUploads):
    """Rate limited twice, then fine: an upload bills nothing, so trying again is safe."""

    def __init__(self, failures: int):
        super().__init__()
        self.failures = failures

    def upload(self, path: Path) -> str:
        if self.failures:
            self.failures -= 1
            raise RateLimitedError("rate limited (429)")
        return super().upload(path)


def test_a_rate_limited_upload_waits_and_tries_again(catalog, tmp_path):
    image = png(tmp_path / "ref.png", 1)
    waits: list[float] = []
    cache = UploadCache(FlakyUploads(failures=2), Backoff(base=1.0))
    sent = cache.replace_local_media({"images": [str(image)]}, catalog.get("test/edit").properties, wait=waits.append)
    assert sent["images"][0].startswith("https://") and len(waits) == 2
    with pytest.raises(UploadFailed):  # without a way to wait, the first refusal is final
        UploadCache(FlakyUploads(failures=1), Backoff()).replace_local_media(
            {"images": [str(image)]}, catalog.get("test/edit").properties)


def test_a_quote_never_carries_a_local_path(catalog, tmp_path):
    image = png(tmp_path / "ref.png", 1)
    spec = JobSpec("edit", "test/edit", {"prompt": "x", "images": [str(image), "https://cdn/keep.png"]})
    body = spec.quote_body(catalog.get("test/edit"))
    assert body["images"][1] == "https://cdn/keep.png"
    assert body["images"][0].startswith("https://") and str(tmp_path) not in json.dumps(body)
    assert spec.inputs["images"][0] == str(image)


# --- the runner: uploads and several outputs -------------------------------------------

class MultiOutputAtlas(FakeAtlas):
    """FakeAtlas whose tasks make ``outputs`` files each, and which takes uploads."""

    def __init__(self, outputs: int = 3):
        super().__init__()
        self.outputs = outputs
        self.uploads = RecordingUploads()

    def upload(self, path: Path) -> str:
        return self.uploads.upload(path)

    def poll(self, prediction_id):
        prediction = super().poll(prediction_id)
        if not prediction.outputs:
            return prediction
        return replace(prediction, outputs=tuple(f"https://cdn.fake.test/{prediction_id}.{n}.png"
                                                 for n in range(1, self.outputs + 1)))


def run_fake(jobs, fake, catalog, out, store=None):
    clock = ManualClock()
    return new_runner(jobs, catalog, out, limits=Limits(concurrency=2), store=store, client=fake, clock=clock,
                      sleep=clock.sleep)


def test_local_images_of_every_job_go_up_once_and_every_output_comes_down(catalog, tmp_path):
    refs = [png(tmp_path / f"ref{i}.png", i) for i in range(3)]
    jobs = [JobSpec("poster", "test/edit", {"prompt": "one", "images": [str(p) for p in refs], "num_images": 3}),
            JobSpec("poster", "test/edit", {"prompt": "two", "images": [str(refs[2]), str(refs[0])]})]
    fake = MultiOutputAtlas(outputs=3)
    out = tmp_path / "out"
    result = run_fake(jobs, fake, catalog, out).run()
    assert [r.state for r in result.records] == [JobState.DONE, JobState.DONE]
    assert len(fake.uploads.sent) == 3
    first, second = sorted(fake.submitted, key=lambda body: body["prompt"])
    assert all(url.startswith("https://cdn.test/u/") for url in first["images"] + second["images"])
    assert second["images"] == [first["images"][2], first["images"][0]]
    assert jobs[0].inputs["images"] == [str(p) for p in refs]
    names = sorted(p.name for p in (out / "images").iterdir())
    # Two jobs of one name never overwrite each other's pictures.
    assert names == sorted([f"poster-{n}.png" for n in (1, 2, 3)] + [f"poster-{n} (2).png" for n in (1, 2, 3)])
    manifest = json.loads((out / "manifest.json").read_text())
    for entry, record in zip(manifest["results"], result.records):
        assert entry["outputs"] == record.output_urls and len(entry["outputs"]) == 3
        assert [f["url"] for f in entry["files"]] == entry["outputs"]
        for listed in entry["files"]:
            data = (out / listed["path"]).read_bytes()
            # Downloaded as listed, then its recipe written in: the manifest has both hashes.
            assert listed["recipe"] == "embedded" and len(listed["sha256"]) == 64
            assert hashlib.sha256(data).hexdigest() == listed["written_sha256"]


def test_a_resumed_multi_output_job_keeps_its_names_and_every_file(catalog, tmp_path):
    fake = MultiOutputAtlas(outputs=3)
    out = tmp_path / "out"
    store = JobStore(out)
    job = JobSpec("set", "test/edit", {"prompt": "p", "images": ["https://cdn/ref.png"], "num_images": 3})
    runner = run_fake([job], fake, catalog, out, store)
    runner.run()
    record = runner.records[0]
    assert record.planned_paths == ["images/set-1.png", "images/set-2.png", "images/set-3.png"]
    # A kill between the first and the second download.
    record.state, record.files = JobState.DOWNLOADING, record.files[:1]
    store.save(record)
    for name in ("set-2.png", "set-3.png"):
        (out / "images" / name).unlink()
    store.close()
    store = JobStore(out)
    resumed = resumed_runner(store, catalog, out, client=fake, clock=ManualClock(), sleep=lambda s: None).run()
    [again] = resumed.records
    assert again.state == JobState.DONE and len(fake.submitted) == 1
    assert [f.path for f in again.files] == ["images/set-1.png", "images/set-2.png", "images/set-3.png"]
    assert sorted(p.name for p in (out / "images").iterdir()) == ["set-1.png", "set-2.png", "set-3.png"]
    entry = json.loads((out / "manifest.json").read_text())["results"][0]
    assert len(entry["files"]) == 3 and entry["outputs"] == again.output_urls
    store.close()


# --- against the simulator -------------------------------------------------------------

def snapshot_model(predicate):
    snapshot = Catalog.snapshot()
    return snapshot, next((m for m in snapshot.models.values() if predicate(m)), None)


def takes_reference_images(model) -> bool:
    shape = model.shapes.get("images")
    return (model.type == "Image" and shape is not None and shape.media == "image" and shape.is_list
            and (shape.max_items or 10) >= 3)


def makes_several_images(model) -> bool:
    count = model.properties.get("max_images") or model.properties.get("num_images") or {}
    return model.type == "Image" and (count.get("maximum") or 0) >= 3 and "images" not in model.required


@pytest.fixture
def sim_runner(tmp_path):
    with instant_sim() as (server, client, options):
        def run(jobs, catalog):
            runner = new_runner(jobs, catalog, tmp_path / "out", limits=Limits(concurrency=2), mode="demo",
                                client=client, **options)
            return runner.run(), server

        yield run


def test_a_multi_image_job_through_the_simulator_downloads_every_image(sim_runner, tmp_path):
    snapshot, model = snapshot_model(makes_several_images)
    if model is None:
        pytest.skip("the snapshot has no multi-image (max_images / num_images) model yet")
    count_field = "max_images" if "max_images" in model.properties else "num_images"
    job = JobSpec("sequence", model.model_id, {"prompt": "four seasons of one tree", count_field: 3})
    result, server = sim_runner([job], snapshot)
    [record] = result.records
    assert record.state == JobState.DONE, record.error
    assert len(record.output_urls) == 3
    assert [f.path for f in record.files] == [f"images/sequence-{n}.png" for n in (1, 2, 3)]
    out = tmp_path / "out"
    entry = json.loads((out / "manifest.json").read_text())["results"][0]
    assert entry["outputs"] == record.output_urls and [f["path"] for f in entry["files"]] == \
        [f.path for f in record.files]
    for listed in entry["files"]:
        data = (out / listed["path"]).read_bytes()
        assert data[:4] == b"\x89PNG" and hashlib.sha256(data).hexdigest() == listed["written_sha256"]
    assert len({f.sha256 for f in record.files}) == 3  # three different pictures, not one three times


def test_an_edit_job_with_three_local_references_through_the_cli(tmp_path):
    snapshot, model = snapshot_model(takes_reference_images)
    if model is None:
        pytest.skip("the snapshot has no edit model with an images list yet")
    refs = [png(tmp_path / f"ref{i}.png", 60 * i) for i in range(3)]
    jobs = tmp_path / "edit.yaml"
    jobs.write_text(json.dumps({"schema_version": 1, "jobs": [{
        "name": "three refs", "model": model.model_id,
        "inputs": {"prompt": "combine the three products on one shelf", "images": [str(p) for p in refs]}}]}))
    from tests.cli.test_cli import cli

    with SimServer(port=0, speed=50) as server:
        env = {"ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": server.base_url}
        run = cli("run", jobs, "--out", tmp_path / "out", "--yes", "--json", env=env)
        assert run.returncode == 0, run.stdout + run.stderr
        manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
        [entry] = manifest["results"]
        task = server.state.get_task(entry["prediction_id"])
        stats = server.stats()
    assert stats["uploads"] == 3
    assert len(task.body["images"]) == 3 and all(u.startswith(("http://", "https://")) for u in task.body["images"])
    assert len(set(task.body["images"])) == 3 and not any(str(tmp_path) in u for u in task.body["images"])
    assert entry["status"] == "done" and entry["outputs"] and len(entry["files"]) == len(entry["outputs"])
    for listed in entry["files"]:
        data = (tmp_path / "out" / listed["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == listed["written_sha256"] and listed["bytes"] > 0
