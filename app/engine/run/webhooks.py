"""Webhooks: a signed JSON POST when a job finishes or fails, and when a batch ends or pauses.

Sending happens on its own thread with retries and backoff; it never blocks or fails a run,
and failures are logged. The body is signed with HMAC-SHA256 over the exact bytes sent:
``X-BatchStudio-Signature: sha256=<hex>``, with ``X-BatchStudio-Timestamp`` inside the
signed text (``<timestamp>.<body>``) so a replayed old request can be told apart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from typing import Callable

from app import __version__
from app.engine.run.logs import LOGGER_NAME, event_fields
from app.engine.run.records import RunEvent

SECRET_ENV = "BATCH_STUDIO_WEBHOOK_SECRET"
JOB_EVENTS = {"done": "job.finished", "failed": "job.failed", "needs_attention": "job.needs_attention"}
BATCH_EVENTS = {"finished": "batch.finished", "paused": "batch.paused", "stopped": "batch.stopped"}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def secret_from_environment() -> str | None:
    from app.engine.atlas.secrets import webhook_secret

    return webhook_secret()


class WebhookSender:
    def __init__(self, url: str, secret: str | None, *, attempts: int = 5, timeout: float = 10.0,
                 sleep: Callable[[float], None] | None = None, base_delay: float = 1.0):
        self.url = url
        self._secret = secret
        self.attempts = attempts
        self.timeout = timeout
        self.base_delay = base_delay
        self._stop = threading.Event()
        self._sleep = sleep or (lambda seconds: self._stop.wait(seconds))
        self._queue: queue.Queue = queue.Queue()
        self.delivered = 0
        self.failed = 0
        self._log = logging.getLogger(LOGGER_NAME)
        self._thread = threading.Thread(target=self._work, name="webhooks", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"WebhookSender({self.url!r}, secret={'set' if self._secret else 'none'})"

    def on_event(self, event: RunEvent) -> None:
        """Maps engine events to webhook events; cheap, never blocks the caller."""
        name = (JOB_EVENTS if event.kind == "job" else BATCH_EVENTS).get(event.state)
        if name is None:
            return
        payload = {"event": name, "sent_by": f"Batch Studio {__version__}", **event_fields(event)}
        self._queue.put(payload)

    def _work(self) -> None:
        while True:
            payload = self._queue.get()
            if payload is None:
                return
            self._deliver(payload)

    def _deliver(self, payload: dict) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        for attempt in range(self.attempts):
            timestamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "User-Agent": f"BatchStudio/{__version__} webhooks",
                       "X-BatchStudio-Event": payload["event"], "X-BatchStudio-Timestamp": timestamp}
            if self._secret:
                headers["X-BatchStudio-Signature"] = sign(self._secret, timestamp, body)
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    if 200 <= response.status < 300:
                        self.delivered += 1
                        return
                    problem = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                problem = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError) as exc:
                problem = str(getattr(exc, "reason", exc))
            self._log.warning("webhook delivery failed", extra={"fields": {
                "webhook_event": payload["event"], "attempt": attempt + 1, "problem": problem}})
            if attempt + 1 < self.attempts and not self._stop.is_set():
                self._sleep(self.base_delay * (2 ** attempt))
        self.failed += 1

    def close(self, timeout: float = 30.0) -> None:
        """Sends what is queued (up to ``timeout``), then stops the thread."""
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._stop.set()  # give up on retries rather than hang the exit
            self._thread.join()
