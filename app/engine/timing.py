"""How long a generation is expected to take, and when to poll for it.

A prior per model gives a first guess. Each finished job then adds one observation, kept per
model and price-relevant shape (a 720p 6 s clip is not a 1080p 8 s one) and per server: the
demo simulator, a test server or a proxy must never teach the live schedule their durations.
Observations are stored as ratios to the prior, so a key seen only at other shapes, or only
for a sibling model of the same family, still lends its learning to a cold key.

The schedule spends its polls where the finish is likely: one early poll for quick rejections,
quiet until just before the expected finish, close polls across the learned spread (each gap
small enough that a finish is noticed within 5% of the job's duration), then widening gaps
once the job runs past everything seen before.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import statistics
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from app.engine.catalog import ModelInfo
from app.engine.fileio import atomic_write_text

IMAGE_PRIOR_SECONDS = 10.0
IMAGE_PRIORS = {"google/imagen4-fast": 5.0, "google/imagen4-ultra": 12.0}
# Video: overhead plus seconds of work per second of clip.
VIDEO_PRIORS = {
    "bytedance/seedance-v1.5-pro": (15.0, 5.0),
    "bytedance/seedance-v1.5-pro-fast": (8.0, 2.5),
    "google/veo3.1": (20.0, 8.0),
    "google/veo3.1-fast": (10.0, 4.0),
}
VIDEO_PRIOR_DEFAULT = (20.0, 6.0)
RESOLUTION_FACTOR = {"480p": 0.8, "720p": 1.0, "1080p": 1.4, "4k": 2.5}
DEFAULT_CLIP_SECONDS = 5.0

# The local demo simulator listens on a new port each launch: it is one server all the same.
DEMO_SERVER = "demo-simulator"
HISTORY_LENGTH = 30
SCHEMA_VERSION = 2

# Relative half-widths of the window when little is known. A prior is a guess for a service
# that changes; the same model at another shape or a sibling model is a closer one.
PRIOR_SPREAD = 0.3
BORROWED_SPREAD = 0.15
FEW_SAMPLES_SPREAD = 0.15
MIN_SPREAD = 0.02
FEW_SAMPLES = 3
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95
MAX_MIRRORED = 0.5
PRECISE_WIDTH = 0.2  # a finish known within 20% of its time (a few close polls)
OUTLIER_MADS = 5.0  # 5 normal-consistent MADs: a stalled job does not widen everyone's window


def server_identity(base_url: str) -> str:
    """The part of a base URL that names a server: scheme, host and port, without credentials
    or trailing slashes, so spellings of one server share what they learned."""
    if base_url == DEMO_SERVER:
        return DEMO_SERVER
    parts = urlsplit(base_url.strip())
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme.lower()}://{host}{port}{parts.path.rstrip('/')}"


def history_path(data_dir: Path, base_url: str) -> Path:
    digest = hashlib.sha256(server_identity(base_url).encode("utf-8")).hexdigest()[:16]
    return data_dir / f"timing-{digest}.json"


def clip_seconds(value: object) -> float | None:
    """A duration as schemas spell it: 5, 5.0, "5" or "5s"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value > 0 else None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*s?\s*", str(value or ""))
    return float(match.group(1)) if match and float(match.group(1)) > 0 else None


def _duration_bucket(seconds: float) -> str:
    for upper in (5, 8, 12):
        if seconds <= upper:
            return f"<={upper}s"
    return ">12s"


def _megapixel_class(size: object) -> str | None:
    match = re.fullmatch(r"\s*(\d+)\s*[*x×]\s*(\d+)\s*", str(size or ""))
    if not match:
        return None
    megapixels = int(match.group(1)) * int(match.group(2)) / 1_000_000
    for upper in (0.5, 1.1, 2.2, 4.5):
        if megapixels <= upper:
            return f"<={upper}MP"
    return ">4.5MP"


def shape_of(model: ModelInfo, inputs: dict) -> str:
    """The inputs that change how long a generation takes (and what it costs)."""
    body = {**model.defaults(), **inputs}
    parts = []
    if body.get("resolution"):
        parts.append(f"res={str(body['resolution']).lower()}")
    if model.is_video:
        seconds = clip_seconds(body.get("duration"))
        parts.append(f"dur={_duration_bucket(seconds) if seconds else 'default'}")
    else:
        size = _megapixel_class(body.get("size"))
        if size:
            parts.append(f"size={size}")
        count = body.get("num_images") or body.get("max_images")
        if isinstance(count, int) and count > 1:
            parts.append(f"n={count}")
    return ",".join(parts) or "default"


def family_of(model_id: str) -> str:
    """Siblings that share a service: text-to-video and image-to-video of one model."""
    return "/".join(model_id.split("/")[:2])


def quantile(ordered: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks of a sorted list."""
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass(frozen=True)
class Observation:
    """A finish between the last poll that saw the job running and the first that saw it done
    (as ratios to the prior). Close polls make it precise; a finish before the close polls
    began is vague: it lies anywhere after the early poll."""
    running: float
    done: float

    @property
    def precise(self) -> bool:
        return self.done - self.running <= PRECISE_WIDTH * self.done

    @property
    def value(self) -> float:
        """The middle of a precise finish. A vague one is taken as just before the first close
        poll: if most jobs say so, the next window starts about where this one's low edge
        was, so a prior twice too long is unlearned in two batches, and early finishers
        seen by a well-placed window still rank below the centre."""
        if self.precise:
            return (self.running + self.done) / 2
        return max(self.running, self.done * (1 - LAG_FRACTION))


@dataclass(frozen=True)
class Spread:
    """A robust summary of when jobs finish (in seconds, or as ratios to a prior)."""
    centre: float
    low: float
    high: float
    samples: int

    @classmethod
    def of(cls, observations: list[Observation]) -> "Spread | None":
        """None while what was seen says too little (a vague finish or two)."""
        precise = [o.value for o in observations if o.precise]
        if not precise and len(observations) < FEW_SAMPLES:
            return None
        centre = statistics.median(o.value for o in observations)
        if len(precise) * 2 < len(observations):
            # The window was too late for most jobs (a prior much too long): move it at once.
            gap = PRIOR_SPREAD * centre
            return cls(centre, centre - gap, centre + gap, len(observations))
        if len(precise) < FEW_SAMPLES:
            gap = FEW_SAMPLES_SPREAD * centre
            return cls(centre, centre - gap, centre + gap, len(observations))
        deviation = statistics.median(abs(v - centre) for v in precise) * 1.4826
        limit = OUTLIER_MADS * max(deviation, MIN_SPREAD * centre)
        kept = sorted(v for v in precise if abs(v - centre) <= limit)
        # The sample's extreme quantiles understate the true ones, the more so the fewer the
        # samples; for uniformly spread times (1 + 2/n) about makes up for it.
        widen = 1.0 + 2.0 / len(kept)
        above = max((quantile(kept, HIGH_QUANTILE) - centre) * widen, MIN_SPREAD * centre)
        # Finishes before the first close poll are vague, so the precise ones lean late on the
        # low side; the high side is always seen precisely (close polls go on past it). So the
        # low edge lies at least as far from the centre as the high one.
        below = max((centre - quantile(kept, LOW_QUANTILE)) * widen, min(above, MAX_MIRRORED * centre))
        return cls(centre, max(centre - below, 0.0), centre + above, len(observations))

    def widened(self, relative: float) -> "Spread":
        gap = relative * self.centre
        return Spread(self.centre, min(self.low, self.centre - gap), max(self.high, self.centre + gap), self.samples)

    def scaled(self, factor: float) -> "Spread":
        return Spread(self.centre * factor, self.low * factor, self.high * factor, self.samples)


@dataclass(frozen=True)
class Expectation:
    """When a job should finish, in seconds after submit (already scaled in demo mode)."""
    centre: float
    low: float
    high: float
    basis: str  # learned, learned-other-shapes, learned-family, prior
    samples: int = 0


class TimingModel:
    """Priors corrected by what one server has shown. Thread-safe: every job's thread asks
    and teaches it. ``scale`` shrinks every time in demo mode, where the simulator runs fast;
    what is stored is in real-world seconds, so the demo speed can change between runs."""

    def __init__(self, history_path: Path | None = None, scale: float = 1.0, *, rng: random.Random | None = None):
        self.history_path = history_path
        self.scale = scale
        self._lock = threading.Lock()
        self._dither = rng or random.Random()
        self._samples: dict[str, list[Observation]] = {}  # "model_id|shape" -> finishes
        if history_path is not None:
            self._samples = _read_history(history_path)

    @classmethod
    def for_server(cls, data_dir: Path, base_url: str, *, scale: float = 1.0,
                   rng: random.Random | None = None) -> "TimingModel":
        """Learning kept apart per server (pass DEMO_SERVER for the local demo simulator)."""
        return cls(history_path(data_dir, base_url), scale=scale, rng=rng)

    def prior(self, model: ModelInfo, inputs: dict) -> float:
        return self._unscaled_prior(model, inputs) * self.scale

    def _unscaled_prior(self, model: ModelInfo, inputs: dict) -> float:
        body = {**model.defaults(), **inputs}
        if not model.is_video:
            return IMAGE_PRIORS.get(model.model_id, IMAGE_PRIOR_SECONDS)
        overhead, per_second = VIDEO_PRIORS.get(family_of(model.model_id), VIDEO_PRIOR_DEFAULT)
        seconds = overhead + per_second * (clip_seconds(body.get("duration")) or DEFAULT_CLIP_SECONDS)
        return seconds * RESOLUTION_FACTOR.get(str(body.get("resolution")), 1.0)

    def estimate(self, model: ModelInfo, inputs: dict) -> Expectation:
        """The learned spread for this model and shape; for a cold key, what this model taught
        at other shapes, then what its family taught, then the prior."""
        prior = self.prior(model, inputs)
        key = _key(model.model_id, shape_of(model, inputs))
        model_prefix = model.model_id + "|"
        family = family_of(model.model_id)
        with self._lock:
            exact = list(self._samples.get(key, ()))
            same_model = [o for k, os in self._samples.items() if k.startswith(model_prefix) for o in os]
            same_family = [o for k, os in self._samples.items() if family_of(k.split("|", 1)[0]) == family
                           for o in os]
        spread, basis = Spread.of(exact), "learned"
        if spread is None:
            spread, basis = Spread.of(same_model), "learned-other-shapes"
            if spread is None:
                spread, basis = Spread.of(same_family), "learned-family"
            if spread is not None:
                spread = spread.widened(BORROWED_SPREAD)
        if spread is None:
            spread, basis = Spread(1.0, 1.0 - PRIOR_SPREAD, 1.0 + PRIOR_SPREAD, 0), "prior"
        seconds = spread.scaled(prior)
        return Expectation(seconds.centre, seconds.low, seconds.high, basis, spread.samples)

    def expected(self, model: ModelInfo, inputs: dict) -> float:
        return self.estimate(model, inputs).centre

    def observe(self, model: ModelInfo, inputs: dict, running: float, done: float) -> None:
        """One finished job, seen running ``running`` seconds after submit and done ``done``
        seconds after it, in this model's (scaled) time."""
        prior = self.prior(model, inputs)
        if prior <= 0 or not 0 <= running < done:
            return
        key = _key(model.model_id, shape_of(model, inputs))
        with self._lock:
            history = self._samples.setdefault(key, [])
            history.append(Observation(round(running / prior, 4), round(done / prior, 4)))
            del history[:-HISTORY_LENGTH]
            snapshot = {k: [[o.running, o.done] for o in v] for k, v in self._samples.items()}
        if self.history_path is not None:
            try:
                # Compact: rewritten after every finished job, read by no person.
                atomic_write_text(self.history_path, json.dumps(
                    {"schema_version": SCHEMA_VERSION, "finishes": snapshot}, separators=(",", ":")))
            except OSError:
                pass  # learning is an optimisation; a read-only data dir must not fail a job

    def schedule(self, model: ModelInfo, inputs: dict, *, floor: float = 0.5, ceiling: float = 30.0) -> "PollSchedule":
        """A schedule for one job that follows this model's learning as it happens: a sibling
        finishing first moves the window of jobs still in flight."""
        return PollSchedule(lambda: self.estimate(model, inputs), floor=floor * self.scale,
                            ceiling=ceiling * self.scale, early_cap=EARLY_CAP_SECONDS * self.scale,
                            lead=self._dither.random())


def _key(model_id: str, shape: str) -> str:
    return f"{model_id}|{shape}"


def _read_history(path: Path) -> dict[str, list[Observation]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("schema_version") != SCHEMA_VERSION:
            return {}  # older files held one ratio per model: relearning takes one batch
        return {str(key): [Observation(float(running), float(done)) for running, done in pairs
                           if 0 <= float(running) < float(done)][-HISTORY_LENGTH:]
                for key, pairs in document.get("finishes", {}).items() if isinstance(pairs, list)}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


EARLY_CAP_SECONDS = 2.0
EARLY_FRACTION = 0.1
LAG_FRACTION = 0.05
# Polling gaps aim a little under the lag bound: the reply's round trip adds to the lag too.
LAG_MARGIN = 0.9
# What was seen is only known to within a gap (the polls that saw it), so the low edge is
# too: the first close poll comes on average half a gap after it rather than a whole one.
FIRST_CLOSE_POLL_GAPS = 0.5
LATE_GROWTH = 1.5
LATE_LAG_FRACTION = 0.15


class PollSchedule:
    """When to poll one job, as a gap after each poll.

    1. One early poll (10% of the expected time, at most 2 s) catches quick rejections.
    2. Quiet until up to a gap (half, on average) after the low edge of the spread.
    3. Across the spread, each gap is at most 5% of the time elapsed (never under the floor),
       so a finish is noticed within 5% of the job's duration (the floor, for short jobs).
    4. Past the high edge the gaps grow by half each poll, up to 15% of the time elapsed and
       the ceiling: a job that runs long is still noticed, at a few polls more.
    """

    def __init__(self, expectation: Callable[[], Expectation], *, floor: float = 0.5, ceiling: float = 30.0,
                 early_cap: float = EARLY_CAP_SECONDS, lead: float = FIRST_CLOSE_POLL_GAPS):
        """``lead``: where the first close poll falls after the low edge, in gaps (0 to 1). The
        timing model draws it per job, so jobs of one key do not all poll on the same grid: a
        shared grid would see every finish in the same interval and learn its bias for good."""
        self._expectation = expectation
        self.lead = min(1.0, max(0.0, lead))
        self.floor = floor
        self.ceiling = ceiling
        self.early_cap = early_cap
        self._early_done = False
        self._late_polls = 0

    @classmethod
    def fixed(cls, expectation: Expectation, **options) -> "PollSchedule":
        return cls(lambda: expectation, **options)

    def current(self) -> Expectation:
        return self._expectation()

    def gap(self, elapsed: float) -> float:
        """The longest wait after a poll at ``elapsed`` that keeps the notice lag in bounds."""
        return max(self.floor, LAG_MARGIN * LAG_FRACTION * elapsed)

    def next_delay(self, elapsed: float) -> float:
        expected = self._expectation()
        if not self._early_done:
            self._early_done = True
            return self._clamp(min(self.early_cap, EARLY_FRACTION * expected.centre))
        first_close_poll = expected.low + self.lead * self.gap(expected.low)
        if elapsed < first_close_poll:
            return self._clamp(first_close_poll - elapsed)
        step = self.gap(elapsed)
        if elapsed < expected.high:
            return self._clamp(step)
        self._late_polls += 1
        widened = step * LATE_GROWTH ** (self._late_polls - 1)
        return self._clamp(min(widened, max(step, LATE_LAG_FRACTION * elapsed)))

    def _clamp(self, delay: float) -> float:
        return max(self.floor, min(self.ceiling, delay))
