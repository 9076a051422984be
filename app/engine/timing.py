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
    """When to poll one job.

    One early poll catches quick rejections; then quiet until 60% of the expected time;
    from there the gap is 8% of the time elapsed, so a job is noticed within about 8% of
    its duration however wrong the expectation was, at a few polls per job.
    """

    EARLY, QUIET_UNTIL, LAG_FRACTION = 0.15, 0.6, 0.08

    def __init__(self, expected: float, floor: float = 0.5, ceiling: float = 30.0):
        self.expected = max(expected, 0.01)
        self.floor = floor
        self.ceiling = ceiling
        self._polls = 0

    def next_delay(self, elapsed: float) -> float:
        self._polls += 1
        if self._polls == 1:
            return _clamp(self.EARLY * self.expected, self.floor, self.ceiling)
        quiet_until = self.QUIET_UNTIL * self.expected
        if elapsed < quiet_until:
            return _clamp(quiet_until - elapsed, self.floor, self.ceiling)
        return _clamp(self.LAG_FRACTION * elapsed, self.floor, self.ceiling)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))
