"""The wire protocol between the window and ``batch-studio batch-child``, the process that runs
one stored batch of a folder (app/cli/batch_child.py says why it is a process of its own).

One JSON document per line:

- stdin, first line: the configuration (``ChildConfig``). The API key is never in it, nor
  in argv: it comes from the child's environment (``ATLASCLOUD_API_KEY``).
- stdin, then: control commands, ``{"command": "pause" | "resume" | "cancel" | "pause_job" |
  "move" | "detach", ...}``. End of file means the window is gone: detach (submitted jobs
  stay submitted in the store, and reopening the folder follows them). Never cancel.
- stdout: ``{"event": {...}, "files": [...]}`` for every RunEvent (``files``: every output
  of a job that is done), then ``{"result": {"status", "reason", "elapsed"}}`` last.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.atlas.pricing import Cost
from app.engine.jobs.recipes import RecipePolicy
from app.engine.run.records import RunEvent
from app.engine.run.reconcile import RecoveryPolicy
from app.engine.run.runner import Limits, TimeLimits

KEY_VARIABLE = "ATLASCLOUD_API_KEY"
# After a detach, jobs stop at their next wait; one stuck in a long download must not keep
# the process (and the window waiting for it) alive: what is not finished is resumed later.
DETACH_GRACE_SECONDS = 8.0
# The runner's own words for a detach (runner.BatchRunner.detach), kept when the process is
# ended before its runner said them.
DETACHED_REASON = "the app was closed; reopen the folder to continue"
COMMANDS = ("pause", "resume", "cancel", "pause_job", "move", "detach")


# --- events on the wire -------------------------------------------------------------
def encode_event(event: RunEvent, files: list[str] | None = None) -> str:
    """One line for ``event``: every field, costs as exact decimals with their basis."""
    fields = {}
    for item in dataclasses.fields(RunEvent):
        value = getattr(event, item.name)
        if isinstance(value, Cost):
            value = {"amount": str(value.amount), "basis": value.basis, "note": value.note}
        fields[item.name] = value
    document: dict = {"event": fields}
    if files is not None:
        document["files"] = files
    return json.dumps(document, ensure_ascii=False)


_EVENT_FIELDS = frozenset(item.name for item in dataclasses.fields(RunEvent))
_COSTS: dict[tuple, Cost] = {}  # a batch's jobs share a few prices: one Cost each, not one per event


def decode_event(fields: dict) -> RunEvent:
    values = {name: value for name, value in fields.items() if name in _EVENT_FIELDS}
    cost = values.get("cost")
    if cost is not None:
        key = (cost["amount"], cost["basis"], cost.get("note", ""))
        if (known := _COSTS.get(key)) is None:
            known = _COSTS[key] = Cost(Decimal(key[0]), key[1], key[2])
            if len(_COSTS) > 4096:  # bounded, whatever the prices
                _COSTS.clear()
                _COSTS[key] = known
        values["cost"] = known
    return RunEvent(**values)


# --- the configuration --------------------------------------------------------------
def model_document(model: ModelInfo) -> dict:
    """A model as the child needs it: its row and its input schema (when loaded), so the child
    neither reads a catalog nor fetches a schema the window already has."""
    return {"model_id": model.model_id, "type": model.type, "display_name": model.display_name,
            "categories": list(model.categories), "schema_url": model.schema_url, "row": model.row,
            "input_schema": model.input_schema if model.schema_loaded else None}


def catalog_of(documents: list[dict]) -> Catalog:
    models = {doc["model_id"]: ModelInfo(doc["model_id"], doc["type"], doc["display_name"],
                                         tuple(doc["categories"]), doc["schema_url"], doc["input_schema"], doc["row"])
              for doc in documents}
    return Catalog(models, "batch")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@dataclass(frozen=True)
class ChildConfig:
    """What the child runs: the latest batch of ``folder``'s store (number ``batch``, already
    planned and stored by the window), where, with which limits, budgets and clocks."""
    folder: Path
    batch: int
    base_url: str
    demo: bool
    mode: str
    limits: Limits
    ledger_path: Path | None  # today's spend, shared with every other batch (the daily cap)
    timing_path: Path | None  # what the server taught about generation times
    timing_scale: float = 1.0
    paused_reason: str | None = None  # start paused: follow what was submitted, submit nothing
    held: tuple[int, ...] = ()  # positions held back at the start
    models: tuple[dict, ...] = ()  # model_document() of every model the batch uses
    recipes: RecipePolicy = RecipePolicy()  # what goes into each output file

    def to_json(self) -> str:
        limits = self.limits
        return json.dumps({
            "folder": str(self.folder), "batch": self.batch, "base_url": self.base_url, "demo": self.demo,
            "mode": self.mode, "concurrency": limits.concurrency,
            "time_limits": {"image": limits.time.image, "video": limits.time.video,
                            "per_model": dict(limits.time.per_model)},
            "max_spend": _money(limits.max_spend), "daily_cap": _money(limits.daily_cap),
            "resubmit": limits.recovery.resubmit,
            "ledger_path": str(self.ledger_path) if self.ledger_path else None,
            "timing_path": str(self.timing_path) if self.timing_path else None, "timing_scale": self.timing_scale,
            "paused_reason": self.paused_reason, "held": list(self.held), "models": list(self.models),
            "recipes": self.recipes.as_dict()},
            ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> "ChildConfig":
        doc = json.loads(text)
        times = doc["time_limits"]
        limits = Limits(concurrency=int(doc["concurrency"]),
                        time=TimeLimits(float(times["image"]), float(times["video"]), dict(times["per_model"])),
                        max_spend=_decimal(doc["max_spend"]), daily_cap=_decimal(doc["daily_cap"]),
                        recovery=RecoveryPolicy(resubmit=bool(doc.get("resubmit", True))))
        return cls(Path(doc["folder"]), int(doc["batch"]), doc["base_url"], bool(doc["demo"]), doc["mode"], limits,
                   Path(doc["ledger_path"]) if doc.get("ledger_path") else None,
                   Path(doc["timing_path"]) if doc.get("timing_path") else None, float(doc.get("timing_scale", 1.0)),
                   doc.get("paused_reason"), tuple(int(i) for i in doc.get("held", ())), tuple(doc.get("models", ())),
                   RecipePolicy.from_dict(doc.get("recipes")))
