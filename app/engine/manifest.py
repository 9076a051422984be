"""manifest.json: what a batch produced, written atomically as it progresses."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from app import __version__
from app.engine.fileio import atomic_write_text, check_version
from app.engine.records import JobRecord, JobState

MANIFEST_VERSION = 1
MANIFEST_NAME = "manifest.json"


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(round(amount, 6))


def result_entry(record: JobRecord) -> dict:
    """Cached on the record until its next event: a 10,000-job manifest is rewritten often."""
    if record.manifest_entry is None:
        record.manifest_entry = _result_entry(record)
    return record.manifest_entry


def _result_entry(record: JobRecord) -> dict:
    first_file = record.files[0] if record.files else None
    stamps = record.timestamps
    submitted, completed = stamps.get("submitted_at"), stamps.get("downloading_at")
    return {
        "name": record.spec.name,
        "model": record.spec.model,
        "type": record.model.type.lower(),
        "status": record.state.value,
        "prediction_id": record.prediction_id,
        "inputs": record.spec.inputs,
        "output_subfolder": record.spec.output_subfolder,
        "output_url": record.output_urls[0] if record.output_urls else None,
        "local_path": first_file.path if first_file else None,
        "bytes": first_file.bytes if first_file else None,
        "sha256": first_file.sha256 if first_file else None,
        "files": [vars(f) for f in record.files],
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
        "request_ids": record.request_ids,
        "error": record.error,
    }


def build(records: list[JobRecord], *, batch: dict, mode: str, base_url: str) -> dict:
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
        "results": [result_entry(r) for r in records],
    }


def dumps(document: dict) -> str:
    """Readable (one result per line) yet fast: an indent would force json's pure-Python
    encoder, whose cost on every write competes with the window for the GIL."""
    head = {k: v for k, v in document.items() if k != "results"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, default=str)},")
    results = [json.dumps(r, ensure_ascii=False, default=str) for r in document.get("results", [])]
    lines.append('  "results": [' + ("" if results else "]"))
    if results:
        lines.append(",\n".join(f"    {line}" for line in results))
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


class ManifestWriter:
    """Rewrites the manifest at most every ``interval`` seconds, and always when forced."""

    def __init__(self, folder: Path, interval: float = 0.5):
        self.path = folder / MANIFEST_NAME
        self.interval = interval
        self._lock = threading.Lock()
        self._last = 0.0

    def write(self, document_factory, force: bool = False) -> None:
        with self._lock:
            now = time.monotonic()
            if not force and now - self._last < self.interval:
                return
            atomic_write_text(self.path, dumps(document_factory()))
            self._last = now


def read(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    check_version(document, MANIFEST_VERSION, "manifest", path)
    return document
