"""How long a generation is expected to take: a prior per model, corrected by experience.

The poll schedule leans on this: polling a Veo clip every second for two minutes wastes
requests, and polling an image every ten seconds makes the user wait.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from app.engine.catalog import ModelInfo
from app.engine.fileio import atomic_write_json

IMAGE_PRIOR_SECONDS = 10.0
IMAGE_PRIORS = {"google/imagen4-fast": 5.0, "google/imagen4-ultra": 12.0}
# Video: overhead plus seconds of work per second of clip.
VIDEO_PRIORS = {
    "bytedance/seedance-v1.5-pro": (15.0, 5.0),
    "bytedance/seedance-v1.5-pro-fast": (8.0, 2.5),
    "google/veo3.1": (20.0, 8.0),
    "google/veo3.1-fast": (10.0, 4.0),
}
RESOLUTION_FACTOR = {"480p": 0.8, "720p": 1.0, "1080p": 1.4, "4k": 2.5}
LEARNING_RATE = 0.3


class TimingModel:
    def __init__(self, history_path: Path | None = None, scale: float = 1.0):
        self.history_path = history_path
        self.scale = scale
        self._lock = threading.Lock()
        self._ratios: dict[str, float] = {}
        if history_path is not None:
            try:
                document = json.loads(history_path.read_text(encoding="utf-8"))
                self._ratios = {k: float(v) for k, v in document.get("ratios", {}).items() if float(v) > 0}
            except (OSError, ValueError, AttributeError):
                self._ratios = {}

    def prior(self, model: ModelInfo, inputs: dict) -> float:
        body = {**model.defaults(), **inputs}
        if not model.is_video:
            seconds = IMAGE_PRIORS.get(model.model_id, IMAGE_PRIOR_SECONDS)
        else:
            family = "/".join(model.model_id.split("/")[:2])
            overhead, per_second = VIDEO_PRIORS.get(family, (20.0, 6.0))
            seconds = (overhead + per_second * int(body.get("duration") or 5))
            seconds *= RESOLUTION_FACTOR.get(str(body.get("resolution")), 1.0)
        return seconds * self.scale

    def expected(self, model: ModelInfo, inputs: dict) -> float:
        with self._lock:
            ratio = self._ratios.get(model.model_id, 1.0)
        return self.prior(model, inputs) * ratio

    def observe(self, model: ModelInfo, inputs: dict, seconds: float) -> None:
        prior = self.prior(model, inputs)
        if prior <= 0 or seconds <= 0:
            return
        with self._lock:
            old = self._ratios.get(model.model_id)
            ratio = seconds / prior
            self._ratios[model.model_id] = ratio if old is None else old + LEARNING_RATE * (ratio - old)
            snapshot = dict(self._ratios)
        if self.history_path is not None:
            try:
                atomic_write_json(self.history_path, {"schema_version": 1, "ratios": snapshot})
            except OSError:
                pass  # learning is an optimisation; a read-only data dir must not fail a job


class PollSchedule:
    """One early poll to catch quick rejections, then quiet until the job is nearly due,
    then brisk polling, backing off once the job runs well past its expected time."""

    def __init__(self, expected: float, floor: float = 0.5, ceiling: float = 30.0):
        self.expected = max(expected, 0.1)
        self.floor = floor
        self.ceiling = ceiling
        self._polls = 0
        self._late_interval = None

    def next_delay(self, elapsed: float) -> float:
        self._polls += 1
        expected = self.expected
        if self._polls == 1:
            return _clamp(0.15 * expected, self.floor, 5.0)
        due = 0.85 * expected
        if elapsed < due:
            return max(self.floor, due - elapsed)
        brisk = _clamp(0.05 * expected, self.floor, 10.0)
        if elapsed < 1.5 * expected:
            return brisk
        self._late_interval = min(self.ceiling, (self._late_interval or brisk) * 1.5)
        return self._late_interval


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
