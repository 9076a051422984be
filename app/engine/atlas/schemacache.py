"""Model input schemas, fetched one at a time when first needed and kept on disk by URL.

A live catalog lists hundreds of models, each with its schema in a separate document:
fetching them all before every run cost tens of seconds. Here a schema is fetched only
when something reads it, stored with the ETag/Last-Modified the server offered, used
without asking for ``max_age`` seconds, then revalidated with a conditional request
(a 304 keeps the stored copy). Offline, a stored copy of any age serves, then the
bundled snapshot's copy of the same model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from app.engine.atlas.errors import AtlasError
from app.engine.core.fileio import atomic_write_json
from app.engine.core.i18n import translate
from app.engine.core.paths import catalog_dir, schema_file_name

SCHEMA_CACHE_VERSION = 1
log = logging.getLogger(__name__)


class SchemaUnavailable(AtlasError):
    """A model's input schema could not be had: not stored, and not fetchable now."""


@dataclass(frozen=True)
class StoredSchema:
    url: str
    document: dict
    etag: str | None
    last_modified: str | None
    checked_at: float  # when the server last confirmed (or sent) this copy

    @property
    def input_schema(self) -> dict:
        return self.document["components"]["schemas"]["Input"]


class SchemaDiskCache:
    """One JSON file per schema URL, named by the URL's hash (URLs hold slashes and queries)."""

    def __init__(self, directory: Path):
        self.directory = directory

    def path_for(self, url: str) -> Path:
        return self.directory / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".json")

    def read(self, url: str) -> StoredSchema | None:
        try:
            stored = json.loads(self.path_for(url).read_text(encoding="utf-8"))
            if stored.get("schema_version") != SCHEMA_CACHE_VERSION or stored.get("url") != url:
                return None
            entry = StoredSchema(url, stored["document"], stored.get("etag"), stored.get("last_modified"),
                                 float(stored["checked_at"]))
            entry.input_schema  # noqa: B018 - a copy without an Input schema is no copy
            return entry
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a cache is disposable: a broken entry is fetched again

    def write(self, entry: StoredSchema) -> None:
        try:
            atomic_write_json(self.path_for(entry.url), {
                "schema_version": SCHEMA_CACHE_VERSION, "url": entry.url, "etag": entry.etag,
                "last_modified": entry.last_modified, "checked_at": entry.checked_at, "document": entry.document})
        except OSError as exc:  # a read-only cache still leaves a working catalog
            log.warning("cannot store a schema in %s: %s", self.directory, exc)


class SchemaStore:
    """Gives the input schema behind a schema URL: disk copy, conditional fetch, or snapshot copy."""

    def __init__(self, client_factory: Callable[[], object], directory: Path | None, *,
                 max_age: float = 6 * 3600, clock: Callable[[], float] = time.time,
                 snapshot_dir: Path | None = None):
        self._client_factory = client_factory
        self.disk = SchemaDiskCache(directory) if directory is not None else None
        self.max_age = max_age
        self._clock = clock
        self._snapshot_dir = snapshot_dir

    def input_schema(self, model_id: str, url: str) -> dict:
        """Blocking network I/O when the stored copy is missing or old. Raises SchemaUnavailable."""
        stored = self.disk.read(url) if self.disk and url else None
        if stored is not None and self._clock() - stored.checked_at < self.max_age:
            return stored.input_schema
        if not url:
            return self._from_snapshot(model_id, translate("Catalog", "the catalog gives no schema URL"))
        try:
            fresh = self._fetch(url, stored)
        except AtlasError as exc:
            if stored is not None:
                log.info("schema of %s not revalidated, using the stored copy: %s", model_id, exc)
                return stored.input_schema
            return self._from_snapshot(model_id, str(exc))
        if self.disk is not None:
            self.disk.write(fresh)
        return fresh.input_schema

    def _fetch(self, url: str, stored: StoredSchema | None) -> StoredSchema:
        # One client per fetch: fetches run on several threads, and a requests session is not
        # meant to be shared between them.
        with closing(self._client_factory()) as client:
            reply = client.fetch_schema_if_changed(url, etag=stored.etag if stored else None,
                                                   last_modified=stored.last_modified if stored else None)
        now = self._clock()
        if reply.document is None and stored is not None:
            return StoredSchema(url, stored.document, reply.etag, reply.last_modified, now)
        return StoredSchema(url, reply.document, reply.etag, reply.last_modified, now)

    def _from_snapshot(self, model_id: str, reason: str) -> dict:
        directory = self._snapshot_dir or catalog_dir()
        try:
            document = json.loads((directory / "schemas" / schema_file_name(model_id)).read_text(encoding="utf-8"))
            return document["components"]["schemas"]["Input"]
        except (OSError, ValueError, KeyError, TypeError):
            raise SchemaUnavailable(translate(
                "Catalog", "the input schema of {model} is not available ({reason})").format(
                model=model_id, reason=reason)) from None
