"""The model catalog: the bundled snapshot, a disk cache of the live catalog, or both.

The submit endpoint comes from the row's ``type``, never from the schema's ``paths``
(some schemas name the wrong one).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timezone
from pathlib import Path

from app.engine.errors import AtlasError
from app.engine.fileio import atomic_write_json, check_version
from app.engine.shapes import FieldShape, Kind, shapes_of
from app.paths import catalog_dir, schema_file_name

MEDIA_TYPES = ("Image", "Video")
# A chained start image goes into the first frame, never into last_image or end_image.
_LATER_IMAGE = re.compile(r"^(last|end|tail|mask)_")
CACHE_VERSION = 1


# Compared by identity: schemas are dicts, and validators are cached per model.
@dataclass(frozen=True, eq=False)
class ModelInfo:
    model_id: str
    type: str
    display_name: str
    categories: tuple[str, ...]
    schema_url: str
    input_schema: dict
    row: dict

    @property
    def is_video(self) -> bool:
        return self.type == "Video"

    @property
    def properties(self) -> dict:
        return self.input_schema.get("properties", {})

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.input_schema.get("required", ()))

    @property
    def field_order(self) -> list[str]:
        order = [name for name in self.input_schema.get("x-order-properties", []) if name in self.properties]
        return order + [name for name in self.properties if name not in order]

    def defaults(self) -> dict:
        return {name: prop["default"] for name, prop in self.properties.items() if "default" in prop}

    @cached_property
    def shapes(self) -> dict[str, FieldShape]:
        return shapes_of(self.input_schema)

    def media_fields(self) -> list[str]:
        """Every input that takes media URLs, single or listed (local files are uploaded)."""
        return [name for name, shape in self.shapes.items() if shape.is_media]

    def image_fields(self) -> list[str]:
        """Single start-image inputs, the one a chained job fills first."""
        names = [name for name, shape in self.shapes.items() if shape.kind == Kind.MEDIA and shape.media == "image"]
        return sorted(names, key=lambda name: (_LATER_IMAGE.search(name) is not None, names.index(name)))


class Catalog:
    def __init__(self, models: dict[str, ModelInfo], source: str, fetched_at: str | None = None):
        self.models = models
        self.source = source  # "snapshot", "cache" or "live"
        self.fetched_at = fetched_at

    def __contains__(self, model_id: str) -> bool:
        return model_id in self.models

    def get(self, model_id: str) -> ModelInfo | None:
        return self.models.get(model_id)

    def of_type(self, model_type: str) -> list[ModelInfo]:
        return sorted((m for m in self.models.values() if m.type == model_type), key=lambda m: m.display_name)

    def nearest(self, model_id: str, count: int = 3) -> list[str]:
        ids = list(self.models)
        close = difflib.get_close_matches(model_id, ids, n=count, cutoff=0.4)
        if close:
            return close
        # Share the family at least ("google/veo3" -> the google/veo3.1 models).
        family = model_id.split("/")[0]
        return [i for i in ids if i.startswith(family + "/")][:count]

    # --- construction ----------------------------------------------------------------
    @classmethod
    def from_documents(cls, catalog_document: dict, schemas: dict[str, dict], source: str,
                       fetched_at: str | None = None) -> "Catalog":
        models = {}
        for row in catalog_document.get("data", []):
            model_id = row.get("model")
            if not model_id or row.get("display_console") is False or row.get("type") not in MEDIA_TYPES:
                continue
            schema = schemas.get(model_id)
            try:
                input_schema = schema["components"]["schemas"]["Input"]
            except (KeyError, TypeError):
                continue  # a model we cannot validate is a model we cannot offer
            models[model_id] = ModelInfo(model_id, row["type"], row.get("displayName") or model_id,
                                         tuple(row.get("categories") or ()), row.get("schema", ""), input_schema, row)
        return cls(models, source, fetched_at)

    @classmethod
    def snapshot(cls, directory: Path | None = None) -> "Catalog":
        directory = directory or catalog_dir()
        document = json.loads((directory / "models.json").read_text(encoding="utf-8"))
        schemas = {}
        for row in document["data"]:
            path = directory / "schemas" / schema_file_name(row["model"])
            if path.is_file():
                schemas[row["model"]] = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_documents(document, schemas, "snapshot")

    @classmethod
    def load(cls, cache_dir: Path | None) -> "Catalog":
        """The cached live catalog when there is a readable one, else the bundled snapshot."""
        if cache_dir is not None:
            cached = cls._read_cache(cache_dir / "catalog-cache.json")
            if cached is not None:
                return cached
        return cls.snapshot()

    @classmethod
    def refresh(cls, client, cache_dir: Path | None) -> "Catalog":
        """Fetch the live catalog and schemas; on any failure fall back to cache, then snapshot."""
        try:
            rows = client.list_models()
            schemas = {}
            for row in rows:
                if row.get("display_console") is False or row.get("type") not in MEDIA_TYPES:
                    continue
                if row.get("schema"):
                    try:
                        schemas[row["model"]] = client.fetch_schema(row["schema"])
                    except AtlasError:
                        continue
            fetched_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            document = {"code": 200, "data": rows}
            live = cls.from_documents(document, schemas, "live", fetched_at)
            if not live.models:
                raise ValueError("the live catalog lists no usable image or video models")
        except (AtlasError, ValueError):
            return cls.load(cache_dir)
        if cache_dir is not None:
            atomic_write_json(cache_dir / "catalog-cache.json", {
                "schema_version": CACHE_VERSION, "fetched_at": fetched_at, "base_url": client.base_url,
                "catalog": document, "schemas": schemas})
        return live

    @classmethod
    def _read_cache(cls, path: Path) -> "Catalog | None":
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            check_version(cached, CACHE_VERSION, "catalog cache", path)
            catalog = cls.from_documents(cached["catalog"], cached["schemas"], "cache", cached.get("fetched_at"))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a cache is disposable: a broken one just means the snapshot
        return catalog if catalog.models else None
