"""The simulator's view of the bundled catalog snapshot: rows, schemas, body validation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft7Validator

from app.paths import catalog_dir, schema_file_name

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
        messages.extend(self._vendor_rule_problems(body))
        return sorted(set(messages))

    def _vendor_rule_problems(self, body: dict) -> list[str]:
        """Rules the real service enforces that JSON Schema cannot say (the x- keys)."""
        problems = []
        for name, prop in self.input_schema.get("properties", {}).items():
            value = body.get(name)
            if not isinstance(value, str):
                continue
            if prop.get("x-input-kind") == "image" and not value.startswith(("http://", "https://", "data:image/")):
                problems.append(f"{name}: must be an http(s) URL or a data:image URI; upload local files with uploadMedia")
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
    def __init__(self, directory: Path | None = None):
        directory = directory or catalog_dir()
        self.document = json.loads((directory / "models.json").read_text(encoding="utf-8"))
        self.models: dict[str, SimModel] = {}
        for row in self.document["data"]:
            schema = json.loads((directory / "schemas" / schema_file_name(row["model"])).read_text(encoding="utf-8"))
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
