"""A scripted stand-in for AtlasClient: each job's fate is written per prompt."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path

from app.engine.atlas.client import Download, Prediction, Quote, Submission


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

    def submit(self, model_type: str, body: dict) -> Submission:
        prompt = body["prompt"]
        with self._lock:
            plan = self.submit_plan.get(prompt)
            outcome = plan.pop(0) if plan else "ok"
            if isinstance(outcome, BaseException):
                raise outcome
            prediction_id = f"pred-{len(self.submitted)}"
            self.submitted.append(body)
            self._prompt_of[prediction_id] = prompt
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

    def quote(self, body: dict) -> Quote:
        return Quote(Decimal("0.50"))

    def submits_of(self, prompt: str) -> int:
        return sum(1 for body in self.submitted if body["prompt"] == prompt)
