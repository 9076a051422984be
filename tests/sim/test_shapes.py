"""The schema shapes of the real catalog, in the simulator: lists of media, objects, string
durations, no duration, several outputs per task, and a synthetic catalog of the real size."""

from __future__ import annotations

import collections
import io
import json
from decimal import Decimal

import av
import pytest
import requests
from jsonschema import Draft7Validator
from PIL import Image

from app.engine.atlas.shapes import Kind, shapes_of
from app.sim import DEMO_KEY
from app.sim.catalog import SimCatalog
from app.sim.synthetic import SAMPLE_MEDIA, minimal_body, synthetic_catalog
from tests.fakes.snapshot import SHAPED_MODELS

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
STRUCTURED = {Kind.MEDIA, Kind.MEDIA_LIST, Kind.OBJECT, Kind.OBJECT_LIST}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NEW_SNAPSHOT_MODELS = SHAPED_MODELS


@pytest.fixture(scope="module")
def synthetic400():
    return synthetic_catalog(400)


def post(sim, body: dict, endpoint: str = "generateImage") -> requests.Response:
    return requests.post(f"{sim.base_url}/api/v1/model/{endpoint}", json=body, headers=AUTH, timeout=30)


def endpoint_of(model) -> str:
    return "generateVideo" if model.type == "Video" else "generateImage"


def run_to_completion(sim, client, model, body: dict) -> tuple[list[bytes], Decimal, Decimal]:
    """(downloaded outputs, quoted price, amount charged) for one task of ``body``."""
    quoted = Decimal(str(client.quote(body)))
    before = Decimal(str(client.balance()))
    task = client.submit(body, model.type)
    charged = before - Decimal(str(client.balance()))
    result = client.wait(task["id"])
    assert result.status == "completed", (model.model_id, result)
    return [client.download(url) for url in result.outputs], quoted, charged


def clip_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        return container.duration / 1_000_000


# --- the snapshot's new real models --------------------------------------------------------------

@pytest.mark.parametrize("model_id", NEW_SNAPSHOT_MODELS)
def test_every_new_snapshot_model_submits_and_completes(sim, client, model_id):
    model = sim.state.catalog.get(model_id)
    assert model is not None and model.listed
    body = {"model": model_id, **minimal_body(model.input_schema, prompt=f"a test of {model_id}")}
    outputs, quoted, charged = run_to_completion(sim, client, model, body)
    assert quoted == charged and charged > 0
    for data in outputs:
        if model.type == "Video":
            assert data[4:8] == b"ftyp"
        else:
            assert data.startswith(PNG_MAGIC)


def test_new_snapshot_models_cover_the_shapes_the_app_must_handle():
    catalog = SimCatalog()
    kinds = collections.Counter()
    for model_id in NEW_SNAPSHOT_MODELS:
        schema = catalog.get(model_id).input_schema
        for name, shape in shapes_of(schema).items():
            kinds[shape.kind] += 1
            if shape.kind == Kind.MEDIA_LIST:
                kinds[f"list of {shape.media}"] += 1
        duration = schema["properties"].get("duration")
        kinds["duration: " + (duration["type"] if duration else "none")] += 1
        kinds.update(name for name in ("num_images", "max_images", "guidance_scale", "end_image") if name in
                     schema["properties"])
    assert kinds["list of image"] >= 6 and kinds["list of video"] >= 1
    assert kinds[Kind.OBJECT] >= 1 and kinds[Kind.OBJECT_LIST] >= 1  # optimize_prompt_options, loras
    assert {"duration: string", "duration: number", "duration: integer", "duration: none"} <= set(kinds)
    assert kinds["num_images"] >= 2 and kinds["max_images"] >= 2 and kinds["guidance_scale"] >= 2
    assert kinds["end_image"] >= 1


def test_local_paths_in_a_list_are_refused_naming_field_and_index(sim):
    body = {"model": "bytedance/seedream-v4.5/edit", "prompt": "x",
            "images": ["https://cdn.example.com/a.png", "/home/me/b.png", "data:image/png;base64,iVBORw0KGgo="]}
    reply = post(sim, body)
    assert reply.status_code == 400
    message = reply.json()["msg"]
    assert message.startswith("images[1]:") and "/home/me/b.png" in message and "uploadMedia" in message
    assert "images[0]" not in message and "images[2]" not in message
    assert sim.stats()["tasks_created"] == 0
    body["images"][1] = "https://cdn.example.com/b.png"
    assert post(sim, body).status_code == 200


def test_a_local_path_in_a_single_video_field_is_refused(sim):
    body = {"model": "kwaivgi/kling-video-o3-std/reference-to-video", "prompt": "x", "video": "C:\\clips\\a.mp4"}
    reply = post(sim, body, "generateVideo")
    assert reply.status_code == 400 and reply.json()["msg"].startswith("video:")


def test_an_empty_optional_media_field_is_taken_as_unused(sim):
    body = {"model": "kwaivgi/kling-video-o3-std/reference-to-video", "prompt": "x", "video": ""}
    assert post(sim, body, "generateVideo").status_code == 200
    required_empty = {"model": "kwaivgi/kling-v2.1-i2v-pro/start-end-frame", "prompt": "x",
                      "image": "https://cdn.example.com/a.png", "end_image": ""}
    reply = post(sim, required_empty, "generateVideo")
    assert reply.status_code == 400 and reply.json()["msg"].startswith("end_image:")


def test_array_limits_are_the_schemas(sim):
    too_many = {"model": "alibaba/qwen-image/edit-plus-20251215", "prompt": "x",
                "images": [SAMPLE_MEDIA["image"]] * 4}
    reply = post(sim, too_many)
    assert reply.status_code == 400 and reply.json()["msg"].startswith("images:")
    none = {"model": "bytedance/seedream-v4.5/edit", "prompt": "x", "images": []}
    assert post(sim, none).status_code == 400


def test_a_multi_image_task_lists_n_distinct_pngs_and_costs_n_times_one(sim, client):
    model = sim.state.catalog.get("bytedance/seedream-v4.5/sequential")
    one = Decimal(str(client.quote({"model": model.model_id, "prompt": "a comic strip"})))
    body = {"model": model.model_id, "prompt": "a comic strip", "max_images": 3}
    outputs, quoted, charged = run_to_completion(sim, client, model, body)
    assert len(outputs) == 3 and len(set(outputs)) == 3
    assert all(Image.open(io.BytesIO(data)).format == "PNG" for data in outputs)
    assert quoted == charged == 3 * one


def test_num_images_gives_several_outputs_too(sim, client):
    model = sim.state.catalog.get("alibaba/qwen-image/edit-plus-20251215")
    body = {"model": model.model_id, "prompt": "x", "images": [SAMPLE_MEDIA["image"]], "num_images": 2}
    outputs, quoted, charged = run_to_completion(sim, client, model, body)
    assert len(set(outputs)) == 2 and quoted == charged


def test_an_output_name_the_task_does_not_have_is_404(sim, client):
    task = client.submit({"model": "bytedance/seedream-v4.5/sequential", "prompt": "x", "max_images": 2}, "Image")
    result = client.wait(task["id"])
    assert [url.rsplit("/", 1)[1] for url in result.outputs] == ["output-1.png", "output-2.png"]
    missing = result.outputs[0].rsplit("/", 1)[0] + "/output-3.png"
    assert requests.get(missing, timeout=10).status_code == 404


def test_string_enum_duration_takes_the_string_and_refuses_the_number(sim, client):
    model_id = "kwaivgi/kling-v2.1-t2v-master"
    refused = post(sim, {"model": model_id, "prompt": "x", "duration": 5}, "generateVideo")
    assert refused.status_code == 400
    message = refused.json()["msg"]
    # jsonschema's wording, which shows that the allowed values are strings.
    assert message.startswith("duration:") and "5 is not one of ['5', '10']" in message
    validator = Draft7Validator(sim.state.catalog.get(model_id).input_schema)
    assert not validator.is_valid({"prompt": "x", "duration": 5})
    task = client.submit({"model": model_id, "prompt": "x", "duration": "10"}, "Video")
    result = client.wait(task["id"])
    assert result.status == "completed"
    assert clip_seconds(client.download(result.outputs[0])) == pytest.approx(10, abs=0.5)


def test_a_video_model_without_duration_makes_a_default_length_clip(sim, client):
    model = sim.state.catalog.get("minimax/hailuo-2.3/t2v-pro")
    assert "duration" not in model.input_schema["properties"]
    outputs, quoted, charged = run_to_completion(sim, client, model, {"model": model.model_id, "prompt": "x"})
    assert clip_seconds(outputs[0]) == pytest.approx(6, abs=0.5) and quoted == charged


def test_a_float_duration_is_a_clip_of_that_length(sim, client):
    model = sim.state.catalog.get("vidu/q2-pro-fast/reference-to-video")
    body = {"model": model.model_id, "prompt": "x", "images": [SAMPLE_MEDIA["image"]], "duration": 3.0}
    outputs, _, _ = run_to_completion(sim, client, model, body)
    assert clip_seconds(outputs[0]) == pytest.approx(3, abs=0.5)


def test_a_reference_video_model_starts_from_an_uploaded_reference(sim, client):
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), (250, 10, 10)).save(picture, format="PNG")
    url = client.upload("red.png", picture.getvalue())
    model = sim.state.catalog.get("vidu/q2-pro-fast/reference-to-video")
    body = {"model": model.model_id, "prompt": "x", "images": [url], "duration": 1.0}
    outputs, _, _ = run_to_completion(sim, client, model, body)
    with av.open(io.BytesIO(outputs[0])) as container:
        frame = next(container.decode(video=0)).to_image()
    # The right edge halfway down is clear of the caption, the prompt and the moving marker.
    red, green, _ = frame.getpixel((frame.width - 2, frame.height // 2))
    assert red > 150 and green < 100


# --- the synthetic catalog --------------------------------------------------------------------------

def test_synthetic_catalog_is_deterministic(synthetic400):
    assert synthetic_catalog(400) == synthetic400
    other_rows, _ = synthetic_catalog(400, seed=1)
    assert [row["model"] for row in other_rows] != [row["model"] for row in synthetic400[0]]
    assert synthetic_catalog(0) == ([], {})


def test_synthetic_rows_look_like_the_real_list(synthetic400):
    rows, schemas = synthetic400
    ids = [row["model"] for row in rows]
    assert len(ids) == len(set(ids)) == 400 and set(schemas) == set(ids)
    assert not set(ids) & set(SimCatalog().models), "a made-up model took a real model's id"
    for row in rows:
        assert {"model", "type", "displayName", "categories", "price", "display_console"} <= set(row)
        assert "schema" not in row and row["type"] in {"Image", "Video", "Audio", "Text"}
        Decimal(row["price"]["actual"]["base_price"])
        assert 800 < len(json.dumps(row)) < 5000
    size = len(json.dumps({"code": 200, "data": rows}))
    assert 500_000 < size < 1_600_000
    types = collections.Counter(row["type"] for row in rows)
    assert types["Image"] > 120 and types["Video"] > 150 and types["Audio"] and types["Text"]
    assert 4 <= sum(not row["display_console"] for row in rows) <= 30
    assert len({model_id.split("/")[0] for model_id in ids}) >= 20
    categories = {category for row in rows for category in row["categories"]}
    assert {"Text-to-Image", "Image Edit", "Image-to-Image", "Text-to-Video", "Image-to-Video",
            "Reference-to-Video", "Video-to-Video"} <= categories
    # No single id pattern: slash-separated tasks, dashed abbreviations and bare ids all occur.
    assert any(i.endswith("/text-to-video") for i in ids) and any("-t2v-" in i or i.endswith("-t2v") for i in ids)
    assert any(i.count("/") == 1 and "-" not in i.split("/")[1] for i in ids)


def test_synthetic_schemas_cover_every_shape(synthetic400):
    rows, schemas = synthetic400
    media_rows = [row for row in rows if row["type"] in ("Image", "Video")]
    seen = collections.Counter()
    videos = 0
    for row in media_rows:
        properties = schemas[row["model"]]["components"]["schemas"]["Input"]["properties"]
        seen.update(name for name in properties)
        for name, shape in shapes_of({"properties": properties}).items():
            seen[shape.kind] += 1
        if row["type"] == "Video":
            videos += 1
            duration = properties.get("duration")
            seen["duration:" + ("none" if duration is None else
                                "enum-" + duration["type"] if "enum" in duration else duration["type"])] += 1
        size = properties.get("size")
        if size:
            seen["size-enum" if "enum" in size else "size-free"] += 1
        seed = properties.get("seed")
        seen[f"seed-min:{seed.get('minimum') if seed else 'none'}"] += 1
    assert len(media_rows) / 8 < seen["images"] < len(media_rows) / 4  # about a sixth
    assert seen["videos"] >= 5 and seen["reference_images"] >= 3 and seen["subjects"] >= 1
    assert seen["loras"] >= 10 and seen["optimize_prompt_options"] >= 10 and seen[Kind.OBJECT] >= 10
    assert videos * 0.12 < seen["duration:none"] < videos * 0.3
    for kind in ("duration:enum-string", "duration:enum-integer", "duration:integer", "duration:number"):
        assert seen[kind] >= 10, kind
    for name in ("num_images", "max_images", "generate_audio", "sound", "bgm", "guidance_scale", "cfg_scale",
                 "end_image", "last_image", "video", "audio", "negative_prompt"):
        assert seen[name] >= 5, name
    assert seen["size-enum"] >= 10 and seen["size-free"] >= 10
    assert seen["seed-min:-1"] >= 10 and seen["seed-min:0"] >= 10 and seen["seed-min:none"] >= 10


def test_every_synthetic_schema_is_valid_and_its_minimal_body_passes(synthetic400):
    rows, schemas = synthetic400
    catalog = SimCatalog(extra=synthetic400)
    for row in rows:
        document = schemas[row["model"]]
        assert document["openapi"].startswith("3.")
        input_schema = document["components"]["schemas"]["Input"]
        Draft7Validator.check_schema(input_schema)
        assert set(input_schema["x-order-properties"]) == set(input_schema["properties"])
        body = minimal_body(input_schema)
        assert catalog.get(row["model"]).problems(body) == [], row["model"]
        # Defaults are valid values too, or a form filled with them could not submit.
        defaults = {name: prop["default"] for name, prop in input_schema["properties"].items() if "default" in prop}
        assert catalog.get(row["model"]).problems({**defaults, **body}) == [], row["model"]


def test_synthetic_models_are_served_and_run_in_the_simulator(synthetic400, make_sim, make_client):
    """One model of each distinct shape signature, end to end: listed, schema served, quoted,
    charged exactly the quote, completed, every output downloaded."""
    sim = make_sim(catalog=SimCatalog(extra=synthetic400))
    client = make_client(sim)
    listed = {row["model"]: row for row in client.catalog()}
    rows, schemas = synthetic400
    assert {row["model"] for row in rows if row["display_console"]} <= set(listed)
    picked: dict[tuple, str] = {}
    for row in rows:
        if row["type"] not in ("Image", "Video") or not row["display_console"]:
            continue
        properties = schemas[row["model"]]["components"]["schemas"]["Input"]["properties"]
        duration = properties.get("duration", {})
        structured = {shape.kind for shape in shapes_of({"properties": properties}).values()} & STRUCTURED
        signature = (row["type"], frozenset(structured), duration.get("type"), "enum" in duration,
                     "num_images" in properties or "max_images" in properties)
        picked.setdefault(signature, row["model"])
    assert len(picked) >= 20
    for model_id in picked.values():
        document = requests.get(listed[model_id]["schema"], timeout=10).json()
        body = {"model": model_id, **minimal_body(document["components"]["schemas"]["Input"])}
        model = sim.state.catalog.get(model_id)
        count_field = next((name for name in ("num_images", "max_images") if name in model.input_schema["properties"]),
                           None)
        if count_field:
            body[count_field] = 2
        outputs, quoted, charged = run_to_completion(sim, client, model, body)
        assert quoted == charged > 0, model_id
        assert len(set(outputs)) == (2 if count_field else 1), model_id
        assert all(data[4:8] == b"ftyp" if model.type == "Video" else data.startswith(PNG_MAGIC) for data in outputs)


def test_a_local_path_deep_inside_subjects_is_refused(synthetic400, make_sim):
    rows, schemas = synthetic400
    model_id = next(row["model"] for row in rows
                    if "subjects" in schemas[row["model"]]["components"]["schemas"]["Input"]["properties"])
    sim = make_sim(catalog=SimCatalog(extra=synthetic400))
    model = sim.state.catalog.get(model_id)
    body = {"model": model_id, **minimal_body(model.input_schema)}
    body["subjects"] = [{"id": "hero", "images": [SAMPLE_MEDIA["image"]]},
                        {"id": "dog", "images": [SAMPLE_MEDIA["image"], "./dog.jpg"]}]
    reply = post(sim, body, "generateVideo")
    assert reply.status_code == 400 and reply.json()["msg"].startswith("subjects[1].images[1]:")


def test_a_catalog_listing_a_model_twice_is_refused(synthetic400):
    rows, schemas = synthetic400
    with pytest.raises(ValueError, match="twice"):
        SimCatalog(extra=([*rows, rows[0]], schemas))
