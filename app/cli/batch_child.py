"""``batch-studio batch-child``: one stored batch of a folder, run in a process of its own.

The window's process repaints its job table through Python callbacks; engine threads in the
same process (planning polls, JSON, requests, SQLite) make each of those callbacks wait for
the interpreter lock, and the window stutters. So the window plans the batch and stores its
rows, then this process runs it: it never imports Qt, and it runs at a lower priority than
the window. The protocol is in app/engine/run/childproto.py.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import BinaryIO, TextIO

from app.engine.atlas.client import AtlasClient
from app.engine.run.childproto import (DETACH_GRACE_SECONDS, DETACHED_REASON, KEY_VARIABLE, ChildConfig, catalog_of,
                                       encode_event)
from app.engine.run.ledger import SpendLedger
from app.engine.run.planning import plan_resume
from app.engine.run.records import RunEvent
from app.engine.run.runner import BatchPlan, BatchRunner, Connections
from app.engine.run.store import JobStore
from app.engine.run.timing import TimingModel

LOWER_PRIORITY = 5

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
