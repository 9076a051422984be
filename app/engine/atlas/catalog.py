"""The model catalog: the bundled snapshot, a disk cache of the live catalog, or both.

The submit endpoint comes from the row's ``type``, never from the schema's ``paths``
(some schemas name the wrong one).

A live catalog lists hundreds of models, each with its input schema in a separate
document, so schemas are lazy: a model's schema is fetched (and disk-cached by URL, see
schemacache.py) the first time something reads it, or several at a time through
``Catalog.ensure_schemas``. The bundled snapshot keeps its schemas in memory: they are
local files.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from app.engine.atlas.errors import AtlasError
from app.engine.core.fileio import atomic_write_json, check_version
from app.engine.core.i18n import translate
from app.engine.atlas.schemacache import SchemaStore, SchemaUnavailable
from app.engine.atlas.shapes import FieldShape, Kind, shapes_of
from app.engine.core.paths import catalog_dir, schema_file_name

__all__ = ["Catalog", "CatalogService", "ModelInfo", "SchemaUnavailable", "TASKS"]

MEDIA_TYPES = ("Image", "Video")
# A chained start image goes into the first frame, never into last_image or end_image.
_LATER_IMAGE = re.compile(r"^(last|end|tail|mask)_")
CACHE_VERSION = 1
CACHE_FILE = "catalog-cache.json"
DEFAULT_MAX_AGE = 6 * 3600
SCHEMA_FETCH_WORKERS = 8

TASKS = ("text-to-image", "image-edit", "image-to-image", "text-to-video", "image-to-video",
         "reference-to-video", "video-to-video", "other")
# Catalog categories and id fragments as Atlas writes them, most specific first.
_TASK_WORDS = (
    ("reference-to-video", ("reference-to-video", "reference-video", "ref-to-video", "r2v")),
    ("video-to-video", ("video-to-video", "video-edit", "v2v")),
    ("image-to-video", ("image-to-video", "img2video", "i2v")),
    ("text-to-video", ("text-to-video", "t2v")),
    ("image-edit", ("image-edit", "image-editing", "edit")),
    ("image-to-image", ("image-to-image", "i2i")),
    ("text-to-image", ("text-to-image", "t2i")),
)


class _SchemaSlot:
    """A model's input schema: given up front, or loaded once by its loader (many threads may ask)."""

    def __init__(self, schema: dict | None, loader: Callable[[], dict] | None):
        self._schema = schema
        self._loader = loader
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._schema is not None

    def get(self, model_id: str) -> dict:
        schema = self._schema
        if schema is not None:
            return schema
        with self._lock:
            if self._schema is None:
                if self._loader is None:
                    raise SchemaUnavailable(translate("Catalog", "the input schema of {model} is not available "
                                                                 "(the catalog gives no way to fetch it)").format(
                        model=model_id))
                self._schema = self._loader()
            return self._schema


# Compared by identity: schemas are dicts, and validators are cached per model.
@dataclass(frozen=True, eq=False, init=False)
class ModelInfo:
    model_id: str
    type: str
    display_name: str
    categories: tuple[str, ...]
    schema_url: str
    row: dict
    _slot: _SchemaSlot = field(repr=False)

    def __init__(self, model_id: str, type: str, display_name: str, categories: tuple[str, ...],  # noqa: A002
                 schema_url: str, input_schema: dict | None = None, row: dict | None = None, *,
                 loader: Callable[[], dict] | None = None):
        assign = object.__setattr__  # frozen: only the constructor sets fields
        assign(self, "model_id", model_id)
        assign(self, "type", type)
        assign(self, "display_name", display_name)
        assign(self, "categories", tuple(categories))
        assign(self, "schema_url", schema_url)
        assign(self, "row", row if row is not None else {})
        assign(self, "_slot", _SchemaSlot(input_schema, loader))

    @property
    def input_schema(self) -> dict:
        """The model's JSON Schema. May fetch it (blocking network I/O): see ``schema_loaded``.

        Raises SchemaUnavailable when it can be neither read from the cache nor fetched.
        """
        return self._slot.get(self.model_id)

    @property
    def schema_loaded(self) -> bool:
        """Whether reading ``input_schema`` is free (no disk, no network)."""
        return self._slot.loaded

    @property
    def is_video(self) -> bool:
        return self.type == "Video"

    @property
    def provider(self) -> str:
        """Who makes the model, as its id says ("google", "kwaivgi", "bytedance")."""
        return self.model_id.split("/", 1)[0].strip().lower() if "/" in self.model_id else ""

    @cached_property
    def task(self) -> str:
        """A stable English key from TASKS: the catalog's categories first, then the id."""
        for category in self.categories:
            key = _task_for(_normalized(category), whole=True)
            if key:
                return key
        for part in reversed(self.model_id.lower().split("/")[1:] or [self.model_id.lower()]):
            key = _task_for(part, whole=False)
            if key:
                return key
        return "other"

    @property
    def list_price(self) -> Decimal | None:
        """The catalog's price.actual.base_price: a figure with no reliable unit (per run, second, token)."""
        price = self.row.get("price")
        actual = price.get("actual") if isinstance(price, dict) else None
        value = actual.get("base_price") if isinstance(actual, dict) else None
        if value is None or isinstance(value, bool) or str(value).strip() == "":
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None

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


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _task_for(text: str, whole: bool) -> str | None:
    for key, words in _TASK_WORDS:
        for word in words:
            if text == word if whole else re.search(rf"(^|[^a-z0-9]){re.escape(word)}($|[^a-z0-9])", text):
                return key
    return None


class Catalog:
    def __init__(self, models: dict[str, ModelInfo], source: str, fetched_at: str | None = None, *,
                 problem: str | None = None, base_url: str | None = None):
        self.models = models
        self.source = source  # "snapshot", "cache", "live" or "demo"
        self.fetched_at = fetched_at
        self.problem = problem  # why this is not the live catalog, when a refresh failed
        self.base_url = base_url

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

    def with_problem(self, problem: str | None, source: str | None = None) -> "Catalog":
        """The same models (the same ModelInfo objects) with another explanation."""
        return Catalog(self.models, source or self.source, self.fetched_at, problem=problem, base_url=self.base_url)

    # --- schemas -----------------------------------------------------------------------
    def ensure_schemas(self, model_ids: Iterable[str], workers: int = SCHEMA_FETCH_WORKERS) -> dict[str, str]:
        """Loads the schemas not loaded yet, several at a time (network I/O: never on a GUI thread).

        Returns {model_id: reason} for each model whose schema could not be had.
        """
        failures: dict[str, str] = {}
        missing: list[ModelInfo] = []
        for model_id in dict.fromkeys(model_ids):
            model = self.models.get(model_id)
            if model is None:
                failures[model_id] = translate("Catalog", "{model} is not in the catalog").format(model=model_id)
            elif not model.schema_loaded:
                missing.append(model)
        if len(missing) == 1:
            reasons = [_load_schema(missing[0])]
        elif missing:
            with ThreadPoolExecutor(max_workers=min(workers, len(missing)), thread_name_prefix="schema-fetch") as pool:
                reasons = list(pool.map(_load_schema, missing))
        else:
            reasons = []
        failures.update({model.model_id: reason for model, reason in zip(missing, reasons) if reason})
        return failures

    # --- where it came from -------------------------------------------------------------
    def age_seconds(self, now: float | None = None) -> float | None:
        """Seconds since the model list was fetched; None for the snapshot."""
        if not self.fetched_at:
            return None
        try:
            fetched = datetime.fromisoformat(self.fetched_at)
        except ValueError:
            return None
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=timezone.utc)
        return max(0.0, (time.time() if now is None else now) - fetched.timestamp())

    def describe(self, now: float | None = None) -> str:
        """One line for the user: where the list came from, how big, how old."""
        count = len(self.models)
        age = self.age_seconds(now)
        when = _format_age(age) if age is not None else translate("Catalog", "at an unknown time")
        if self.source == "live":
            return translate("Catalog", "live catalog, {count} models, fetched {when}").format(count=count, when=when)
        if self.source == "cache":
            return translate("Catalog", "cached catalog, {count} models, fetched {when}").format(count=count,
                                                                                                 when=when)
        if self.source == "demo":
            return translate("Catalog", "demo simulator catalog, {count} models").format(count=count)
        return translate("Catalog", "bundled snapshot, {count} models").format(count=count)

    # --- construction ----------------------------------------------------------------
    @classmethod
    def from_documents(cls, catalog_document: dict, schemas: dict[str, dict], source: str,
                       fetched_at: str | None = None, *, schema_store: SchemaStore | None = None,
                       base_url: str | None = None) -> "Catalog":
        """Models from catalog rows. A schema document given in ``schemas`` is used at once;
        without one, a model with a schema URL gets its schema from ``schema_store`` when read."""
        models = {}
        for row in catalog_document.get("data", []):
            if not isinstance(row, dict):
                continue
            model_id = row.get("model")
            if not model_id or row.get("display_console") is False or row.get("type") not in MEDIA_TYPES:
                continue
            url = row.get("schema") or ""
            given = schemas.get(model_id)
            loader = None
            if given is not None:
                try:
                    input_schema = given["components"]["schemas"]["Input"]
                except (KeyError, TypeError):
                    continue  # a model we cannot validate is a model we cannot offer
            elif schema_store is not None and url:
                input_schema = None
                loader = _loader(schema_store, model_id, url)
            else:
                continue
            models[model_id] = ModelInfo(model_id, row["type"], row.get("displayName") or model_id,
                                         tuple(row.get("categories") or ()), url, input_schema, row, loader=loader)
        return cls(models, source, fetched_at, base_url=base_url)

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


def _load_schema(model: ModelInfo) -> str | None:
    try:
        model.input_schema  # noqa: B018 - reading it loads it
    except SchemaUnavailable as exc:
        return str(exc)
    return None


def _loader(store: SchemaStore, model_id: str, url: str) -> Callable[[], dict]:
    return lambda: store.input_schema(model_id, url)


def _read_cache(path: Path, store: SchemaStore, base_url: str | None = None) -> Catalog | None:
    """The cached list, or None when missing, broken, newer, empty or made for another base URL."""
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        check_version(cached, CACHE_VERSION, "catalog cache", path)
        if base_url is not None and str(cached.get("base_url") or "").rstrip("/") != base_url.rstrip("/"):
            return None
        # Caches written before schemas became lazy hold every schema: use them.
        catalog = Catalog.from_documents(cached["catalog"], cached.get("schemas") or {}, "cache",
                                         cached.get("fetched_at"), schema_store=store,
                                         base_url=cached.get("base_url"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a cache is disposable: a broken one just means the snapshot
    return catalog if catalog.models else None


def _format_age(seconds: float) -> str:
    if seconds < 60:
        return translate("Catalog", "just now")
    if seconds < 3600:
        return translate("Catalog", "{count} min ago").format(count=int(seconds // 60))
    if seconds < 48 * 3600:
        return translate("Catalog", "{count} h ago").format(count=int(seconds // 3600))
    return translate("Catalog", "{count} days ago").format(count=int(seconds // 86400))


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


class CatalogService:
    """The catalog for one Atlas base URL: cached model list, refreshed when old, lazy schemas.

    ``load`` never touches the network; ``refresh`` does (call it from a worker thread in the
    app). ``client_factory`` makes a new AtlasClient per use: fetches run on several threads.
    """

    def __init__(self, client_factory: Callable[[], object], cache_dir: Path | None, *,
                 max_age: float = DEFAULT_MAX_AGE, base_url: str | None = None,
                 clock: Callable[[], float] = time.time, snapshot_dir: Path | None = None):
        self._client_factory = client_factory
        self.cache_dir = cache_dir
        self.max_age = max_age
        self._base_url = base_url.rstrip("/") if base_url else None
        self._clock = clock
        self._snapshot_dir = snapshot_dir
        self.schemas = SchemaStore(client_factory, cache_dir / "schemas" if cache_dir is not None else None,
                                   max_age=max_age, clock=clock, snapshot_dir=snapshot_dir)
        self._lock = threading.Lock()
        # The catalog read from (or written to) the cache file, by the file's mtime and size: the
        # same file gives the same ModelInfo objects, so loaded schemas and validators are kept.
        self._memo: tuple[tuple[int, int], Catalog | None] | None = None
        self._snapshot: Catalog | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            with closing(self._client_factory()) as client:
                self._base_url = client.base_url.rstrip("/")
        return self._base_url

    @property
    def _cache_path(self) -> Path | None:
        return self.cache_dir / CACHE_FILE if self.cache_dir is not None else None

    def load(self) -> Catalog:
        """Instant and offline: the cached list for this base URL, else the bundled snapshot."""
        return self.cached() or self.snapshot()

    def cached(self) -> Catalog | None:
        path = self._cache_path
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._memo is not None and self._memo[0] == key:
                return self._memo[1]
        catalog = _read_cache(path, self.schemas, self.base_url)
        with self._lock:
            self._memo = (key, catalog)
        return catalog

    def snapshot(self) -> Catalog:
        with self._lock:
            if self._snapshot is None:
                self._snapshot = Catalog.snapshot(self._snapshot_dir)
            return self._snapshot

    def is_stale(self) -> bool:
        """True when there is no cached list for this base URL or it is older than max_age."""
        cached = self.cached()
        age = cached.age_seconds(self._clock()) if cached is not None else None
        return age is None or age >= self.max_age

    def refresh(self, force: bool = False) -> Catalog:
        """Network: the model list only (schemas stay lazy). A fresh cache is returned as it is
        unless ``force``. On failure: the cache, then the snapshot, with ``problem`` set."""
        if not force and not self.is_stale():
            return self.cached()
        try:
            with closing(self._client_factory()) as client:
                rows = client.list_models()
            fetched_at = _iso(self._clock())
            document = {"code": 200, "data": rows}
            live = Catalog.from_documents(document, {}, "live", fetched_at, schema_store=self.schemas,
                                          base_url=self.base_url)
            if not live.models:
                raise ValueError(translate("Catalog", "the live catalog lists no usable image or video models"))
        except (AtlasError, ValueError) as exc:
            return self._fallback(str(exc))
        self._store(document, fetched_at, live)
        return live

    def _fallback(self, reason: str) -> Catalog:
        cached = self.cached()
        if cached is not None:
            when = _format_age(cached.age_seconds(self._clock()) or 0.0)
            return cached.with_problem(translate(
                "Catalog", "the live model list could not be fetched ({reason}); showing the catalog cached "
                           "{when}").format(reason=reason, when=when), source="cache")
        return self.snapshot().with_problem(translate(
            "Catalog", "the live model list could not be fetched ({reason}); showing the bundled snapshot").format(
            reason=reason))

    def _store(self, document: dict, fetched_at: str, live: Catalog) -> None:
        path = self._cache_path
        if path is None:
            return
        try:
            atomic_write_json(path, {"schema_version": CACHE_VERSION, "fetched_at": fetched_at,
                                     "base_url": self.base_url, "catalog": document})
            stat = path.stat()
        except OSError:
            return  # the catalog still works; it is just fetched again next time
        with self._lock:
            # Read back later, the list is the cached one (with the same ModelInfo objects).
            self._memo = ((stat.st_mtime_ns, stat.st_size), live.with_problem(None, source="cache"))
