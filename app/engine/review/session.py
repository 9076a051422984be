"""Review mode's model: every output of a batch folder, a person's verdict on each, and the
filters and orders a grid needs.

A folder made by the app, the CLI or a worker fleet is read the same way: from its job store
when there is one, else from manifest.json alone. A verdict (picked, rejected or unrated, and
a rating of 1 to 5) belongs to one output file; it goes to the store at once and into the
manifest on ``flush()``, and the files themselves are never touched.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from app.engine.run import manifest
from app.engine.core.fileio import NewerVersionError, atomic_write_text
from app.engine.core.i18n import translate
from app.engine.jobs.spec import JobSpec
from app.engine.run.budget import Budget
from app.engine.run.ledger import SpendLedger
from app.engine.atlas.pricing import ESTIMATE, QUOTE, Cost
from app.engine.run.store import JobLink, JobStore, ReviewMark, StoreError, StoredJob

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v"})
UNREVIEWED = manifest.UNREVIEWED


class ReviewError(ValueError):
    """A folder that cannot be reviewed, or a review action that cannot be done; the message
    is a sentence for the user."""


class Pick(str, Enum):
    PICKED = "picked"
    REJECTED = "rejected"
    UNRATED = "unrated"

    @classmethod
    def of(cls, mark: ReviewMark) -> "Pick":
        return cls(mark.pick) if mark.pick else cls.UNRATED


@dataclass(frozen=True, order=True)
class JobKey:
    """A job's place in the folder's store (batch 0: read from a manifest with no store)."""

    batch: int
    position: int


@dataclass(eq=False)
class ReviewOutput:
    """One tile of the grid: an output file of a job, or the empty place of a job that made none."""

    item: "ReviewItem"
    part: int
    path: str | None  # relative to the folder, with forward slashes
    folder: Path | None = field(default=None, repr=False)
    mark: ReviewMark = UNREVIEWED
    _file: Path | None = field(default=None, init=False, repr=False)

    @property
    def file(self) -> Path | None:
        """The output's absolute path, made when first asked for: a grid of 50,000 asks for the few on screen."""
        if self._file is None and self.path is not None and self.folder is not None:
            self._file = self.folder / self.path
        return self._file

    @property
    def pick(self) -> Pick:
        return Pick.of(self.mark)

    @property
    def rating(self) -> int | None:
        return self.mark.rating

    @property
    def reviewed_at(self) -> str | None:
        return self.mark.reviewed_at

    @property
    def is_video(self) -> bool:
        return self.path is not None and PurePosixPath(self.path).suffix.lower() in VIDEO_SUFFIXES

    @property
    def reviewable(self) -> bool:
        return self.path is not None

    def __repr__(self) -> str:
        return f"ReviewOutput({self.item.name!r}, part={self.part}, path={self.path!r}, pick={self.pick.value})"


@dataclass(eq=False)
class ReviewItem:
    """A job of the batch as a reviewer sees it."""

    key: JobKey
    spec: JobSpec
    status: str
    prediction_id: str | None
    error: str | None
    cost: Cost  # what it costs (the quote, else the estimate), with its basis
    charged: Decimal | None  # what submitting it cost, refunds deducted; None if never submitted
    submitted_at: float | None
    finished_at: float | None
    duration: float | None  # seconds from submit until the output was ready
    link: JobLink | None = None
    outputs: list[ReviewOutput] = field(default_factory=list)
    order: int = 0  # display order: originals in batch order, each followed by its re-rolls
    _haystack: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def model(self) -> str:
        return self.spec.model

    @property
    def prompt(self) -> str:
        prompt = self.spec.inputs.get("prompt")
        return prompt if isinstance(prompt, str) else ""

    @property
    def seed(self) -> int | None:
        seed = self.spec.inputs.get("seed")
        return seed if isinstance(seed, int) and not isinstance(seed, bool) else None

    @property
    def group(self) -> JobKey:
        """The original this job belongs with (itself, unless it is a re-roll or variation)."""
        if self.link is None:
            return self.key
        return JobKey(self.link.origin_batch, self.link.origin_position)

    def matches_text(self, needle: str) -> bool:
        if self._haystack is None:
            self._haystack = f"{self.prompt}\n{self.name}".casefold()
        return needle in self._haystack


@dataclass(frozen=True)
class ReviewCounts:
    picked: int
    rejected: int
    unrated: int

    @property
    def total(self) -> int:
        return self.picked + self.rejected + self.unrated


SORTS = ("order", "model", "cost", "time")


@dataclass(frozen=True)
class ReviewQuery:
    """What the grid shows: empty sets mean "all"; ``text`` is looked for in the prompt and name."""

    statuses: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    picks: frozenset[Pick] = frozenset()
    text: str = ""
    sort: str = "order"
    descending: bool = False


_SORT_KEYS: dict[str, Callable[[ReviewOutput], tuple]] = {
    "order": lambda o: (o.item.order, o.part),
    "model": lambda o: (o.item.model, o.item.order, o.part),
    "cost": lambda o: (o.item.cost.amount, o.item.order, o.part),
    # Unfinished jobs go last, in their order.
    "time": lambda o: (o.item.finished_at is None, o.item.finished_at or 0.0, o.item.order, o.part),
}


def apply(outputs: Iterable[ReviewOutput], query: ReviewQuery) -> list[ReviewOutput]:
    """Filters and sorts tiles; linear with one sort, so 1,000 tiles take about a millisecond."""
    if query.sort not in _SORT_KEYS:
        raise ValueError(f"unknown sort {query.sort!r}; one of {', '.join(SORTS)}")
    needle = query.text.strip().casefold()
    chosen = [o for o in outputs
              if (not query.statuses or o.item.status in query.statuses)
              and (not query.models or o.item.model in query.models)
              and (not query.picks or o.pick in query.picks)
              and (not needle or o.item.matches_text(needle))]
    chosen.sort(key=_SORT_KEYS[query.sort], reverse=query.descending)
    return chosen


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _epoch(value: object) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class ReviewSession:
    """One batch of a folder under review. Not tied to any thread, but meant to be driven from
    one (the window's); ``set_*`` write the store at once, ``flush()`` rewrites the manifest and
    is cheap to call often (a debounce timer, closing the view)."""

    def __init__(self, folder: Path, *, store: JobStore | None, batch: int | None, document: dict | None,
                 manifest_path: Path | None):
        self.folder = folder
        self.store = store
        self.batch = batch
        self.manifest_path = manifest_path
        self._document = document
        self._lock = threading.RLock()
        self._dirty = False
        self.items: list[ReviewItem] = []
        self.outputs: list[ReviewOutput] = []
        self._build()

    # --- reading -----------------------------------------------------------------------
    @property
    def has_store(self) -> bool:
        return self.store is not None

    @property
    def max_spend(self) -> Decimal | None:
        """The spend cap the batch last ran with, as its manifest recorded it."""
        batch = (self._document or {}).get("batch")
        return _decimal(batch.get("max_spend")) if isinstance(batch, dict) else None

    @property
    def spent(self) -> Decimal:
        return sum((item.charged for item in self.items if item.charged is not None), Decimal(0))

    def reload(self) -> None:
        """Reads the folder again (after re-rolls were added or ran)."""
        with self._lock:
            if self.manifest_path is not None and self.manifest_path.is_file():
                self._document = _read_manifest(self.manifest_path)
            self._build()

    def _build(self) -> None:
        if self.store is not None:
            reviews, links = self.store.reviews(), self.store.links()
            items = [self._item_from_store(job, links) for job in self.store.load(self.batch)]
        else:
            reviews = {}
            items = [self._item_from_manifest(index, entry, reviews)
                     for index, entry in enumerate((self._document or {}).get("results", []))]
        for item in items:
            for output in item.outputs:
                if output.path is not None:
                    output.mark = reviews.get(output.path, UNREVIEWED)
        self.items = _in_display_order(items)
        self.outputs = [output for item in self.items for output in item.outputs]
        self._by_name = {item.name: item for item in self.items}

    def _item_from_store(self, job: StoredJob, links: dict) -> ReviewItem:
        best = job.quote or job.estimate
        charged = None if job.prediction_id is None else (Decimal(0) if job.refunded else best.amount)
        stamps = job.timestamps
        submitted, ready = stamps.get("submitted_at"), stamps.get("downloading_at")
        finished = stamps.get(f"{job.state.value}_at") if job.state.is_terminal else None
        item = ReviewItem(JobKey(job.batch, job.position), job.spec, job.state.value, job.prediction_id, job.error,
                          best, charged, submitted, finished,
                          ready - submitted if submitted and ready else None, links.get((job.batch, job.position)))
        self._attach_outputs(item, [f.path for f in job.files])
        return item

    def _item_from_manifest(self, index: int, entry: dict, reviews: dict) -> ReviewItem:
        cost_entry = entry.get("cost") or {}
        quoted, estimated = _decimal(cost_entry.get("quoted")), _decimal(cost_entry.get("estimated"))
        cost = Cost(quoted, QUOTE) if quoted is not None else Cost(estimated or Decimal(0), ESTIMATE)
        timings = entry.get("timings") or {}
        spec = JobSpec(str(entry.get("name") or f"job {index + 1}"), str(entry.get("model") or ""),
                       dict(entry.get("inputs") or {}), entry.get("output_subfolder"))
        position = entry.get("position")
        batch = entry.get("batch")
        key = JobKey(batch if isinstance(batch, int) else 0, position if isinstance(position, int) else index)
        item = ReviewItem(key, spec,
                          str(entry.get("status") or ""), entry.get("prediction_id"), entry.get("error"), cost,
                          _decimal(cost_entry.get("charged")), _epoch(timings.get("submitted_at")),
                          _epoch(timings.get("finished_at")), timings.get("generation_seconds"),
                          JobLink.from_manifest(entry.get("link")))
        files = [f for f in entry.get("files") or [] if isinstance(f, dict) and f.get("path")]
        if not files and entry.get("local_path"):
            files = [{"path": entry["local_path"]}]
        for f in files:
            mark = ReviewMark.from_manifest(f.get("review"))
            if mark is not None and mark != UNREVIEWED:
                reviews[f["path"]] = mark
        self._attach_outputs(item, [f["path"] for f in files])
        return item

    def _attach_outputs(self, item: ReviewItem, paths: list[str]) -> None:
        folder = self.folder
        item.outputs = [ReviewOutput(item, part, path, folder) for part, path in enumerate(paths)]
        if not item.outputs:
            item.outputs = [ReviewOutput(item, 0, None, None)]

    # --- queries -------------------------------------------------------------------------
    def counts(self, outputs: Iterable[ReviewOutput] | None = None) -> ReviewCounts:
        tally = {pick: 0 for pick in Pick}
        for output in self.outputs if outputs is None else outputs:
            if output.reviewable:
                tally[output.pick] += 1
        return ReviewCounts(tally[Pick.PICKED], tally[Pick.REJECTED], tally[Pick.UNRATED])

    def view(self, query: ReviewQuery = ReviewQuery()) -> list[ReviewOutput]:
        return apply(self.outputs, query)

    def picked(self) -> list[ReviewOutput]:
        return [o for o in self.outputs if o.reviewable and o.pick is Pick.PICKED]

    def models(self) -> list[str]:
        return sorted({item.model for item in self.items})

    def statuses(self) -> list[str]:
        return sorted({item.status for item in self.items})

    def names(self) -> set[str]:
        return set(self._by_name)

    def item(self, name: str) -> ReviewItem | None:
        return self._by_name.get(name)

    def group(self, item: ReviewItem) -> list[ReviewItem]:
        """The original and every re-roll or variation made from it, in display order."""
        return [other for other in self.items if other.group == item.group]

    def budget(self, *, max_spend: Decimal | None = None, daily_cap: Decimal | None = None,
               ledger: SpendLedger | None = None):
        """The budget new jobs of this batch must fit: its spend cap (the one given, else the one it
        last ran with), what it has spent, and the daily cap across every batch."""
        return Budget(max_spend=max_spend if max_spend is not None else self.max_spend, spent=self.spent,
                      daily_cap=daily_cap, ledger=ledger)

    # --- verdicts --------------------------------------------------------------------------
    def set_pick(self, outputs: Iterable[ReviewOutput], pick: Pick) -> None:
        pick = Pick(pick)
        self._mark(outputs, lambda mark, now: ReviewMark(None if pick is Pick.UNRATED else pick.value,
                                                         mark.rating, now))

    def set_rating(self, outputs: Iterable[ReviewOutput], rating: int | None) -> None:
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
            raise ValueError(f"a rating is 1 to 5 or none, not {rating!r}")
        self._mark(outputs, lambda mark, now: ReviewMark(mark.pick, rating, now))

    def clear(self, outputs: Iterable[ReviewOutput]) -> None:
        self._mark(outputs, lambda mark, now: ReviewMark(None, None, now))

    def _mark(self, outputs: Iterable[ReviewOutput], change: Callable[[ReviewMark, str], ReviewMark]) -> None:
        chosen = [o for o in outputs if o.reviewable]
        if not chosen:
            return
        now = _now_iso()
        with self._lock:
            marks = [change(o.mark, now) for o in chosen]
            if self.store is not None:
                self.store.set_reviews([(o.path, o.item.key.batch, o.item.key.position, o.part, mark)
                                        for o, mark in zip(chosen, marks)])
            for output, mark in zip(chosen, marks):
                output.mark = mark
            self._dirty = True

    @property
    def dirty(self) -> bool:
        """Verdicts not yet in the manifest."""
        return self._dirty

    def flush(self) -> bool:
        """Writes the verdicts into the manifest (atomically); True when it wrote."""
        with self._lock:
            if not self._dirty:
                return False
            self._dirty = False
            if self.manifest_path is None or not self.manifest_path.is_file():
                return False
            # Read again: a runner may have rewritten it since the folder was opened.
            document = _read_manifest(self.manifest_path)
            if self.store is not None:
                reviews, links = self.store.reviews(), self.store.links()
            else:
                reviews = {o.path: o.mark for o in self.outputs if o.reviewable and o.mark != UNREVIEWED}
                links = {}
            atomic_write_text(self.manifest_path, manifest.dumps(manifest.annotate(document, reviews, links)))
            self._document = document
            return True

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.store is not None:
                self.store.close()
                self.store = None

    def __enter__(self) -> "ReviewSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _in_display_order(items: list[ReviewItem]) -> list[ReviewItem]:
    """Batch order, with each re-roll right after its original (and the other re-rolls of it)."""
    place = {item.key: index for index, item in enumerate(items)}

    def key(item: ReviewItem) -> tuple:
        own = place[item.key]
        origin = place.get(item.group)
        return (own, 0, 0) if origin is None or item.link is None else (origin, 1, own)

    ordered = sorted(items, key=key)
    for order, item in enumerate(ordered):
        item.order = order
    return ordered


def _read_manifest(path: Path) -> dict:
    try:
        return manifest.read(path)
    except NewerVersionError as exc:
        raise ReviewError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise ReviewError(translate("Review", "{path} cannot be read ({reason})").format(path=path, reason=exc)) \
            from None


def manifest_for_batch(folder: Path, batch: int | None, latest: int | None) -> Path:
    """manifest.json describes the latest batch; an older batch's was kept beside it."""
    if batch is None or latest is None or batch == latest:
        return folder / manifest.MANIFEST_NAME
    return folder / f"manifest-batch-{batch}.json"


def open_folder(path: Path | str, batch: int | None = None) -> ReviewSession:
    """A batch folder made by the app, the CLI or a worker fleet, ready to review (its latest
    batch unless told otherwise). Raises ReviewError with a sentence when it is not one.

    A folder with manifest.json but no job store is reviewed from the manifest, and its verdicts
    are kept there only: creating a store would let ``--resume`` start an empty batch over its
    manifest.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ReviewError(translate("Review", "{folder} is not a folder").format(folder=folder))
    latest_manifest = folder / manifest.MANIFEST_NAME
    store = None
    if JobStore.exists(folder):
        try:
            store = JobStore(folder)
        except (StoreError, NewerVersionError) as exc:
            raise ReviewError(str(exc)) from None
        except Exception as exc:  # sqlite3 errors: a read-only folder cannot be migrated, for one
            raise ReviewError(translate("Review", "the job store of {folder} cannot be opened ({reason})").format(
                folder=folder, reason=exc)) from None
        latest = store.latest_batch()
        if latest is None:
            store.close()  # an empty store (a run that never started): the manifest is all there is
            store = None
        else:
            if batch is not None and batch not in store.batches():
                store.close()
                raise ReviewError(translate("Review", "{folder} has no batch {batch}").format(folder=folder,
                                                                                          batch=batch))
            batch = latest if batch is None else batch
            manifest_path = manifest_for_batch(folder, batch, latest)
            try:
                document = _read_manifest(manifest_path) if manifest_path.is_file() else None
                return ReviewSession(folder, store=store, batch=batch, document=document,
                                     manifest_path=manifest_path)
            except BaseException:
                store.close()
                raise
    if not latest_manifest.is_file():
        raise ReviewError(translate("Review", "{folder} is not a batch folder: it has neither manifest.json nor a "
                                              "job store").format(folder=folder))
    document = _read_manifest(latest_manifest)
    if not isinstance(document.get("results"), list):
        raise ReviewError(translate("Review", "{path} lists no results").format(path=latest_manifest))
    return ReviewSession(folder, store=None, batch=None, document=document, manifest_path=latest_manifest)


def describe(counts: ReviewCounts) -> str:
    return translate("Review", "{picked} picked, {rejected} rejected, {unrated} unrated").format(
        picked=counts.picked, rejected=counts.rejected, unrated=counts.unrated)
