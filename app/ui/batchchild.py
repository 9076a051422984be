"""The window's side of ``batch-studio batch-child`` (app/cli/batch_child.py): a stored batch run in
a child process, with the runner's control methods, so the window's process holds no engine
threads competing with its repaints for the interpreter lock.

``ChildRunner.run()`` blocks on the pool thread that calls it: it starts the child, passes
each event the child reports to ``on_event`` (as the in-process runner would), and returns
the result with the records as the store holds them. It never imports Qt.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from app.engine.run.childproto import DETACH_GRACE_SECONDS, DETACHED_REASON, ChildConfig, catalog_of, decode_event
from app.engine.run.planning import record_from_stored
from app.engine.run.records import JobRecord, RunEvent
from app.engine.run.runner import BatchResult
from app.engine.run.store import STORE_PATH, JobStore, StoreError

# How long the window waits for a detached child before ending it: its own grace, and a margin.
EXIT_WAIT_SECONDS = DETACH_GRACE_SECONDS + 4.0
LOG_NAME = "batch-child.log"


def child_command() -> list[str]:
    # A bundled (frozen) app has no `-m`: its one executable serves every command.
    if getattr(sys, "frozen", False):
        return [sys.executable, "batch-child"]
    return [sys.executable, "-m", "app", "batch-child"]


class ChildRunner:
    """One stored batch, run once by ``run()`` in a child process; the control methods may be
    called from any thread meanwhile (before the child starts, they wait for it)."""

    def __init__(self, config: ChildConfig, *, store: JobStore, on_event: Callable[[RunEvent], None],
                 env: dict[str, str], lost_reason: str, unstarted_reason: str, with_records: bool = True):
        """``env``: the child's whole environment, the API key included (never argv or a file).
        ``lost_reason``: the result's sentence when the child ends without one, {} for why.
        ``unstarted_reason``: the result's sentence when the child cannot be started, {} for why.
        ``with_records``: whether the result carries the stored records. The window follows every
        job by its events and leaves them out: reading 50,000 back on its pool thread held the
        interpreter lock for half a second against the table's repaints as the batch ended."""
        self.config = config
        self.store = store
        self.on_event = on_event
        self.env = env
        self.lost_reason = lost_reason
        self.unstarted_reason = unstarted_reason
        self.process: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._pending: list[str] = []
        self._input_closed = False
        self._detached = False
        self._files: dict[int, tuple[str, ...]] = {}  # tuples of strings: not walked by the collector
        self.with_records = with_records

    @property
    def out_dir(self) -> Path:
        return self.config.folder

    @property
    def log_path(self) -> Path:
        return self.config.folder / STORE_PATH.parent / LOG_NAME

    # --- control (any thread) ----------------------------------------------------------
    def cancel(self, index: int | None = None) -> None:
        self._send({"command": "cancel", "index": index})

    def pause(self) -> None:
        self._send({"command": "pause"})

    def resume(self) -> None:
        self._send({"command": "resume"})

    def pause_job(self, index: int, paused: bool = True) -> None:
        self._send({"command": "pause_job", "index": index, "held": paused})

    def move(self, index: int, where: str) -> None:
        self._send({"command": "move", "index": index, "where": where})

    def detach(self) -> None:
        """Stops without deciding anything: the child leaves submitted jobs submitted. Closing
        its input says the same to a child that missed the command."""
        with self._lock:
            self._detached = True
        self._send({"command": "detach"})
        with self._lock:
            self._close_input()

    def wait_for_exit(self, timeout: float = EXIT_WAIT_SECONDS) -> bool:
        """After ``detach``: waits for the child to leave, and ends it after ``timeout`` (what
        it did is in the store). False when it had to be ended."""
        process = self.process
        if process is None:
            return True
        try:
            process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False

    def output_files(self, index: int) -> list[str]:
        """Every output of a job the child reported done, relative to the folder."""
        return list(self._files.get(index, ()))

    def _send(self, command: dict) -> None:
        line = json.dumps(command) + "\n"
        with self._lock:
            if self.process is None:
                self._pending.append(line)
            elif not self._input_closed:
                self._write(line)

    def _write(self, line: str) -> None:
        """Under the lock. A child that is gone reads nothing more: its result says why."""
        try:
            self.process.stdin.write(line)
            self.process.stdin.flush()
        except (OSError, ValueError):
            self._close_input()

    def _close_input(self) -> None:
        if self.process is None or self._input_closed:
            return
        self._input_closed = True
        try:
            self.process.stdin.close()
        except OSError:
            pass  # the pipe broke with a child that already left

    # --- the batch ---------------------------------------------------------------------
    def run(self) -> BatchResult:
        """Blocks until the child has finished, then returns its result and the stored records."""
        started = time.monotonic()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w", encoding="utf-8") as log, self._lock:
            try:
                self.process = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                                stderr=log, env=self.env, text=True, encoding="utf-8", bufsize=1)
            except OSError as exc:
                # A missing or unrunnable executable (a broken install, an antivirus): the batch is
                # stored but untouched, so it ends like any stopped batch, its rows still queued.
                log.write(f"{' '.join(child_command())}: {exc}\n")
                why = f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else str(exc)
                return BatchResult("stopped", self.unstarted_reason.format(why), self._records(),
                                   time.monotonic() - started)
            self._write(self.config.to_json() + "\n")
            for line in self._pending:
                self._write(line)
            self._pending.clear()
            if self._detached:
                self._close_input()
        result = None
        try:
            for line in self.process.stdout:
                document = self._decode(line)
                if document is None:
                    continue
                if "event" in document:
                    event = decode_event(document["event"])
                    if "files" in document and event.job_index is not None:
                        self._files[event.job_index] = tuple(document["files"])  # before anyone hears of "done"
                    self.on_event(event)
                elif "result" in document:
                    result = document["result"]
        finally:
            self.process.stdout.close()
            with self._lock:
                self._close_input()
            code = self._wait_after_output()
        elapsed = time.monotonic() - started
        if result is not None:
            return BatchResult(result["status"], result["reason"], self._records(), float(result["elapsed"]))
        if self._detached:
            return BatchResult("stopped", DETACHED_REASON, self._records(), elapsed)
        return BatchResult("stopped", self.lost_reason.format(self._death_detail(code)), self._records(),
                           elapsed)

    @staticmethod
    def _decode(line: str) -> dict | None:
        try:
            document = json.loads(line)
        except ValueError:
            return None
        return document if isinstance(document, dict) else None

    def _wait_after_output(self) -> int:
        try:
            return self.process.wait(timeout=EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def _death_detail(self, code: int) -> str:
        """The exit status, and the last line the child wrote to its log (its error, usually)."""
        detail = f"exit code {code}"
        try:
            lines = [line.strip() for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()]
        except OSError:
            return detail
        last = next((line for line in reversed(lines) if line), "")
        return f"{detail}: {last[:300]}" if last else detail

    def _records(self) -> list[JobRecord]:
        if not self.with_records:
            return []
        catalog = catalog_of(list(self.config.models))
        try:
            return [record_from_stored(stored, catalog) for stored in self.store.load(self.config.batch)]
        except StoreError:
            return []
