"""Everything the simulated provider remembers: tasks, money, uploads, the request log.

Status is derived from the clock rather than pushed by timers, so a test can drive a
manual clock and see exactly the transitions a real client would see.
"""

from __future__ import annotations

import collections
import hashlib
import heapq
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable

from app.engine.atlas import pricing
from app.sim import billing, media, tiers, cheapmedia
from app.sim.catalog import SimCatalog, SimModel
from app.sim.faults import FaultPlan

DEMO_KEY = "apikey-batch-studio-demo"
DEFAULT_BALANCE = Decimal("1000.00")
DEFAULT_OUTPUT_TTL = 14 * 24 * 3600.0
MODERATION_CODE = 1039

# Seconds a real generation takes at speed 1; the simulator divides by --speed.
IMAGE_SECONDS = {
    "black-forest-labs/flux-2-pro/text-to-image": 8.0,
    "google/imagen4-ultra": 10.0,
    "google/imagen4": 6.0,
    "google/imagen4-fast": 3.0,
}
# Video: fixed overhead plus seconds of work per second of clip.
VIDEO_SECONDS = {
    "bytedance/seedance-v1.5-pro": (12.0, 5.0),
    "bytedance/seedance-v1.5-pro-fast": (6.0, 2.5),
    "google/veo3.1": (20.0, 8.0),
    "google/veo3.1-fast": (10.0, 4.0),
    "openai/sora-2": (30.0, 10.0),
}
RESOLUTION_FACTOR = {"480p": 0.8, "720p": 1.0, "1080p": 1.4, "4k": 2.5}
QUEUE_FRACTION = 0.15
# Each further picture of a multi-image task adds this share of the first one's time.
EXTRA_IMAGE_FRACTION = 0.3


def expected_seconds(model: SimModel, body: dict) -> float:
    """How long the real service takes for this body, before jitter and --speed."""
    if model.type == "Image":
        first = IMAGE_SECONDS.get(model.model_id, 6.0 * tiers.time_ratio(model.model_id))
        return first * (1 + EXTRA_IMAGE_FRACTION * (model.output_count(body) - 1))
    ratio = tiers.time_ratio(model.model_id)  # a fast tier renders quicker, a master one slower
    overhead, per_clip_second = VIDEO_SECONDS.get(billing.model_family(model.model_id), (20.0 * ratio, 6.0 * ratio))
    factor = RESOLUTION_FACTOR.get(str(body.get("resolution", "720p")), 1.0)
    return (overhead + per_clip_second * model.clip_seconds(body)) * factor


def output_names(model: SimModel, body: dict) -> list[str]:
    """File names of a task's outputs: one clip, or one picture per image asked for."""
    if model.type == "Video":
        return ["output.mp4"]
    count = model.output_count(body)
    return ["output.png"] if count == 1 else [f"output-{index}.png" for index in range(1, count + 1)]


def body_hash(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _catalog_quote(model: SimModel, body: dict) -> billing.Quote:
    """A model the price list does not know (a synthetic one) costs its catalog price per run,
    and a video scales with its length from the default one."""
    price = model.row.get("price") or {}
    origin = Decimal(str((price.get("origin") or {}).get("base_price") or "0.05"))
    discount = Decimal(str(price.get("discount") or billing.DISCOUNT))
    if discount > 1:  # some rows give a percentage ("70" for 70 %)
        discount = discount / 100
    if model.type == "Video":
        default = model.input_schema.get("properties", {}).get("duration", {}).get("default")
        reference = model.clip_seconds({"duration": default})
        origin = origin * Decimal(str(model.clip_seconds(body))) / Decimal(str(reference))
    return billing.Quote(origin, discount)


class InsufficientBalance(Exception):
    def __init__(self, price: Decimal, balance: Decimal):
        super().__init__(f"this task costs ${price:.2f} and the balance is ${balance:.2f}")
        self.price = price
        self.balance = balance


@dataclass
class SimTask:
    id: str
    model: SimModel
    body: dict
    body_hash: str
    charged: Decimal
    created_at: float
    created_iso: str
    queue_s: float
    run_s: float
    outcome: str  # "completed", "failed" or "moderation", decided at submit
    expire_at_completion: bool
    wait_s: float = 0.0  # queued at the provider ("starting") before queue_s and run_s begin
    output_paths: list[Path] = field(default_factory=list)
    media_ready_at: float | None = None
    media_error: str | None = None
    refunded: bool = False
    polls: int = 0
    downloads: int = 0
    request_body: str = ""  # the submit body exactly as it arrived, for the account's history
    attempt: int = 0  # which submit of this body made it

    @property
    def draw_key(self) -> str:
        """What this task's poll and download faults are drawn from: the body and its submit
        number, which the seed fixes, where the random id made a seeded run differ each time."""
        return f"{self.body_hash}/{self.attempt}"

    @property
    def created_unix(self) -> float:
        return datetime.fromisoformat(self.created_iso.replace("Z", "+00:00")).timestamp()

    @property
    def is_video(self) -> bool:
        return self.model.type == "Video"

    @property
    def output_names(self) -> list[str]:
        return output_names(self.model, self.body)

    @property
    def output_name(self) -> str:
        return self.output_names[0]

    def output_file(self, name: str) -> Path | None:
        """The rendered file behind one output URL, or None when there is none by that name."""
        for path in self.output_paths:
            if path.name == name:
                return path
        return None


def _failure_due(task: SimTask) -> float:
    """When a task that will fail shows it: moderation as its queue ends, others as their run does."""
    return task.created_at + task.wait_s + (task.queue_s if task.outcome == "moderation" else task.run_s)


class RequestLog:
    """JSON lines, in memory and optionally in a file, flushed per line so a crash keeps them."""

    def __init__(self, path: Path | None, keep: int = 100_000):
        self._lock = threading.Lock()
        self._written = threading.Condition(self._lock)
        self._entries: collections.deque[dict] = collections.deque(maxlen=keep)
        self._file = open(path, "a", encoding="utf-8", buffering=1) if path else None

    def write(self, entry: dict) -> None:
        entry = {"ts": utc_now_iso(), **entry}
        line = json.dumps(entry, ensure_ascii=False, default=str)
        with self._lock:
            self._entries.append(entry)
            if self._file:
                self._file.write(line + "\n")
            self._written.notify_all()

    def entries(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def wait_for(self, predicate, timeout: float = 10.0) -> list[dict]:
        """Entries once ``predicate(entries)`` holds: a request is logged just after its reply."""
        with self._written:
            self._written.wait_for(lambda: predicate(list(self._entries)), timeout)
            return list(self._entries)

    def close(self) -> None:
        with self._lock:
            if self._file:
                self._file.close()
                self._file = None


@dataclass
class Counters:
    submit_attempts: int = 0
    created_by_hash: collections.Counter = field(default_factory=collections.Counter)
    attempts_by_hash: collections.Counter = field(default_factory=collections.Counter)
    polls: int = 0
    downloads: int = 0
    downloads_with_authorization: int = 0
    uploads: int = 0
    quotes: int = 0
    balance_checks: int = 0
    llm_calls: int = 0
    history_reads: int = 0
    chat_attempts_by_hash: collections.Counter = field(default_factory=collections.Counter)


class SimState:
    def __init__(self, *, data_dir: Path, catalog: SimCatalog | None = None, faults: FaultPlan | None = None,
                 speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 balance: Decimal = DEFAULT_BALANCE, output_ttl: float = DEFAULT_OUTPUT_TTL,
                 keys: tuple[str, ...] = (DEMO_KEY,), log_path: Path | None = None,
                 pad_video_bytes: int = 0, media_workers: int = 2, persist: bool = False,
                 history_lag: float = 0.0, cheap_media: bool = False):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.catalog = catalog or SimCatalog()
        self.faults = faults or FaultPlan()
        self.speed = speed
        self.clock = clock
        self.output_ttl = output_ttl
        self.keys = frozenset(keys)
        self.pad_video_bytes = pad_video_bytes
        self.history_lag = history_lag  # clock seconds before a new task shows in the history
        self.cheap_media = cheap_media  # small outputs, nothing drawn: for scale benchmarks
        self.data_dir = data_dir
        (data_dir / "outputs").mkdir(parents=True, exist_ok=True)
        (data_dir / "uploads").mkdir(parents=True, exist_ok=True)
        self.log = RequestLog(log_path)
        self.counters = Counters()
        self._lock = threading.RLock()
        self._media_done = threading.Condition(self._lock)
        self._media_pending = 0
        self._tasks: dict[str, SimTask] = {}
        self._pending_failures: list[tuple[float, str]] = []
        self.balance = balance
        self.charged = Decimal("0")
        self.refunded = Decimal("0")
        self._media = ThreadPoolExecutor(max_workers=media_workers, thread_name_prefix="sim-media")
        # With a journal the simulator survives a restart (the app's demo mode resumes batches
        # after a crash); its clock must then be the wall clock, which restarts do not reset.
        self._journal = None
        if persist:
            self._replay(data_dir / "journal.jsonl", balance)
            self._journal = open(data_dir / "journal.jsonl", "a", encoding="utf-8", buffering=1)

    # --- persistence -----------------------------------------------------------------
    def _record(self, entry: dict) -> None:
        if self._journal is not None:
            self._journal.write(json.dumps(entry, default=str) + "\n")

    def _replay(self, path: Path, balance: Decimal) -> None:
        if not path.is_file():
            return
        pending = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if entry["type"] == "task" and (model := self.catalog.get(entry["model"])) is not None:
                task = SimTask(id=entry["id"], model=model, body=entry["body"], body_hash=entry["body_hash"],
                               charged=Decimal(entry["charged"]), created_at=entry["created_at"],
                               created_iso=entry["created_iso"], queue_s=entry["queue_s"], run_s=entry["run_s"],
                               outcome=entry["outcome"], expire_at_completion=entry["expire"],
                               wait_s=entry.get("wait_s", 0.0), request_body=entry.get("request_body", ""),
                               attempt=entry.get("attempt", 0))
                self._tasks[task.id] = task
                self.balance -= task.charged
                self.charged += task.charged
                self.counters.created_by_hash[task.body_hash] += 1
                if task.outcome != "completed":
                    heapq.heappush(self._pending_failures, (_failure_due(task), task.id))
                else:
                    pending.append(task)
            elif entry["type"] == "media" and entry["id"] in self._tasks:
                task = self._tasks[entry["id"]]
                task.media_ready_at, task.media_error = entry["ready_at"], entry.get("error")
                folder = self.data_dir / "outputs" / task.id
                task.output_paths = [] if task.media_error else [folder / name for name in task.output_names]
            elif entry["type"] == "refund" and entry["id"] in self._tasks:
                task = self._tasks[entry["id"]]
                if not task.refunded:
                    task.refunded = True
                    self.balance += task.charged
                    self.refunded += task.charged
        for task in pending:
            if task.media_ready_at is None:
                self._media_pending += 1
                self._media.submit(self._render, task)

    # --- money -----------------------------------------------------------------------
    def quote(self, model: SimModel, body: dict) -> billing.Quote:
        """The price of one task; a task making N pictures costs N times one."""
        filled = model.with_defaults(body)
        try:
            one = billing.quote(model.model_id, filled)
        except KeyError:
            one = _catalog_quote(model, filled)
        count = model.output_count(filled)
        if count == 1:
            return one
        return billing.Quote(one.origin_price * count, one.discount)

    # --- tasks -----------------------------------------------------------------------
    def attempt_number(self, digest: str) -> int:
        """Counts submits of one body, so each retry gets its own fault draw."""
        with self._lock:
            self.counters.submit_attempts += 1
            self.counters.attempts_by_hash[digest] += 1
            return self.counters.attempts_by_hash[digest]

    def create_task(self, model: SimModel, body: dict, digest: str, attempt: int, price: Decimal,
                    request_body: str = "") -> SimTask:
        """Charge and create, or raise InsufficientBalance without creating anything."""
        filled = model.with_defaults(body)
        jitter = self.faults.duration_factor(digest, attempt)
        run_s = expected_seconds(model, filled) * jitter * self.faults.time_factor / self.speed
        if self.faults.hits("moderation", digest, attempt):
            outcome = "moderation"
        elif self.faults.hits("fail", digest, attempt):
            outcome = "failed"
        else:
            outcome = "completed"
        now = self.clock()
        task = SimTask(
            id=uuid.uuid4().hex, model=model, body=filled, body_hash=digest, charged=price,
            created_at=now, created_iso=utc_now_iso(), queue_s=run_s * QUEUE_FRACTION, run_s=run_s,
            outcome=outcome, expire_at_completion=self.faults.hits("expire", digest, attempt),
            wait_s=self.faults.queue_wait(digest, attempt) / self.speed,
            request_body=request_body, attempt=attempt,
        )
        with self._lock:
            if self.balance < price:
                raise InsufficientBalance(price, self.balance)
            self._tasks[task.id] = task
            self.balance -= price
            self.charged += price
            self.counters.created_by_hash[digest] += 1
            self._record({"type": "task", "id": task.id, "model": model.model_id, "body": filled, "body_hash": digest,
                          "charged": str(price), "created_at": task.created_at, "created_iso": task.created_iso,
                          "queue_s": task.queue_s, "run_s": task.run_s, "wait_s": task.wait_s, "outcome": outcome,
                          "expire": task.expire_at_completion, "request_body": request_body,
                          "attempt": attempt})
            if outcome == "completed":
                self._media_pending += 1
            else:
                heapq.heappush(self._pending_failures, (_failure_due(task), task.id))
        if outcome == "completed":
            self._media.submit(self._render, task)
        return task

    def get_task(self, task_id: str) -> SimTask | None:
        with self._lock:
            return self._tasks.get(task_id)

    def tasks(self) -> list[SimTask]:
        with self._lock:
            return list(self._tasks.values())

    def chat_attempt(self, digest: str) -> int:
        """Counts requests of one chat body, so a retried one gets its own fault draw."""
        with self._lock:
            self.counters.chat_attempts_by_hash[digest] += 1
            return self.counters.chat_attempts_by_hash[digest]

    def charge_text(self, amount: Decimal) -> None:
        """An LLM call's price, taken from the same balance as generations."""
        with self._lock:
            self.balance -= amount
            self.charged += amount
            self.counters.llm_calls += 1

    def _render(self, task: SimTask) -> None:
        folder = self.data_dir / "outputs" / task.id
        names = task.output_names
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for index, name in enumerate(names):
                partial = folder / (name + ".part")
                if self.cheap_media:
                    if task.is_video:
                        cheapmedia.write_mp4(partial, f"{task.id}/{name}")
                    else:
                        cheapmedia.write_png(partial, task.body, index=index)
                elif task.is_video:
                    start = media.load_start_image(self.local_source(task.model.start_image(task.body)))
                    media.render_mp4(partial, task.body, task.model.model_id, start, self.pad_video_bytes,
                                     seconds=task.model.clip_seconds(task.body), audio_track=pricing.audio_switch(task.body) is not False)
                else:
                    media.render_png(partial, task.body, task.model.model_id, index=index, count=len(names))
                partial.replace(folder / name)
            error = None
        except Exception as exc:  # a rendering bug must fail the task, not hang it forever
            error = f"simulator could not render the output: {exc}"
        with self._lock:
            task.media_error = error
            task.output_paths = [] if error else [folder / name for name in names]
            task.media_ready_at = self.clock()
            if error:
                heapq.heappush(self._pending_failures, (task.media_ready_at, task.id))
            self._record({"type": "media", "id": task.id, "ready_at": task.media_ready_at, "error": error})
            self._media_pending -= 1
            self._media_done.notify_all()

    def local_source(self, url: object) -> str | Path | None:
        """A start image this server can read: one of its uploads, or a data URI."""
        if not isinstance(url, str):
            return None
        if url.startswith("data:"):
            return url
        for marker, folder in (("/files/uploads/", "uploads"), ("/files/outputs/", "outputs")):
            if marker in url:
                candidate = (self.data_dir / folder / url.rsplit(marker, 1)[1].split("?")[0]).resolve()
                if (self.data_dir / folder).resolve() in candidate.parents and candidate.is_file():
                    return candidate
        return None

    def wait_media_idle(self, timeout: float = 30.0) -> bool:
        """Blocks until every output in flight is rendered (tests use it with a manual clock)."""
        with self._media_done:
            return self._media_done.wait_for(lambda: self._media_pending == 0, timeout)

    def settle(self) -> None:
        """Refunds failed tasks whose failure time has come."""
        now = self.clock()
        with self._lock:
            while self._pending_failures and self._pending_failures[0][0] <= now:
                _, task_id = heapq.heappop(self._pending_failures)
                task = self._tasks[task_id]
                if not task.refunded:
                    task.refunded = True
                    self.balance += task.charged
                    self.refunded += task.charged
                    self._record({"type": "refund", "id": task.id})

    def status(self, task: SimTask) -> tuple[str, str, int | None]:
        """(status, error, error_code) as of now."""
        self.settle()
        now = self.clock()
        age = now - task.created_at - task.wait_s
        if age < task.queue_s:
            return "starting", "", None
        if task.outcome == "moderation":
            return "failed", ("The input was rejected by content moderation: the prompt may "
                              "violate the usage policy. Change it and submit again."), MODERATION_CODE
        if age < task.run_s:
            return "processing", "", None
        if task.outcome == "failed":
            return "failed", "The generation failed on the provider side; the charge was refunded.", 5001
        with self._lock:
            if task.media_error:
                return "failed", task.media_error, 5002
            if task.media_ready_at is None:
                return "processing", "", None
        return "completed", "", None

    def completed_at(self, task: SimTask) -> float | None:
        if task.media_ready_at is None:
            return None
        return max(task.created_at + task.wait_s + task.run_s, task.media_ready_at)

    def output_expired(self, task: SimTask) -> bool:
        done = self.completed_at(task)
        if done is None:
            return False
        return task.expire_at_completion or self.clock() >= done + self.output_ttl

    # --- uploads ---------------------------------------------------------------------
    def store_upload(self, data: bytes, filename: str) -> tuple[str, int]:
        suffix = Path(filename).suffix.lower()
        if not suffix or len(suffix) > 8 or not suffix[1:].isalnum():
            suffix = ".bin"
        name = hashlib.sha256(data).hexdigest() + suffix
        target = self.data_dir / "uploads" / name
        if not target.exists():
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(data)
            partial.replace(target)
        with self._lock:
            self.counters.uploads += 1
        return name, len(data)

    # --- reporting -------------------------------------------------------------------
    def count(self, counter: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self.counters, counter, getattr(self.counters, counter) + amount)

    def stats(self) -> dict:
        self.settle()
        with self._lock:
            by_status: collections.Counter = collections.Counter()
            for task in self._tasks.values():
                by_status[self.status(task)[0]] += 1
            counters = self.counters
            return {
                "tasks_created": len(self._tasks),
                "submit_attempts": counters.submit_attempts,
                "submits_by_body_hash": dict(counters.created_by_hash),
                "duplicate_submits": sum(n - 1 for n in counters.created_by_hash.values() if n > 1),
                "polls": counters.polls,
                "downloads": counters.downloads,
                "downloads_with_authorization": counters.downloads_with_authorization,
                "uploads": counters.uploads,
                "quotes": counters.quotes,
                "balance_checks": counters.balance_checks,
                "llm_calls": counters.llm_calls,
                "history_reads": counters.history_reads,
                "tasks_by_status": dict(by_status),
                "balance": f"{self.balance:.6f}",
                "charged": f"{self.charged:.6f}",
                "refunded": f"{self.refunded:.6f}",
                "faults": self.faults.describe(),
                "speed": self.speed,
            }

    def close(self) -> None:
        self._media.shutdown(wait=True, cancel_futures=True)
        self.log.close()
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None
