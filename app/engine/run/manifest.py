"""manifest.json: what a batch produced, written atomically as it progresses."""

from __future__ import annotations

import json
import threading
import time
import zlib
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from app import __version__
from app.engine.core.fileio import atomic_text_writer, atomic_write_bytes, check_version
from app.engine.run.records import JobRecord, JobState
from app.engine.run.store import JobLink, JobStore, ReviewMark, read_annotations

# Review mode added keys (a "review" per file, "batch", "position" and "link" per result)
# without changing what any existing key means: a version 1 reader still reads it all.
MANIFEST_VERSION = 1
UNREVIEWED = ReviewMark(None, None, None)
MANIFEST_NAME = "manifest.json"


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(round(amount, 6))


def result_entry(record: JobRecord) -> dict:
    return _result_entry(record)


def record_line(record: JobRecord, reviews: dict[str, ReviewMark], links: dict[tuple[int, int], JobLink]) -> str:
    """The record's encoded line of the manifest, cached on the record (packed) until its next change.

    Only the line is kept (not the entry's dicts), packed: at 50,000 jobs the cache is a quarter
    of what the file holds. The version is read BEFORE the entry is built: if a job thread changes
    the record meanwhile, the change ends by giving the record a new version, so a line built
    from a half-changed record is never reused after it. A reviewed or linked record is encoded
    afresh each time (reviews change under a running batch, and they are few)."""
    link = links.get((record.batch, record.index)) if links else None
    reviewed = reviews and any(f.path in reviews for f in record.files)
    if link is not None or reviewed:
        document = annotate({"results": [_result_entry(record)]}, reviews, links)
        return _result_line(document["results"][0])
    version = record.version
    cached = record.manifest_entry
    if cached is not None and cached[0] == version:
        return _unpack(cached[1])
    line = _result_line(_result_entry(record))
    record.manifest_entry = (version, _pack(line))
    return line


# Every line of a manifest repeats the same keys and most of the same values: with them as a
# preset dictionary a line of 1.4 KB keeps in about 0.3 KB (the ids, hashes and times). At
# 50,000 jobs the lines kept as text were 75 MB of the peak; packing one costs about 9 us and
# unpacking 2.5 us, against 25 us to encode the entry again at every rewrite.
_ZDICT = ('    {"name": "", "batch": 1, "position": 0, "model": "", "type": "image", "status": "queued", '
          '"prediction_id": null, "inputs": {"prompt": "", "size": "1024*1024"}, "output_subfolder": null, '
          '"output_url": null, "outputs": [], "local_path": null, "bytes": null, "sha256": null, '
          '"sha256_written": null, "files": [], "status": "done", "prediction_id": "", "output_url": "https://", '
          '"outputs": ["https://"], "local_path": "images/", "bytes": , "sha256": "", "sha256_written": "", '
          '"files": [{"url": "https://", "path": "images/", "bytes": , "sha256": "", "written_sha256": "", '
          '"recipe": "embedded", "sidecar": null, "review": {"pick": null, "rating": null, "reviewed_at": null}}], '
          '"cost": {"estimated": 0.0, "quoted": 0.0, "charged": 0.0, "charged_basis": "quote", "refunded": null}, '
          '"timings": {"queued_at": "2026-", "submitted_at": "2026-", "completed_at": "2026-", "finished_at": '
          '"2026-", "generation_seconds": 0.0}, "request_ids": ["req-"], "error": null, "link": null}').encode()


def _pack(line: str) -> bytes:
    packer = zlib.compressobj(1, zdict=_ZDICT)
    return packer.compress(line.encode("utf-8")) + packer.flush()


def _unpack(packed: bytes) -> str:
    return zlib.decompressobj(zdict=_ZDICT).decompress(packed).decode("utf-8")


def _as_written(record: JobRecord) -> dict:
    """The prompt before prompt help replaced it, only where it differs from the one sent."""
    written = record.spec.prompt_as_written
    return {"prompt_as_written": written} if written and written != record.spec.inputs.get("prompt") else {}


def _result_entry(record: JobRecord) -> dict:
    first_file = record.files[0] if record.files else None
    stamps = record.timestamps
    submitted, completed = stamps.get("submitted_at"), stamps.get("downloading_at")
    return {
        "name": record.spec.name,
        "batch": record.batch,
        "position": record.index,
        "model": record.spec.model,
        "type": record.model.type.lower(),
        "status": record.state.value,
        "prediction_id": record.prediction_id,
        "inputs": record.spec.inputs,
        **_as_written(record),
        "output_subfolder": record.spec.output_subfolder,
        "output_url": record.output_urls[0] if record.output_urls else None,
        "outputs": list(record.output_urls),
        "local_path": first_file.path if first_file else None,
        "bytes": first_file.bytes if first_file else None,
        "sha256": first_file.sha256 if first_file else None,  # as downloaded
        "sha256_written": first_file.written_sha256 if first_file else None,  # with its recipe in it
        "files": [{**vars(f), "review": UNREVIEWED.as_manifest()} for f in record.files],
        "cost": {
            "estimated": _money(record.estimate.amount),
            "quoted": _money(record.quote.amount) if record.quote else None,
            "charged": _money(record.charged),
            "charged_basis": record.best_cost.basis if record.prediction_id else None,
            "refunded": _money(record.best_cost.amount) if record.refunded else None,
        },
        "timings": {
            "queued_at": _iso(stamps.get("queued_at")),
            "submitted_at": _iso(submitted),
            "completed_at": _iso(completed),
            "finished_at": _iso(stamps.get(f"{record.state.value}_at") if record.state.is_terminal else None),
            "generation_seconds": round(completed - submitted, 3) if submitted and completed else None,
        },
        "request_ids": list(record.request_ids),
        "error": record.error,
        "link": None,
    }


def annotate(document: dict, reviews: dict[str, ReviewMark], links: dict[tuple[int, int], JobLink]) -> dict:
    """The document with each output's review and each re-roll's link to its original.

    The store holds them (the runner knows nothing of reviews), so every writer of the
    manifest passes through here and none drops what a person decided. Only the entries
    that change are copied: the cached ones stay shared and untouched.
    """
    if not reviews and not links:
        return document
    results = []
    for entry in document.get("results", []):
        link = links.get((entry.get("batch"), entry.get("position")))
        files = entry.get("files") or []
        marked = [reviews.get(f.get("path")) for f in files]
        if link is None and not any(marked):
            results.append(entry)
            continue
        entry = {**entry, "files": [{**f, "review": mark.as_manifest()} if mark else f
                                    for f, mark in zip(files, marked)]}
        if link is not None:
            entry["link"] = link.as_manifest()
        results.append(entry)
    return {**document, "results": results}


def build(records: list[JobRecord], *, batch: dict, mode: str, base_url: str) -> dict:
    return {**head(records, batch=batch, mode=mode, base_url=base_url),
            "results": [result_entry(r) for r in records]}


def head(records: list[JobRecord], *, batch: dict, mode: str, base_url: str) -> dict:
    """The document's keys before its results: counts and money over the whole batch."""
    counts = {state: 0 for state in JobState}
    for record in records:
        counts[record.state] += 1
    charged = [r.charged for r in records if r.charged is not None]
    bases = {r.best_cost.basis for r in records if r.prediction_id}
    return {
        "schema_version": MANIFEST_VERSION,
        "generator": f"Batch Studio {__version__}",
        "generated_at": _iso(time.time()),
        "mode": mode,
        "base_url": base_url,
        "batch": batch,
        "total_jobs": len(records),
        "successful": counts[JobState.DONE],
        "failed": counts[JobState.FAILED],
        "cancelled": counts[JobState.CANCELLED],
        "needs_attention": counts[JobState.NEEDS_ATTENTION],
        "pending": sum(n for s, n in counts.items() if not s.is_terminal),
        "total_cost": _money(sum(charged, Decimal(0))),
        "total_cost_basis": (next(iter(bases)) if len(bases) == 1 else "mixed") if bases else None,
        "total_cost_note": "charged at submit, minus automatic refunds of failed tasks",
        "estimated_total": _money(sum((r.estimate.amount for r in records), Decimal(0))),
    }


def dumps(document: dict, encoded: dict[int, tuple[dict, str]] | None = None) -> str:
    """Readable (one result per line) yet fast: an indent would force json's pure-Python
    encoder, whose cost on every write competes with the window for the GIL.

    ``encoded`` carries results already encoded by an earlier call, keyed by the identity of
    their (cached, never modified) entry; it is refilled with this document's results. A
    500-job batch rewrites its manifest after every submit: encoding only the entries that
    changed turns those rewrites from quadratic into linear work."""
    head = {k: v for k, v in document.items() if k != "results"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, default=str)},")
    if encoded is None:
        results = [_result_line(entry) for entry in document.get("results", [])]
    else:
        results, fresh = [], {}
        for entry in document.get("results", []):
            known = encoded.get(id(entry))
            line = known[1] if known is not None and known[0] is entry else _result_line(entry)
            # The entry is kept alongside its line, so its id cannot be reused while cached.
            fresh[id(entry)] = (entry, line)
            results.append(line)
        encoded.clear()
        encoded.update(fresh)
    lines.append('  "results": [' + ("" if results else "]"))
    if results:
        lines.append(",\n".join(results))
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _result_line(entry: dict) -> str:
    return "    " + json.dumps(entry, ensure_ascii=False, default=str)


def _head_lines(head: dict) -> list[str]:
    return ["{"] + [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, default=str)},"
                    for key, value in head.items()]


class ManifestWriter:
    """Rewrites the manifest at most every ``interval`` seconds, and always when forced."""

    def __init__(self, folder: Path, interval: float = 0.5, *, store: JobStore | None = None):
        """``store``: the batch's open store, whose connection then reads the reviews and links;
        without one, each write reads them through a short-lived connection of its own."""
        self.path = folder / MANIFEST_NAME
        self.store = store
        self.interval = interval
        self._lock = threading.Lock()
        self._last = 0.0
        self._encoded: dict[int, tuple[dict, str]] = {}
        self.bytes_written = 0  # what rewriting the document costs in all
        self.writes = 0

    # Every writer's bytes, for the scale bench (a CLI run has one writer it cannot reach).
    total_bytes = 0
    total_writes = 0

    def write_records(self, head_factory, records: list[JobRecord], force: bool = False) -> bool:
        """As ``write``, for a running batch: each record's line comes from its cache, and the
        file is written line by line, so a write holds no copy of the whole document."""
        if not force and time.monotonic() - self._last < self.interval:
            return False
        if not self._lock.acquire(blocking=force):
            return False
        try:
            reviews, links = self._annotations()
            written = 0
            with atomic_text_writer(self.path) as out:
                for line in _head_lines(head_factory()):
                    written += out.write(line + "\n")
                if not records:
                    written += out.write('  "results": []\n}\n')
                else:
                    written += out.write('  "results": [\n')
                    for number, record in enumerate(records):
                        written += out.write((",\n" if number else "") + record_line(record, reviews, links))
                    written += out.write("\n  ]\n}\n")
            # Characters, not bytes: the same for the ASCII most of a manifest is.
            self.bytes_written += written
            ManifestWriter.total_bytes += written
            ManifestWriter.total_writes += 1
            self.writes += 1
            self._last = time.monotonic()
            return True
        finally:
            self._lock.release()

    def write(self, document_factory, force: bool = False) -> bool:
        """True when it wrote. An unforced write that is not due, or that finds another write
        under way, returns at once: no caller ever queues behind a rewrite it does not need."""
        if not force and time.monotonic() - self._last < self.interval:
            return False
        if not self._lock.acquire(blocking=force):
            return False
        try:
            now = time.monotonic()
            if not force and now - self._last < self.interval:
                return False
            document = annotate(document_factory(), *self._annotations())
            data = dumps(document, self._encoded).encode("utf-8")
            atomic_write_bytes(self.path, data)
            self.bytes_written += len(data)
            ManifestWriter.total_bytes += len(data)
            self.writes += 1
            self._last = now
            return True
        finally:
            self._lock.release()

    def _annotations(self) -> tuple[dict[str, ReviewMark], dict[tuple[int, int], JobLink]]:
        # Read on every write all the same: the window records reviews while a batch runs.
        if self.store is not None:
            return self.store.reviews(), self.store.links()
        return read_annotations(self.path.parent)


def read(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    check_version(document, MANIFEST_VERSION, "manifest", path)
    return document
