"""Structured logs: one JSON object per line, in a rotating file in the app's data folder.

A filter scrubs anything shaped like an API key from every record, as a second line of
defence behind code that never logs one.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import re
import time
from pathlib import Path

from app.engine.core import appdirs
from app.engine.run.records import RunEvent

LOGGER_NAME = "batch_studio"
_KEY_SHAPE = re.compile(r"apikey-[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    return _KEY_SHAPE.sub("apikey-…(redacted)", text)


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if record.args:
            record.args = tuple(redact(str(a)) for a in record.args)
        # The structured fields are scrubbed by the formatter, in the line it encodes anyway: a
        # 50,000-job batch's log then costs one encoding per line, not two.
        return True


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
                 "level": record.levelname.lower(), "message": record.getMessage()}
        fields = dict(getattr(record, "fields", {}) or {})
        if "message" in fields:
            fields["detail"] = fields.pop("message")
        entry.update(fields)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        line = json.dumps(entry, ensure_ascii=False, default=str)
        # A key anywhere in the fields, scrubbed in the encoded line (the replacement needs no
        # JSON escaping, so the line stays valid JSON).
        return redact(line) if "apikey-" in line else line


class _RotatingLines(logging.handlers.RotatingFileHandler):
    """RotatingFileHandler that formats each line once and counts the file's size itself.

    The stock handler formats every record twice (once to decide on a rollover, once to write
    it), and asks the file system for the log's size and whether it is a regular file on every
    line: at 50,000 jobs, about five log lines a job, that was a quarter of a million stats and
    seeks. The count starts from the file's size when it is opened; another process writing the
    same log is not counted, so the file may grow past the limit before it rotates, never less."""

    def __init__(self, path: Path, max_bytes: int, backup_count: int):
        super().__init__(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
        try:
            self._size = os.path.getsize(self.baseFilename)
            self._regular = os.path.isfile(self.baseFilename)  # never rotate /dev/null and the like
        except OSError:
            self._size, self._regular = 0, True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            size = len(line) if line.isascii() else len(line.encode("utf-8"))
            if self._regular and self.maxBytes > 0 and self._size and self._size + size >= self.maxBytes:
                self.doRollover()
                self._size = 0
            if self.stream is None:
                self.stream = self._open()
            self.stream.write(line)
            self.stream.flush()
            self._size += size
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


def log_file() -> Path:
    return appdirs.data_dir() / "logs" / "batch-studio.log"


def setup(path: Path | None = None) -> logging.Logger:
    """Idempotent: the CLI, the app and the tests may each call it."""
    logger = logging.getLogger(LOGGER_NAME)
    path = path or log_file()
    for handler in list(logger.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            return logger
        logger.removeHandler(handler)
        handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = _RotatingLines(path, 2 * 1024 * 1024, 5)
    handler.setFormatter(_JsonLines())
    handler.addFilter(_Redact())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def event_fields(event: RunEvent) -> dict:
    """The fields every consumer of events wants: job, model, ids, state and money."""
    fields = {"kind": event.kind, "state": event.state, "job": event.job_name, "job_index": event.job_index,
              "model": event.model, "prediction_id": event.prediction_id, "request_id": event.request_id,
              "message": event.message or None, "error": event.error, "output_path": event.output_path,
              "retrying": event.retrying or None}
    if event.cost is not None:
        fields["cost"] = float(event.cost.amount)
        fields["cost_basis"] = event.cost.basis
    return {k: v for k, v in fields.items() if v is not None}


def log_event(event: RunEvent) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    if event.progress is not None and not event.message and event.state == "running":
        return  # progress ticks would drown the log
    level = logging.WARNING if event.state in ("failed", "needs_attention", "stopped") else logging.INFO
    logger.log(level, f"{event.kind} {event.state}", extra={"fields": event_fields(event)})
