"""``batch-studio batch-child``: one stored batch of a folder, run in a process of its own.

The window's process repaints its job table through Python callbacks; engine threads in the
same process (planning polls, JSON, requests, SQLite) make each of those callbacks wait for
the interpreter lock, and the window stutters. So the window plans the batch and stores its
rows, then this process runs it: it never imports Qt, and it runs at a lower priority than
the window.

The protocol, one JSON document per line:

- stdin, first line: the configuration (``ChildConfig``). The API key is never in it, nor
  in argv: it comes from this process's environment (``ATLASCLOUD_API_KEY``).
- stdin, then: control commands, ``{"command": "pause" | "resume" | "cancel" | "pause_job" |
  "move" | "detach", ...}``. End of file means the window is gone: detach (submitted jobs
  stay submitted in the store, and reopening the folder follows them). Never cancel.
- stdout: ``{"event": {...}, "files": [...]}`` for every RunEvent (``files``: every output
  of a job that is done), then ``{"result": {"status", "reason", "elapsed"}}`` last.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, TextIO

from app.engine.catalog import Catalog, ModelInfo
from app.engine.client import AtlasClient
from app.engine.ledger import SpendLedger
from app.engine.planning import plan_resume
from app.engine.pricing import Cost
from app.engine.recipes import RecipePolicy
from app.engine.records import RunEvent
from app.engine.runner import BatchPlan, BatchRunner, Connections, Limits, TimeLimits
from app.engine.store import JobStore
from app.engine.timing import TimingModel

KEY_VARIABLE = "ATLASCLOUD_API_KEY"
# After a detach, jobs stop at their next wait; one stuck in a long download must not keep
# the process (and the window waiting for it) alive: what is not finished is resumed later.
DETACH_GRACE_SECONDS = 8.0
LOWER_PRIORITY = 5
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


def decode_event(fields: dict) -> RunEvent:
    known = {item.name for item in dataclasses.fields(RunEvent)}
    values = {name: value for name, value in fields.items() if name in known}
    cost = values.get("cost")
    if cost is not None:
        values["cost"] = Cost(Decimal(cost["amount"]), cost["basis"], cost.get("note", ""))
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
                        max_spend=_decimal(doc["max_spend"]), daily_cap=_decimal(doc["daily_cap"]))
        return cls(Path(doc["folder"]), int(doc["batch"]), doc["base_url"], bool(doc["demo"]), doc["mode"], limits,
                   Path(doc["ledger_path"]) if doc.get("ledger_path") else None,
                   Path(doc["timing_path"]) if doc.get("timing_path") else None, float(doc.get("timing_scale", 1.0)),
                   doc.get("paused_reason"), tuple(int(i) for i in doc.get("held", ())), tuple(doc.get("models", ())),
                   RecipePolicy.from_dict(doc.get("recipes")))


# --- the child --------------------------------------------------------------------------
class _EventWriter:
    """Events from every job thread, one whole line at a time. A window that went away must
    not look like a failing job: a write that fails detaches instead of raising."""

    def __init__(self, out: TextIO, on_broken):
        self.out = out
        self.on_broken = on_broken
        self.broken = False
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        with self._lock:
            if self.broken:
                return
            try:
                self.out.write(line + "\n")
                self.out.flush()
                return
            except (OSError, ValueError):
                self.broken = True
        self.on_broken()


class _Control:
    """Applies the window's commands to the runner. Until the runner has started, commands wait
    (``run()`` starts from a clean halt, so an earlier pause would be lost); at the start, a
    batch that should start paused is paused before anything is submitted."""

    def __init__(self, paused_reason: str | None):
        self.runner: BatchRunner | None = None
        self.paused_reason = paused_reason
        self.cond = threading.Condition()
        self.started = False
        self.detached = False
        self.finished = False
        self._pending: list[dict] = []

    def on_started(self) -> None:
        """On the runner's thread, from its "started" event, before it picks any job."""
        with self.cond:
            self.started = True
            pending, self._pending = self._pending, []
        if self.paused_reason:
            self.runner.pause(self.paused_reason)
        for command in pending:
            self._apply(command)

    def command(self, document: dict) -> None:
        with self.cond:
            if document.get("command") == "detach":
                self.detached = True
                self.cond.notify_all()
            if not self.started:
                self._pending.append(document)
                return
        self._apply(document)

    def detach(self) -> None:
        self.command({"command": "detach"})

    def _apply(self, document: dict) -> None:
        runner, name = self.runner, document.get("command")
        try:
            if name == "pause":
                runner.pause()
            elif name == "resume":
                runner.resume()
            elif name == "cancel":
                index = document.get("index")
                runner.cancel(None if index is None else int(index))
            elif name == "pause_job":
                runner.pause_job(int(document["index"]), bool(document.get("held", True)))
            elif name == "move":
                runner.move(int(document["index"]), str(document["where"]))
            elif name == "detach":
                runner.detach()
            else:
                print(f"batch-child: unknown command {name!r}", file=sys.stderr)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            print(f"batch-child: command {name!r} not applied: {type(exc).__name__}: {exc}", file=sys.stderr)

    def mark_finished(self) -> None:
        with self.cond:
            self.finished = True
            self.cond.notify_all()


def _read_commands(commands: BinaryIO, control: _Control) -> None:
    for raw in iter(commands.readline, b""):
        try:
            document = json.loads(raw)
        except ValueError:
            print("batch-child: a command line is not JSON; ignored", file=sys.stderr)
            continue
        if isinstance(document, dict):
            control.command(document)
    control.detach()  # end of input: the window closed (or died); never cancel


def serve(commands: BinaryIO, out: TextIO, *, detach_grace: float = DETACH_GRACE_SECONDS) -> int:
    """Reads the configuration, runs the batch, reports. Returns the exit code; the runner's
    thread may still be finishing a download after a detach (the caller exits anyway)."""
    first = commands.readline()
    if not first.strip():
        return 2  # no configuration: the window went away before it said what to run
    try:
        config = ChildConfig.from_json(first)
    except (ValueError, KeyError, TypeError, AttributeError):
        print("error: batch-child is run by the Batch Studio window, which sends the batch configuration "
              "as one JSON line on stdin; to run a job set yourself use `batch-studio run JOBSET`",
              file=sys.stderr)
        return 2
    control = _Control(config.paused_reason)
    writer = _EventWriter(out, control.detach)
    started = time.monotonic()

    def report(status: str, reason: str) -> None:
        writer.write(json.dumps({"result": {"status": status, "reason": reason,
                                            "elapsed": time.monotonic() - started}}, ensure_ascii=False))

    store = JobStore(config.folder)
    client = AtlasClient(config.base_url, os.environ.get(KEY_VARIABLE) or None)
    try:
        latest = store.latest_batch()
        if latest != config.batch:
            report("stopped", f"the batch stopped on an internal error: the folder's latest batch is {latest}, "
                              f"not {config.batch}")
            return 1
        records = plan_resume(store, catalog_of(list(config.models)), config.folder)
    except Exception as exc:  # a store that cannot be read, a model no longer known
        report("stopped", f"the batch stopped on an internal error: {exc}")
        store.close()
        client.close()
        return 1

    def on_event(event: RunEvent) -> None:
        files = None
        if event.kind == "job" and event.state == "done":
            files = [output.path for output in runner.records[event.job_index].files]
        writer.write(encode_event(event, files))
        if event.kind == "batch" and event.state == "started":
            control.on_started()

    runner = BatchRunner(BatchPlan(records, config.folder, config.mode), config.limits, io=Connections(
        client=client, store=store, on_event=on_event,
        ledger=SpendLedger(config.ledger_path) if config.ledger_path else None,
        timing=TimingModel(config.timing_path, scale=config.timing_scale), recipes=config.recipes))
    control.runner = runner
    for position in config.held:
        runner.pause_job(position, True)
    threading.Thread(target=_read_commands, args=(commands, control), name="batch-commands", daemon=True).start()

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = runner.run()
        except Exception as exc:  # an engine bug: said, never a silent exit
            outcome["error"] = exc
        finally:
            control.mark_finished()

    worker = threading.Thread(target=run, name="batch-run", daemon=True)
    worker.start()
    with control.cond:
        control.cond.wait_for(lambda: control.finished or control.detached)
        if not control.finished:
            control.cond.wait_for(lambda: control.finished, timeout=detach_grace)
        finished = control.finished
    if not finished:
        # Stuck in a transfer after a detach: its state is in the store, the folder resumes it.
        report("stopped", DETACHED_REASON)
        return 0
    if "error" in outcome:
        exc = outcome["error"]
        report("stopped", f"the batch stopped on an internal error: {type(exc).__name__}: {exc}")
        code = 1
    else:
        result = outcome["result"]
        report(result.status, result.reason)
        code = 0
    store.close()
    client.close()
    return code


def main(argv: list[str] | None = None) -> int:
    """The process entry: the protocol gets its own copy of stdout, and anything else that
    prints (a library's warning) goes to stderr instead of into the protocol."""
    if hasattr(os, "nice"):
        try:
            os.nice(LOWER_PRIORITY)  # the window gets the CPU first
        except OSError:
            pass
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", newline="\n")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    # Unbuffered: the command reader blocks in it while the batch runs, and a buffered
    # reader's lock would then stall the interpreter's exit.
    commands = open(sys.stdin.fileno(), "rb", buffering=0, closefd=False)
    try:
        code = serve(commands, protocol)
    finally:
        try:
            protocol.flush()
        except OSError:
            pass
        sys.stderr.flush()
    # A detached runner thread may still be in a download, and the command reader waits on
    # stdin: neither may hold the exit (the store has saved every change already).
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
