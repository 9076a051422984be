"""The simulator's view of the catalog: the bundled snapshot (plus any synthetic models), row
by row with its schema, and the checks the real service makes on a submitted body."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft7Validator

from app.engine.atlas import pricing
from app.engine.atlas.shapes import is_remote_media, media_values
from app.engine.core.paths import catalog_dir, schema_file_name
from app.sim import llm

SUBMIT_ENDPOINT_BY_TYPE = {"Image": "generateImage", "Video": "generateVideo"}
_SIZE = re.compile(r"^(\d+)\*(\d+)$")


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
        for found in media_values(body, self.input_schema.get("properties", {})):
            value = found.value
            if not isinstance(value, str):
                continue  # the schema check already names a value of the wrong type
            if value == "" and len(found.path) == 1 and found.path[0] not in required:
                continue  # some clients send "" for an unused optional field
            if value == "":
                problems.append(f"{found.label}: is empty; it must be an http(s) URL or a data URI")
            elif not is_remote_media(value):
                problems.append(f"{found.label}: {_shorten(value)} is not an http(s) URL or a data URI; "
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
    # The body is one with_defaults() filled, so its defaults are already in it.
    def output_count(self, body: dict) -> int:
        """How many outputs one task makes: 1, or what the schema's num_images / max_images asks for."""
        properties = self.input_schema.get("properties", {})
        return pricing.output_count({name: value for name, value in body.items() if name in properties})

    def clip_seconds(self, body: dict) -> float:
        """The clip length a video task makes: its duration ("5", 5 and 5.0 alike), or a default."""
        return float(pricing.clip_seconds(body))

    def start_image(self, body: dict) -> str | None:
        """The first image the body gives (a start frame, else the first reference), for a video."""
        found = media_values(body, self.input_schema.get("properties", {}))
        ranked = sorted(found, key=lambda item: _START_RANK.get(item.path[0], 1))
        for item in ranked:
            top_level_name = str(item.path[0])
            if (item.media == "image" and isinstance(item.value, str) and item.value
                    and not top_level_name.startswith(("end_", "last_", "tail_"))):
                return item.value
        return None


_START_RANK = {"image": 0, "start_image": 0, "first_image": 0, "image_url": 0}


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
        self._encoded: dict[str, bytes] = {}
        for row in self.document["data"]:
            schema = json.loads((directory / "schemas" / schema_file_name(row["model"])).read_text(encoding="utf-8"))
            self._add(row, schema)
        # The LLMs, with token prices, for /v1/chat/completions (app.sim.llm).
        self.document = {**self.document, "data": llm.text_model_rows(self.document["data"])}
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

    def catalog_bytes(self, base_url: str) -> bytes:
        """catalog_document encoded once per base URL: with hundreds of models it is most of a
        megabyte, and the catalog never changes while a simulator runs."""
        encoded = self._encoded.get(base_url)
        if encoded is None:
            encoded = json.dumps(self.catalog_document(base_url), ensure_ascii=False).encode("utf-8")
            self._encoded[base_url] = encoded
        return encoded

    def schema_document(self, model_id: str, base_url: str) -> dict | None:
        model = self.models.get(model_id)
        if model is None:
            return None
        return {**model.schema, "servers": [{"url": base_url}]}
