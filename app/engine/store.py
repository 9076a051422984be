"""The job store: every job's spec, state, prediction id, outputs and money, in SQLite.

It lives in the output folder (``.batch-studio/jobs.sqlite``), beside the files and the
manifest it describes, so a folder can be moved, backed up or reopened on another machine
and still be resumed. WAL mode with synchronous=FULL: once ``save`` returns, the row
survives a crash, kill -9 or power loss, and the runner only counts a job as submitted
after its prediction id was saved.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.engine.fileio import NewerVersionError
from app.engine.jobs import JobSpec
from app.engine.pricing import Cost
from app.engine.records import JobRecord, JobState, OutputFile

STORE_VERSION = 1
STORE_PATH = Path(".batch-studio") / "jobs.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    batch INTEGER NOT NULL,
    position INTEGER NOT NULL,
    queue_order REAL NOT NULL,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    inputs TEXT NOT NULL,
    output_subfolder TEXT,
    image_from TEXT,
    state TEXT NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0,
    prediction_id TEXT,
    output_urls TEXT NOT NULL DEFAULT '[]',
    planned_paths TEXT NOT NULL DEFAULT '[]',
    files TEXT NOT NULL DEFAULT '[]',
    request_ids TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    estimate TEXT NOT NULL,
    estimate_basis TEXT NOT NULL,
    quote TEXT,
    refunded INTEGER NOT NULL DEFAULT 0,
    submit_attempts INTEGER NOT NULL DEFAULT 0,
    timestamps TEXT NOT NULL DEFAULT '{}',
    updated_at REAL NOT NULL,
    PRIMARY KEY (batch, position)
);
"""


class StoreError(RuntimeError):
    pass


@dataclass
class StoredJob:
    """A row as read back; the runner turns it into a JobRecord with the catalog."""

    batch: int
    position: int
    queue_order: float
    spec: JobSpec
    state: JobState
    paused: bool
    prediction_id: str | None
    output_urls: list[str]
    planned_paths: list[str]
    files: list[OutputFile]
    request_ids: list[str]
    error: str | None
    estimate: Cost
    quote: Cost | None
    refunded: bool
    submit_attempts: int
    timestamps: dict


class JobStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / STORE_PATH
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the job store {self.path} cannot be opened ({exc}); move it aside to start over") from None
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(STORE_VERSION))
        elif int(version) > STORE_VERSION:
            self._db.close()
            raise NewerVersionError(f"{self.path} was written by a newer Batch Studio (store version {version}); "
                                    "update Batch Studio to resume this folder")

    @staticmethod
    def exists(folder: Path) -> bool:
        return (folder / STORE_PATH).is_file()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- meta ------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def latest_batch(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT MAX(batch) FROM jobs").fetchone()
        return row[0]

    # --- rows ------------------------------------------------------------------------
    def new_batch(self, records: list[JobRecord]) -> int:
        batch = (self.latest_batch() or 0) + 1
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for record in records:
                    record.batch = batch
                    self._db.execute(*self._upsert(record))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return batch

    def save(self, record: JobRecord) -> None:
        with self._lock:
            self._db.execute(*self._upsert(record))

    def _upsert(self, record: JobRecord) -> tuple[str, tuple]:
        spec = record.spec
        return ("""INSERT OR REPLACE INTO jobs (batch, position, queue_order, name, model, inputs, output_subfolder,
                   image_from, state, paused, prediction_id, output_urls, planned_paths, files, request_ids, error, estimate,
                   estimate_basis, quote, refunded, submit_attempts, timestamps, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (record.batch, record.index, record.queue_order, spec.name, spec.model,
                 json.dumps(spec.inputs, ensure_ascii=False), spec.output_subfolder, spec.image_from,
                 record.state.value,
                 int(record.paused), record.prediction_id, json.dumps(record.output_urls),
                 json.dumps(record.planned_paths, ensure_ascii=False),
                 json.dumps([vars(f) for f in record.files], ensure_ascii=False), json.dumps(record.request_ids),
                 record.error, str(record.estimate.amount), record.estimate.basis,
                 str(record.quote.amount) if record.quote else None, int(record.refunded), record.submit_attempts,
                 json.dumps(record.timestamps), time.time()))

    EDITABLE = {"state", "prediction_id", "queue_order", "paused", "error", "refunded", "inputs", "name"}

    def update(self, batch: int, position: int, **fields) -> None:
        """Changes a stored job between runs (queue order, a hold, the user's decision on a
        job that needs attention)."""
        unknown = set(fields) - self.EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        values = {k: (v.value if isinstance(v, JobState) else json.dumps(v, ensure_ascii=False) if k == "inputs"
                      else int(v) if isinstance(v, bool) else v) for k, v in fields.items()}
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self._lock:
            self._db.execute(f"UPDATE jobs SET {assignments}, updated_at = ? WHERE batch = ? AND position = ?",
                             (*values.values(), time.time(), batch, position))

    def load(self, batch: int | None = None) -> list[StoredJob]:
        batch = self.latest_batch() if batch is None else batch
        if batch is None:
            return []
        with self._lock:
            rows = self._db.execute("""SELECT batch, position, queue_order, name, model, inputs, output_subfolder,
                image_from, state, paused, prediction_id, output_urls, planned_paths, files, request_ids, error, estimate,
                estimate_basis, quote, refunded, submit_attempts, timestamps FROM jobs WHERE batch = ?
                ORDER BY position""", (batch,)).fetchall()
        jobs = []
        for row in rows:
            (batch_no, position, order, name, model, inputs, subfolder, image_from, state, paused, prediction_id, urls,
             planned, files, request_ids, error, estimate, basis, quote, refunded, attempts, stamps) = row
            jobs.append(StoredJob(
                batch_no, position, order, JobSpec(name, model, json.loads(inputs), subfolder, image_from),
                JobState(state),
                bool(paused), prediction_id, json.loads(urls), json.loads(planned),
                [OutputFile(**f) for f in json.loads(files)], json.loads(request_ids), error,
                Cost(Decimal(estimate), basis), Cost(Decimal(quote), "quote") if quote is not None else None,
                bool(refunded), attempts, json.loads(stamps)))
        return jobs

    def unfinished(self) -> int:
        """Jobs of the latest batch that are not in a final state."""
        return sum(1 for job in self.load() if not job.state.is_terminal)

    def check(self) -> str:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0]
