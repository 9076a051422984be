"""Recover from Atlas: the account's recent generations, downloaded into a batch folder.

The history lists every task of the key, including those made elsewhere (another machine, a
script, a lost submit). Chosen tasks become the jobs of a new batch in a folder, already
submitted: the runner follows each (a finished one at its first poll), downloads its outputs
while the URLs still work, and writes the store and the manifest as for any batch. The recipe
of each job is its ``requestBody``, so a recovered job can be edited and run again.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import HISTORY_PAGE_SIZE, AtlasClient, HistoryItem
from app.engine.atlas.pricing import PriceTable
from app.engine.jobs.spec import JobSpec
from app.engine.run.planning import queued_records
from app.engine.run.records import JobRecord, JobState

_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_PAGES = 40


def parse_since(text: str) -> float:
    """``"7d"``, ``"12h"``, ``"30m"``, ``"2w"`` -> seconds; ValueError with a sentence otherwise."""
    match = _SINCE.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a span of time such as 30m, 12h, 7d or 2w")
    return int(match.group(1)) * _UNITS[match.group(2)]


def recent(client: AtlasClient, since_seconds: float, *, model: str | None = None,
           now: float | None = None) -> list[HistoryItem]:
    """The account's tasks created in the last ``since_seconds``, newest first."""
    cutoff = (time.time() if now is None else now) - since_seconds
    found: list[HistoryItem] = []
    for page in range(1, MAX_PAGES + 1):
        listing = client.history(page, HISTORY_PAGE_SIZE, model=model)
        found.extend(item for item in listing.items if item.created_at >= cutoff)
        if not listing.items or min(i.created_at for i in listing.items) < cutoff \
                or page * listing.size >= listing.total:
            break
    return found


@dataclass(frozen=True)
class Recoverable:
    item: HistoryItem
    spec: JobSpec | None
    problem: str | None  # why it cannot be downloaded, in a sentence

    @property
    def ok(self) -> bool:
        return self.problem is None


def assess(items: list[HistoryItem], catalog: Catalog) -> list[Recoverable]:
    """What each task would become: a job from its request body, or why not."""
    assessed = []
    for item in items:
        body = item.body()
        model = catalog.get(item.model)
        if item.status not in ("completed", "succeeded", "success") and not (item.result and item.result.is_done):
            assessed.append(Recoverable(item, None, f"it is {item.status or 'not finished'}: nothing to download"))
        elif body is None:
            assessed.append(Recoverable(item, None, "its request body is missing, so its recipe is unknown"))
        elif model is None:
            assessed.append(Recoverable(item, None, f"{item.model} is not in the catalog"))
        else:
            inputs = {k: v for k, v in body.items() if k != "model"}
            parts = item.model.split("/")
            name = f"{parts[1] if len(parts) > 1 else parts[0]} {item.prediction_id[:8]}"
            assessed.append(Recoverable(item, JobSpec(name, item.model, inputs), None))
    return assessed


def recovered_records(chosen: list[Recoverable], catalog: Catalog, prices: PriceTable | None = None) -> list[JobRecord]:
    """Records of a new batch, each already submitted as its task: the runner follows and
    downloads them and never submits anything."""
    usable = [c for c in chosen if c.ok]
    records = queued_records([c.spec for c in usable], catalog, prices=prices)
    for record, recoverable in zip(records, usable):
        record.state = JobState.SUBMITTED
        record.prediction_id = recoverable.item.prediction_id
        record.timestamps["submitted_at"] = recoverable.item.created_at
        record.timestamps["recovered_from_history_at"] = time.time()
    return records


def describe(item: HistoryItem) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.created_at)) if item.created_at else "?"
    body = item.body() or {}
    prompt = str(body.get("prompt", ""))
    prompt = prompt if len(prompt) <= 60 else prompt[:59] + "…"
    return f"{when}  {item.status:<10} {item.model}  {prompt}"


def default_folder(base: Path) -> Path:
    return base / time.strftime("recovered-%Y%m%d-%H%M%S")
