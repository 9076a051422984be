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

from app.engine.core.fileio import NewerVersionError
from app.engine.jobs.spec import JobSpec
from app.engine.atlas.pricing import Cost
from app.engine.run.records import JobRecord, JobState, OutputFile
from app.engine.core.gcpause import collector_paused

STORE_VERSION = 2
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

# Each step brings a store of the previous version up to this one; a store is only ever
# extended, so an older Batch Studio's folder opens and keeps every job it had.
_MIGRATIONS = {
    # Review mode: a person's verdict on each output file (keyed by its path in the folder, so
    # it follows the file, not a row), and the link from a re-roll or variation to its original.
    # Separate tables, because the runner rewrites whole job rows on every event.
    2: """
CREATE TABLE IF NOT EXISTS reviews (
    path TEXT PRIMARY KEY,
    batch INTEGER,
    position INTEGER,
    part INTEGER,
    pick TEXT,
    rating INTEGER,
    reviewed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    batch INTEGER NOT NULL,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    origin_batch INTEGER NOT NULL,
    origin_position INTEGER NOT NULL,
    origin_name TEXT NOT NULL,
    PRIMARY KEY (batch, position)
);
""",
}


class StoreError(RuntimeError):
    pass


_scan = json.JSONDecoder().scan_once
_STATES = {state.value: state for state in JobState}


def _json(text: str):
    """A JSON column as stored (json.dumps, so no surrounding space). Reading a 50,000-job batch
    decodes six of these a row: the decoder's scanner is called directly, skipping json.loads'
    per-call wrapping, which cost as much as the decoding; anything it does not read to the end
    goes to json.loads, which raises what it would have raised."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)




@dataclass(frozen=True)
class ReviewMark:
    """A person's verdict on one output file; it never touches the file itself."""

    pick: str | None  # "picked", "rejected", or None while unrated
    rating: int | None  # 1..5
    reviewed_at: str | None  # ISO 8601, UTC

    def as_manifest(self) -> dict:
        return {"pick": self.pick, "rating": self.rating, "reviewed_at": self.reviewed_at}

    @classmethod
    def from_manifest(cls, entry: object) -> "ReviewMark | None":
        if not isinstance(entry, dict):
            return None
        pick = entry.get("pick") if entry.get("pick") in ("picked", "rejected") else None
        rating = entry.get("rating")
        rating = rating if isinstance(rating, int) and 1 <= rating <= 5 else None
        reviewed_at = entry.get("reviewed_at") if isinstance(entry.get("reviewed_at"), str) else None
        return cls(pick, rating, reviewed_at)


@dataclass(frozen=True)
class JobLink:
    """A job made from another one of the folder: a re-roll or a variation."""

    kind: str  # "reroll" or "vary"
    origin_batch: int
    origin_position: int
    origin_name: str

    def as_manifest(self) -> dict:
        return {"kind": self.kind, "original": {"batch": self.origin_batch, "position": self.origin_position,
                                                "name": self.origin_name}}

    @classmethod
    def from_manifest(cls, entry: object) -> "JobLink | None":
        try:
            original = entry["original"]
            return cls(str(entry["kind"]), int(original["batch"]), int(original["position"]), str(original["name"]))
        except (TypeError, KeyError, ValueError):
            return None


def read_annotations(folder: Path) -> tuple[dict[str, ReviewMark], dict[tuple[int, int], JobLink]]:
    """The folder's reviews and links, read without opening (or migrating) the store, so any
    process that rewrites the manifest can carry them over. Empty when there is no store or
    it predates review mode."""
    path = folder / STORE_PATH
    if not path.is_file():
        return {}, {}
    try:
        db = sqlite3.connect(path, timeout=5)
    except sqlite3.Error:
        return {}, {}
    try:
        reviews = {row[0]: ReviewMark(*row[1:]) for row in
                   db.execute("SELECT path, pick, rating, reviewed_at FROM reviews")}
        links = {(row[0], row[1]): JobLink(*row[2:]) for row in db.execute(
            "SELECT batch, position, kind, origin_batch, origin_position, origin_name FROM links")}
        return reviews, links
    except sqlite3.Error:
        return {}, {}
    finally:
        db.close()


class _JsonColumn:
    """A JSON column of a stored row, decoded on first read (and kept): a review of 50,000 jobs
    never looks at their URLs, planned paths or request ids, so it never pays for decoding them."""

    def __set_name__(self, owner, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, job, owner=None):
        if job is None:
            return self
        value = getattr(job, self.slot)
        if isinstance(value, str):
            value = _json(value)
            setattr(job, self.slot, value)
        return value

    def __set__(self, job, value) -> None:
        setattr(job, self.slot, value)


class StoredJob:
    """A row as read back; the runner turns it into a JobRecord with the catalog. ``output_urls``,
    ``planned_paths`` and ``request_ids`` may be given as their stored JSON text."""

    __slots__ = ("batch", "position", "queue_order", "spec", "state", "paused", "prediction_id", "_output_urls",
                 "_planned_paths", "files", "_request_ids", "error", "estimate", "quote", "refunded",
                 "submit_attempts", "timestamps")
    output_urls = _JsonColumn()
    planned_paths = _JsonColumn()
    request_ids = _JsonColumn()

    def __init__(self, batch: int, position: int, queue_order: float, spec: JobSpec, state: JobState, paused: bool,
                 prediction_id: str | None, output_urls: list[str] | str, planned_paths: list[str] | str,
                 files: list[OutputFile], request_ids: list[str] | str, error: str | None, estimate: Cost,
                 quote: Cost | None, refunded: bool, submit_attempts: int, timestamps: dict):
        self.batch, self.position, self.queue_order, self.spec, self.state = batch, position, queue_order, spec, state
        self.paused, self.prediction_id, self.output_urls, self.planned_paths = paused, prediction_id, output_urls, \
            planned_paths
        self.files, self.request_ids, self.error, self.estimate, self.quote = files, request_ids, error, estimate, quote
        self.refunded, self.submit_attempts, self.timestamps = refunded, submit_attempts, timestamps

    def __repr__(self) -> str:
        return f"StoredJob(batch={self.batch}, position={self.position}, name={self.spec.name!r}, state={self.state})"


class JobStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / STORE_PATH
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Group commit (see save): rows waiting for the next commit, and tickets that tell a
        # waiting thread whether a commit already carried its row.
        self._pending_lock = threading.Lock()
        self._pending: dict[tuple[int, int], tuple] = {}
        self._pending_meta: dict[str, str | None] = {}  # meta rows to write (None: delete) in the same commit
        self._ticket = 0
        self._committed = 0
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the job store {self.path} cannot be opened ({exc}); move it aside to start over") from None
        version = self.meta("schema_version")
        if version is not None and int(version) > STORE_VERSION:
            self._db.close()
            raise NewerVersionError(f"{self.path} was written by a newer Batch Studio (store version {version}); "
                                    "update Batch Studio to resume this folder")
        if version is None or int(version) < STORE_VERSION:
            self._migrate(1 if version is None else int(version))
        # Added without a new store version: an older Batch Studio names its columns, so it still
        # opens the folder and merely leaves the prompt as written out of the rows it rewrites.
        if "prompt_as_written" not in {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}:
            try:
                self._db.execute("ALTER TABLE jobs ADD COLUMN prompt_as_written TEXT")
            except sqlite3.OperationalError as exc:  # another process (the batch's child) added it first
                if "duplicate column" not in str(exc):
                    raise

    def _migrate(self, version: int) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for step in range(version + 1, STORE_VERSION + 1):
                    for statement in filter(str.strip, _MIGRATIONS[step].split(";")):
                        self._db.execute(statement)
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                                 (str(STORE_VERSION),))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

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

    def delete_meta(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM meta WHERE key = ?", (key,))

    def latest_batch(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT MAX(batch) FROM jobs").fetchone()
        return row[0]

    # --- rows ------------------------------------------------------------------------
    def new_batch(self, records: list[JobRecord]) -> int:
        batch = self.new_batch_rows([self.row_values(record) for record in records])
        for record in records:
            record.batch = batch
        return batch

    def new_batch_rows(self, rows: list[tuple]) -> int:
        """A new batch of rows already encoded by ``row_values``, in one transaction; returns its
        number. The window encodes 50,000 rows a slice at a time on its own thread and hands
        them here, so the thread that writes them does little Python while the window paints."""
        batch = (self.latest_batch() or 0) + 1
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(self._upsert_sql, ((batch, *row) for row in rows))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return batch

    def save(self, record: JobRecord, meta: dict[str, str | None] | None = None) -> None:
        """Returns once the row is committed (durable). Saves from many job threads share a
        commit (group commit): while one thread commits, the others queue their rows, and the
        next of them commits all the queued rows in one transaction. Each thread still returns
        only after its own row is on disk, but a batch of 50,000 jobs pays for far fewer commits,
        fsyncs and WAL pages than one transaction per save. ``meta`` (key: value, None deletes)
        is written in the same transaction as the row: the two are never seen apart."""
        statement, values = self._upsert(record)
        key = (record.batch, record.index)
        with self._pending_lock:
            self._ticket += 1
            ticket = self._ticket
            # The latest snapshot of a row wins: it holds every earlier change of it too.
            self._pending[key] = values
            if meta:
                self._pending_meta.update(meta)
        with self._lock:
            if self._committed >= ticket:
                return  # another thread's commit carried this row
            self._commit_pending(statement)

    def save_meta(self, key: str, value: str | None) -> None:
        """set_meta (or, with None, delete_meta) in the job threads' group commit: durable on
        return, without a commit and an fsync of its own."""
        with self._pending_lock:
            self._ticket += 1
            ticket = self._ticket
            self._pending_meta[key] = value
        with self._lock:
            if self._committed >= ticket:
                return
            self._commit_pending(self._upsert_sql)

    def save_many(self, records: list[JobRecord]) -> None:
        """Many rows in one transaction (a resumed batch's decisions)."""
        with self._pending_lock:
            for record in records:
                self._pending[(record.batch, record.index)] = self._upsert(record)[1]
            self._ticket += 1
        with self._lock:
            self._commit_pending(self._upsert_sql)

    def _commit_pending(self, statement: str) -> None:
        """Under the connection lock: commits every queued row."""
        with self._pending_lock:
            rows, self._pending = list(self._pending.values()), {}
            meta, self._pending_meta = self._pending_meta, {}
            upto = self._ticket
        if rows or meta:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(statement, rows)
                self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                     [(k, v) for k, v in meta.items() if v is not None])
                self._db.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k, v in meta.items() if v is None])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        self._committed = upto

    _upsert_sql = """INSERT OR REPLACE INTO jobs (batch, position, queue_order, name, model, inputs, output_subfolder,
                   image_from, state, paused, prediction_id, output_urls, planned_paths, files, request_ids, error, estimate,
                   estimate_basis, quote, refunded, submit_attempts, timestamps, updated_at, prompt_as_written)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

    def _upsert(self, record: JobRecord) -> tuple[str, tuple]:
        return self._upsert_sql, (record.batch, *self.row_values(record))

    @staticmethod
    def row_values(record: JobRecord) -> tuple:
        """A record's columns as stored, all but its batch number."""
        spec = record.spec
        return (record.index, record.queue_order, spec.name, spec.model,
                json.dumps(spec.inputs, ensure_ascii=False), spec.output_subfolder, spec.image_from,
                record.state.value,
                int(record.paused), record.prediction_id, json.dumps(record.output_urls),
                json.dumps(record.planned_paths, ensure_ascii=False),
                json.dumps([vars(f) for f in record.files], ensure_ascii=False), json.dumps(record.request_ids),
                record.error, str(record.estimate.amount), record.estimate.basis,
                str(record.quote.amount) if record.quote else None, int(record.refunded), record.submit_attempts,
                json.dumps(record.timestamps), time.time(), spec.prompt_as_written)

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
        return self._rows("WHERE batch = ? ORDER BY position", (batch,))

    def load_job(self, batch: int, position: int) -> StoredJob | None:
        """One row by its key: a fleet worker taking one job reads that job, not the batch."""
        rows = self._rows("WHERE batch = ? AND position = ?", (batch, position))
        return rows[0] if rows else None

    def load_changed(self, batch: int, since: int) -> tuple[list[StoredJob], int]:
        """The batch's rows saved since the call that returned ``since``, and the mark for the next
        call: a coordinator's look costs what changed, not the whole batch.

        A save (INSERT OR REPLACE) gives its row a new rowid above every other row's, whichever
        process saves it and whatever its clock says, so rowids order the saves; the table is
        kept in rowid order, so this is a range read. The last row seen is read again (a
        replaced last row may take its own rowid back)."""
        with self._lock:
            latest = self._db.execute("SELECT MAX(rowid) FROM jobs").fetchone()[0] or 0
        return self._rows("WHERE rowid >= ? AND batch = ?", (since, batch)), latest

    def _rows(self, where: str, parameters: tuple) -> list[StoredJob]:
        with self._lock:
            rows = self._db.execute(f"""SELECT batch, position, queue_order, name, model, inputs, output_subfolder,
                image_from, state, paused, prediction_id, output_urls, planned_paths, files, request_ids, error, estimate,
                estimate_basis, quote, refunded, submit_attempts, timestamps, prompt_as_written FROM jobs {where}""",
                parameters).fetchall()
        jobs = []
        with collector_paused():
            for row in rows:
                (batch_no, position, order, name, model, inputs, subfolder, image_from, state, paused, prediction_id,
                 urls, planned, files, request_ids, error, estimate, basis, quote, refunded, attempts, stamps, written) = row
                jobs.append(StoredJob(
                    batch_no, position, order, JobSpec(name, model, _json(inputs), subfolder, image_from, written),
                    _STATES.get(state) or JobState(state),
                    bool(paused), prediction_id, urls, planned,
                    [OutputFile(**f) for f in _json(files)], request_ids, error,
                    Cost(Decimal(estimate), basis), Cost(Decimal(quote), "quote") if quote is not None else None,
                    bool(refunded), attempts, _json(stamps)))
        return jobs

    def append(self, batch: int, records: list[JobRecord], links: list[JobLink | None] | None = None) -> None:
        """Adds jobs to the end of a stored batch (re-rolls beside their originals): each takes the
        next free position, so resuming the batch runs them and leaves the finished jobs as they are."""
        links = links or [None] * len(records)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                last_position, last_order = self._db.execute(
                    "SELECT MAX(position), MAX(queue_order) FROM jobs WHERE batch = ?", (batch,)).fetchone()
                next_position = -1 if last_position is None else last_position
                next_order = -1.0 if last_order is None else last_order
                for record, link in zip(records, links):
                    next_position += 1
                    next_order += 1
                    record.batch, record.index, record.queue_order = batch, next_position, next_order
                    self._db.execute(*self._upsert(record))
                    if link is not None:
                        self._db.execute("INSERT OR REPLACE INTO links (batch, position, kind, origin_batch, "
                                         "origin_position, origin_name) VALUES (?, ?, ?, ?, ?, ?)",
                                         (batch, next_position, link.kind, link.origin_batch, link.origin_position,
                                          link.origin_name))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def batches(self) -> list[int]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT DISTINCT batch FROM jobs ORDER BY batch")]

    # --- review ----------------------------------------------------------------------
    def set_reviews(self, marks: list[tuple[str, int | None, int | None, int | None, ReviewMark]]) -> None:
        """(path, batch, position, part, mark) for each output, in one transaction: a pick made
        on 500 selected outputs is one write."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO reviews (path, batch, position, part, pick, rating, reviewed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(path, batch, position, part, mark.pick, mark.rating, mark.reviewed_at)
                     for path, batch, position, part, mark in marks])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def reviews(self) -> dict[str, ReviewMark]:
        with self._lock:
            rows = self._db.execute("SELECT path, pick, rating, reviewed_at FROM reviews").fetchall()
        return {path: ReviewMark(pick, rating, reviewed_at) for path, pick, rating, reviewed_at in rows}

    def links(self) -> dict[tuple[int, int], JobLink]:
        with self._lock:
            rows = self._db.execute("SELECT batch, position, kind, origin_batch, origin_position, origin_name "
                                    "FROM links").fetchall()
        return {(row[0], row[1]): JobLink(*row[2:]) for row in rows}

    def unfinished(self) -> int:
        """Jobs of the latest batch that are not in a final state."""
        return sum(1 for job in self.load() if not job.state.is_terminal)

    def check(self) -> str:
        with self._lock:
            return self._db.execute("PRAGMA integrity_check").fetchone()[0]
