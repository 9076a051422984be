"""A scripted stand-in for AtlasClient: each job's fate is written per prompt."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from app.engine.atlas.client import Download, HistoryItem, HistoryPage, Prediction, Quote, Submission
from app.engine.atlas.errors import UnknownOutcomeError


class LostReply(UnknownOutcomeError):
    """A submit plan step: the task is created (and listed in the history), then the reply is lost."""


def output_bytes(url: str) -> bytes:
    """A real (tiny) PNG, different for each URL: outputs get their recipe written into them."""
    import io
    import zlib

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), tuple(zlib.crc32(url.encode()).to_bytes(4, "big")[:3])).save(buffer, "PNG")
    data = buffer.getvalue()
    # The URL in a text chunk before IEND, so two outputs of one colour still differ.
    text = b"tEXt" + b"source\x00" + url.encode()
    chunk = len(text[4:]).to_bytes(4, "big") + text + zlib.crc32(text).to_bytes(4, "big")
    return data[:-12] + chunk + data[-12:]


class FakeAtlas:
    base_url = "https://fake.atlas.test"

    def __init__(self):
        self.submit_plan: dict[str, list] = {}
        self.poll_plan: dict[str, list] = {}
        self.download_plan: dict[str, list] = {}
        self.submitted: list[dict] = []
        self.polls: Counter = Counter()
        self.downloads: list[str] = []
        self._prompt_of: dict[str, str] = {}
        self._lock = threading.Lock()
        # The account's history: (prediction id, created at, body) of every task created.
        self.tasks: list[tuple[str, float, dict]] = []
        self.history_error: BaseException | None = None  # raised by every history read when set
        self.history_lag_reads = 0  # a new task shows only after this many more reads
        self.history_reads = 0

    def submit(self, model_type: str, body: dict) -> Submission:
        prompt = body["prompt"]
        with self._lock:
            plan = self.submit_plan.get(prompt)
            outcome = plan.pop(0) if plan else "ok"
            if isinstance(outcome, BaseException) and not isinstance(outcome, LostReply):
                raise outcome
            prediction_id = f"pred-{len(self.submitted)}"
            self.submitted.append(body)
            self._prompt_of[prediction_id] = prompt
            self.tasks.append((prediction_id, time.time(), dict(body), self.history_reads + self.history_lag_reads))
            if isinstance(outcome, LostReply):
                raise outcome
        return Submission(prediction_id, "starting", None, f"req-submit-{prediction_id}")

    def poll(self, prediction_id: str) -> Prediction:
        with self._lock:
            prompt = self._prompt_of[prediction_id]
            step = self.polls[prediction_id]
            self.polls[prediction_id] += 1
            plan = self.poll_plan.get(prompt, ["processing", "completed"])
            outcome = plan[min(step, len(plan) - 1)]
        if isinstance(outcome, BaseException):
            raise outcome
        status, error, code = (outcome, "", None) if isinstance(outcome, str) else outcome
        outputs = (f"https://cdn.fake.test/{prediction_id}.png",) if status == "completed" else ()
        return Prediction(prediction_id, status, outputs, error, code, f"req-poll-{prediction_id}-{step}")

    def download(self, url: str, destination: Path) -> Download:
        prediction_id = url.rsplit("/", 1)[1].split(".")[0]
        with self._lock:
            plan = self.download_plan.get(self._prompt_of[prediction_id])
            outcome = plan.pop(0) if plan else "ok"
            self.downloads.append(url)
        if isinstance(outcome, BaseException):
            raise outcome
        data = output_bytes(url)
        destination.write_bytes(data)
        return Download(destination, len(data), hashlib.sha256(data).hexdigest())

    def history(self, page: int = 1, size: int = 50, *, model=None, status=None, prediction_id=None) -> HistoryPage:
        with self._lock:
            self.history_reads += 1
            if self.history_error is not None:
                raise self.history_error
            listed = [HistoryItem(pid, "created", created, body["model"], json.dumps(body), None)
                      for pid, created, body, visible_from in reversed(self.tasks)
                      if self.history_reads > visible_from and (model is None or body["model"] == model)]
        start = (page - 1) * size
        return HistoryPage(tuple(listed[start:start + size]), page, size, len(listed))

    def quote(self, body: dict) -> Quote:
        return Quote(Decimal("0.50"))

    def submits_of(self, prompt: str) -> int:
        return sum(1 for body in self.submitted if body["prompt"] == prompt)
