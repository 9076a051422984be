"""The simulator's view of the catalog: the bundled snapshot (plus any synthetic models), row
by row with its schema, and the checks the real service makes on a submitted body."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft7Validator

from app.engine.shapes import Kind, classify
from app.paths import catalog_dir, schema_file_name

SUBMIT_ENDPOINT_BY_TYPE = {"Image": "generateImage", "Video": "generateVideo"}
_SIZE = re.compile(r"^(\d+)\*(\d+)$")
# Fields that ask for several outputs from one task (each output is charged).
OUTPUT_COUNT_FIELDS = ("num_images", "max_images", "num_outputs", "n")
# Models without a duration field still make a clip; Hailuo's default length is 6 s.
DEFAULT_CLIP_SECONDS = 6.0
REMOTE_PREFIXES = ("http://", "https://", "data:")


@dataclass(frozen=True)
class SimModel:
    row: dict
    schema: dict
    validator: Draft7Validator

    @property
    def model_id(self) -> str:
        return self.row["model"]

    @property
    def type(self) -> str:
        return self.row["type"]

    @property
    def listed(self) -> bool:
        return bool(self.row.get("display_console", True))

    @property
    def input_schema(self) -> dict:
        return self.schema["components"]["schemas"]["Input"]

    def with_defaults(self, body: dict) -> dict:
        filled = dict(body)
        for name, prop in self.input_schema.get("properties", {}).items():
            if name not in filled and "default" in prop:
                filled[name] = prop["default"]
        return filled

    def problems(self, body: dict) -> list[str]:
        """Every way the body breaks the schema, each naming its field."""
        messages = [_describe(error, self.input_schema) for error in self.validator.iter_errors(body)]
        messages.extend(self._media_problems(body))
        messages.extend(self._vendor_rule_problems(body))
        return sorted(set(messages))

    def _media_problems(self, body: dict) -> list[str]:
        """The service fetches every media value itself, so each one, alone or in a list or an
        object, must be a URL it can reach or inline data; a path on the caller's disk is refused."""
        required = set(self.input_schema.get("required", []))
        problems = []
        for label, value, top_level_name in media_values(body, self.input_schema.get("properties", {})):
            if value == "" and top_level_name not in required and label == top_level_name:
                continue  # some clients send "" for an unused optional field
            if value == "":
                problems.append(f"{label}: is empty; it must be an http(s) URL or a data URI")
            elif not value.startswith(REMOTE_PREFIXES):
                problems.append(f"{label}: {_shorten(value)} is not an http(s) URL or a data URI; "
                                "upload local files with uploadMedia")
        return problems

    def _vendor_rule_problems(self, body: dict) -> list[str]:
        """Rules the real service enforces that JSON Schema cannot say (the x- keys)."""
        problems = []
        for name, prop in self.input_schema.get("properties", {}).items():
            value = body.get(name)
            if not isinstance(value, str):
                continue
            if "x-max-pixels" in prop and (match := _SIZE.match(value)):
                width, height = int(match[1]), int(match[2])
                low, high = prop.get("x-min-side", 1), prop.get("x-max-side", 1 << 30)
                if not (low <= width <= high and low <= height <= high):
                    problems.append(f"{name}: each side of {value} must be between {low} and {high} pixels")
                elif width * height > prop["x-max-pixels"]:
                    megapixels = width * height / 1e6
                    problems.append(f"{name}: {value} is {megapixels:.1f} MP; the maximum is "
                                    f"{prop['x-max-pixels'] / 1e6:.1f} MP")
        return problems

    # --- what a task of this body makes ---------------------------------------------------
    def output_count(self, body: dict) -> int:
        """How many outputs one task makes: 1, or what num_images / max_images asks for."""
        properties = self.input_schema.get("properties", {})
        for name in OUTPUT_COUNT_FIELDS:
            value = body.get(name, properties.get(name, {}).get("default"))
            if name in properties and isinstance(value, int) and not isinstance(value, bool):
                return max(1, value)
        return 1

    def clip_seconds(self, body: dict) -> float:
        """The clip length a video task makes: its duration ("5", 5 and 5.0 alike), or a default."""
        try:
            seconds = float(body["duration"])
        except (KeyError, TypeError, ValueError):
            return DEFAULT_CLIP_SECONDS
        return seconds if seconds > 0 else DEFAULT_CLIP_SECONDS

    def start_image(self, body: dict) -> str | None:
        """The first image the body gives (a start frame, else the first reference), for a video."""
        properties = self.input_schema.get("properties", {})
        ranked = sorted(media_values(body, properties), key=lambda found: _START_RANK.get(found[2], 1))
        for label, value, top_level_name in ranked:
            shape = classify(top_level_name, properties.get(top_level_name, {}))
            if shape.media == "image" and value and not top_level_name.startswith(("end_", "last_", "tail_")):
                return value
        return None


_START_RANK = {"image": 0, "start_image": 0, "first_image": 0, "image_url": 0}


def media_values(body: dict, properties: dict) -> list[tuple[str, str, str]]:
    """(label such as ``subjects[0].images[1]``, value, top-level field) for every string the
    schema says is media, at any depth."""
    found: list[tuple[str, str, str]] = []
    for name, value in body.items():
        prop = properties.get(name)
        _collect(name, value, prop if isinstance(prop, dict) else {}, name, name, found)
    return found


def _collect(name: str, value: object, prop: dict, label: str, top: str, found: list) -> None:
    shape = classify(name, prop)
    if shape.kind == Kind.MEDIA and isinstance(value, str):
        found.append((label, value, top))
    elif shape.kind == Kind.MEDIA_LIST and isinstance(value, list):
        found.extend((f"{label}[{index}]", item, top) for index, item in enumerate(value) if isinstance(item, str))
    elif isinstance(value, dict):
        _collect_object(value, prop, label, top, found)
    elif isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        for index, item in enumerate(value):
            if isinstance(item, dict):
                _collect_object(item, items, f"{label}[{index}]", top, found)


def _collect_object(value: dict, prop: dict, label: str, top: str, found: list) -> None:
    properties = prop.get("properties") if isinstance(prop.get("properties"), dict) else {}
    for key, item in value.items():
        sub = properties.get(key)
        _collect(str(key), item, sub if isinstance(sub, dict) else {}, f"{label}.{key}", top, found)


def _shorten(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _describe(error, input_schema: dict) -> str:
    if error.validator == "required":
        field = error.message.split("'")[1] if "'" in error.message else "body"
        return f"{field}: is required"
    field = ".".join(str(part) for part in error.absolute_path) or "body"
    message = f"{field}: {error.message}"
    path = list(error.schema_path)
    if path[:1] == ["allOf"] and len(path) > 1:
        rule = input_schema["allOf"][path[1]].get("description")
        if rule:
            message += f" ({rule})"
    return message


class SimCatalog:
    """The snapshot's models, plus ``extra`` = (rows, schemas by model id) such as
    ``app.sim.synthetic.synthetic_catalog(400)`` gives, to serve a catalog of the real size."""

    def __init__(self, directory: Path | None = None, extra: tuple[list[dict], dict[str, dict]] | None = None):
        directory = directory or catalog_dir()
        self.document = json.loads((directory / "models.json").read_text(encoding="utf-8"))
        self.models: dict[str, SimModel] = {}
        for row in self.document["data"]:
            schema = json.loads((directory / "schemas" / schema_file_name(row["model"])).read_text(encoding="utf-8"))
            self._add(row, schema)
        if extra is not None:
            rows, schemas = extra
            added = []
            for row in rows:
                if row["model"] in self.models:
                    raise ValueError(f"model {row['model']} is listed twice")
                self._add(row, schemas[row["model"]])
                added.append(row)
            self.document = {**self.document, "data": [*self.document["data"], *added]}

    def _add(self, row: dict, schema: dict) -> None:
        input_schema = schema["components"]["schemas"]["Input"]
        self.models[row["model"]] = SimModel(row, schema, Draft7Validator(input_schema))

    def get(self, model_id: str) -> SimModel | None:
        return self.models.get(model_id)

    def catalog_document(self, base_url: str) -> dict:
        """The catalog as served: schema URLs point at this server."""
        rows = []
        for row in self.document["data"]:
            rows.append({**row, "schema": f"{base_url}/api/v1/models/schema/{row['model']}.json"})
        return {**self.document, "data": rows}

    def schema_document(self, model_id: str, base_url: str) -> dict | None:
        model = self.models.get(model_id)
        if model is None:
            return None
        return {**model.schema, "servers": [{"url": base_url}]}
