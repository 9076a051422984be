"""The bundled snapshot must look exactly like what the real catalog and schema URLs serve."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator

from app.engine.core.paths import catalog_dir, schema_file_name
from app.sim.synthetic import minimal_body
from tests.fakes.snapshot import SHAPED_MODELS

REQUIRED_MODELS = {
    "black-forest-labs/flux-2-pro/text-to-image", "google/imagen4-ultra", "google/imagen4", "google/imagen4-fast",
    "bytedance/seedance-v1.5-pro/text-to-video", "bytedance/seedance-v1.5-pro/image-to-video",
    "bytedance/seedance-v1.5-pro-fast/text-to-video", "bytedance/seedance-v1.5-pro-fast/image-to-video",
    "google/veo3.1/text-to-video", "google/veo3.1/image-to-video", "google/veo3.1-fast/text-to-video",
}


def load_rows():
    document = json.loads((catalog_dir() / "models.json").read_text(encoding="utf-8"))
    assert str(document["code"]) == "200"
    return document["data"]


def load_schema(model_id):
    return json.loads((catalog_dir() / "schemas" / schema_file_name(model_id)).read_text(encoding="utf-8"))


def test_rows_have_the_catalog_shape():
    rows = load_rows()
    assert REQUIRED_MODELS | set(SHAPED_MODELS) <= {row["model"] for row in rows}
    for row in rows:
        assert set(row) >= {"model", "type", "displayName", "categories", "schema", "price", "display_console"}
        assert row["type"] in {"Image", "Video", "Audio", "Text"}
        assert row["schema"].startswith("https://")
        assert {"discount", "actual", "origin"} <= set(row["price"])
        assert "base_price" in row["price"]["actual"]
    assert any(row["display_console"] is False for row in rows)


@pytest.mark.parametrize("model_id", sorted(REQUIRED_MODELS | set(SHAPED_MODELS)))
def test_schema_is_openapi_with_a_valid_input_schema(model_id):
    schema = load_schema(model_id)
    assert schema["openapi"].startswith("3.")
    assert schema["paths"]
    input_schema = schema["components"]["schemas"]["Input"]
    Draft7Validator.check_schema(input_schema)
    assert "prompt" in input_schema["required"]
    assert set(input_schema["x-order-properties"]) == set(input_schema["properties"])
    # Every default must itself be valid, or a form filled with defaults could not submit.
    body = {name: prop["default"] for name, prop in input_schema["properties"].items() if "default" in prop}
    body.update(minimal_body(input_schema))
    assert list(Draft7Validator(input_schema).iter_errors(body)) == []


def test_documented_inputs_and_ranges():
    seedance = load_schema("bytedance/seedance-v1.5-pro/text-to-video")["components"]["schemas"]["Input"]["properties"]
    assert (seedance["duration"]["minimum"], seedance["duration"]["maximum"]) == (4, 12)
    assert seedance["resolution"]["enum"] == ["480p", "720p"]
    assert seedance["generate_audio"]["default"] is True
    fast = load_schema("bytedance/seedance-v1.5-pro-fast/text-to-video")["components"]["schemas"]["Input"]["properties"]
    assert fast["resolution"]["enum"] == ["720p"]
    imagen = load_schema("google/imagen4-ultra")["components"]["schemas"]["Input"]["properties"]
    assert imagen["aspect_ratio"]["enum"] == ["1:1", "16:9", "9:16", "4:3", "3:4"]
    flux = load_schema("black-forest-labs/flux-2-pro/text-to-image")["components"]["schemas"]["Input"]["properties"]
    assert flux["size"]["default"] == "1024*1024"
    i2v = load_schema("google/veo3.1/image-to-video")["components"]["schemas"]["Input"]
    assert "image" in i2v["required"]


def test_veo_rule_high_resolution_requires_eight_seconds():
    input_schema = load_schema("google/veo3.1/text-to-video")["components"]["schemas"]["Input"]
    validator = Draft7Validator(input_schema)
    assert not validator.is_valid({"prompt": "x", "resolution": "1080p", "duration": 6})
    assert not validator.is_valid({"prompt": "x", "resolution": "4k", "duration": 4})
    assert validator.is_valid({"prompt": "x", "resolution": "1080p", "duration": 8})
    assert validator.is_valid({"prompt": "x", "resolution": "720p", "duration": 4})
    assert not validator.is_valid({"prompt": "x", "duration": 5})


def properties_of(model_id):
    return load_schema(model_id)["components"]["schemas"]["Input"]["properties"]


def test_documented_shapes_of_the_real_models():
    edit = load_schema("bytedance/seedream-v4.5/edit")["components"]["schemas"]["Input"]
    assert "images" in edit["required"]
    assert (edit["properties"]["images"]["minItems"], edit["properties"]["images"]["maxItems"]) == (1, 10)
    assert properties_of("bytedance/seedream-v4.5/sequential")["max_images"]["maximum"] == 15
    assert properties_of("alibaba/qwen-image/edit-plus-20251215")["num_images"]["maximum"] == 6
    lite = properties_of("bytedance/seedream-v5.0-lite/edit-sequential")
    assert lite["optimize_prompt_options"]["type"] == "object" and lite["images"]["maxItems"] == 14
    kling = properties_of("kwaivgi/kling-v2.1-t2v-master")
    assert kling["duration"]["enum"] == ["5", "10"] and kling["duration"]["type"] == "string"
    assert "duration" not in properties_of("minimax/hailuo-2.3/t2v-pro")
    assert properties_of("vidu/q2-pro-fast/reference-to-video")["duration"]["type"] == "number"
    loras = properties_of("black-forest-labs/flux-kontext-dev-lora")["loras"]
    assert loras["items"]["type"] == "object" and {"path", "scale"} <= set(loras["items"]["properties"])
    assert properties_of("alibaba/wan-2.6/video-to-video")["videos"]["items"]["x-input-kind"] == "video"
    assert "end_image" in load_schema("kwaivgi/kling-v2.1-i2v-pro/start-end-frame")["components"]["schemas"]["Input"][
        "required"]
