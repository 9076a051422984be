"""How long a generation is expected to take, and when to poll for it.

A prior per model gives a first guess. Each finished job then adds one observation, kept per
model and price-relevant shape (a 720p 6 s clip is not a 1080p 8 s one) and per server: the
demo simulator, a test server or a proxy must never teach the live schedule their durations.
Observations are stored as ratios to the prior, so a key seen only at other shapes, or only
for a sibling model of the same family, still lends its learning to a cold key.

A finish is only ever seen between two polls, so what is learned is an interval per job; the
distribution of finishes is the most likely one given all of them (Turnbull's estimator),
which pins a finish down far more finely than any one job's polls when jobs poll on
different grids.

The schedule spends its polls where the finish is likely: one early poll for quick rejections,
quiet until the window, close polls across it that end on its likely high edge (each gap small
enough that a finish is noticed within 5% of the job's duration, or half a second), then
widening gaps once the job runs past everything seen before. It is made again whenever a
sibling finishes, so jobs in flight move to where the others just finished.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from app.engine.atlas.catalog import ModelInfo
from app.engine.core.fileio import atomic_write_text

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
SAVE_INTERVAL_SECONDS = 5.0
SCHEMA_VERSION = 2

# Relative half-widths of the window when little is known. A prior is a guess for a service
# that changes; the same model at another shape or a sibling model is a closer one.
PRIOR_SPREAD = 0.3
BORROWED_SPREAD = 0.15
FEW_SAMPLES_SPREAD = 0.15
MIN_SPREAD = 0.005
FEW_SAMPLES = 3
LOW_QUANTILE, HIGH_QUANTILE = 0.02, 0.95
PRECISE_WIDTH = 0.2  # a finish known within 20% of its time (a few close polls)
VAGUE_REACH = 0.1  # about two gaps of close polls
OUTLIER_MADS = 5.0  # 5 normal-consistent MADs: a stalled job does not widen everyone's window
OUTLIER_FLOOR = 0.02
EM_ROUNDS, EM_TOLERANCE = 500, 1e-5

EARLY_CAP_SECONDS = 2.0
EARLY_FRACTION = 0.1
# The notice-lag bound: 5% of the time elapsed, or half a second for short jobs.
LAG_FRACTION = 0.05
SHORT_LAG_SECONDS = 0.5
# Polling gaps are the lag bound less the poll's round trip, which adds to the lag too...
LAG_MARGIN = 0.96  # and a little more for the wake-up of the thread that polls
ROUND_TRIP_MEMORY = 0.7
CLOCK_NOISE_SECONDS = 0.03  # of this machine's clock: not scaled with the demo's speed
MIN_POLL_GAP = 0.1  # never two polls of one job closer than this (real-world seconds)...
PROBE_GAP_SECONDS = 0.03  # ...but for an exploring job's probes of a narrow window
EXPLORE_SHARE = 0.2
TAIL_GAP_SHARE = 0.3
LATE_GROWTH = 1.5
LATE_LAG_FRACTION = 0.15


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

    def interval(self, reach: float = PRIOR_SPREAD) -> tuple[float, float]:
        """Where the finish lies, (low, high]. A vague finish is taken to lie at most ``reach``
        (a fraction of its time) before the poll that saw it."""
        if self.precise:
            return self.running, self.done
        return max(self.running, self.done * (1 - reach)), self.done

    @property
    def value(self) -> float:
        low, high = self.interval()
        return (low + high) / 2


def finish_distribution(intervals: list[tuple[float, float]]) -> list[tuple[float, float, float]]:
    """The most likely distribution of finishes that were each seen only between two polls
    (Turnbull's estimator for interval-censored times): mass on the innermost intervals, the
    stretches between a "still running" and the next "done" among all observations. Jobs
    polled on different grids narrow it down together: one finish time seen by eight jobs
    lies where their eight intervals overlap, not across the whole of each."""
    points = sorted([(low, 1) for low, _ in intervals] + [(high, 0) for _, high in intervals])
    innermost = [(a, b) for (a, kind_a), (b, kind_b) in zip(points, points[1:])
                 if kind_a == 1 and kind_b == 0 and a < b]
    # The stretches are disjoint and in order, so those inside one observation form a run.
    starts, ends = [a for a, _ in innermost], [b for _, b in innermost]
    runs = [(bisect.bisect_left(starts, low), bisect.bisect_right(ends, high)) for low, high in intervals]
    mass = [1.0 / len(innermost)] * len(innermost)
    share = 1.0 / len(intervals)
    for _ in range(EM_ROUNDS):
        below = list(itertools.accumulate(mass, initial=0.0))
        weight = [0.0] * (len(innermost) + 1)
        for first, end in runs:
            each = share / (below[end] - below[first])
            weight[first] += each
            weight[end] -= each
        updated = [m * w for m, w in zip(mass, itertools.accumulate(weight))]
        change = max(abs(a - b) for a, b in zip(updated, mass))
        mass = updated
        if change < EM_TOLERANCE:
            break
    return [(a, b, m) for (a, b), m in zip(innermost, mass) if m > 1e-9]


def _edges(distribution: list[tuple[float, float, float]], low_q: float, high_q: float) -> tuple[float, float, float]:
    """(low quantile, median, high quantile), each placed within its stretch as if the
    stretch's mass were spread evenly over it: a stretch as wide as the polls that saw it
    would otherwise widen the window by a whole gap at each edge."""
    def at(fraction: float) -> float:
        cumulative = 0.0
        for a, b, mass in distribution:
            if cumulative + mass >= fraction - 1e-12:
                return a + (b - a) * max(0.0, fraction - cumulative) / mass
            cumulative += mass
        return distribution[-1][1]
    return at(low_q), at(0.5), at(high_q)


class _LikelyWindow:
    """A window whose likely edges, when not given, are its guarded ones."""

    def __post_init__(self):
        if self.likely_low is None:
            object.__setattr__(self, "likely_low", self.low)
        if self.likely_high is None:
            object.__setattr__(self, "likely_high", self.high)


@dataclass(frozen=True)
class Spread(_LikelyWindow):
    """When jobs finish (in seconds, or as ratios to a prior): ``likely_low`` to ``likely_high``
    is where what was seen puts them; ``low`` to ``high`` is as far as the schedule guards at
    the lag bound, wider while only a finish or two were seen (they say little of the spread)."""
    centre: float
    low: float
    high: float
    samples: int
    likely_low: float | None = None
    likely_high: float | None = None

    @classmethod
    def of(cls, observations: list[Observation]) -> "Spread | None":
        """None while what was seen says too little (a vague finish or two)."""
        precise = [o for o in observations if o.precise]
        if not precise and len(observations) < FEW_SAMPLES:
            return None
        values = [o.value for o in observations]
        rough_centre = statistics.median(values)
        deviation = statistics.median(abs(o.value - rough_centre) for o in precise) * 1.4826 if precise else 0.0
        limit = rough_centre + OUTLIER_MADS * max(deviation, OUTLIER_FLOOR * rough_centre)
        # A stalled job does not widen everyone's window: precise finishes far above the rest
        # are left out (a vague one is bounded by the poll that saw it).
        # A vague finish came before the first close poll. When few did, they are the window's
        # first stretch, just before that poll; when most did, the window was too late (a prior
        # much too long) and the next one reaches well below it, so a prior twice too long is
        # unlearned in two batches.
        reach = PRIOR_SPREAD if len(precise) * 2 < len(observations) else VAGUE_REACH
        kept = [o.interval(reach) for o in observations if not (o.precise and o.running > limit)]
        low, centre, high = _edges(finish_distribution(kept), LOW_QUANTILE, HIGH_QUANTILE)
        # Finishes that polls pinned down to one moment still vary by a round trip.
        low, high = max(min(low, centre * (1 - MIN_SPREAD)), 0.0), max(high, centre * (1 + MIN_SPREAD))
        if len(precise) < FEW_SAMPLES:
            return cls(centre, low, high, len(observations)).guarded(FEW_SAMPLES_SPREAD)
        # A few dozen finishes understate the extremes of what comes next, the more so the
        # fewer they are (for evenly spread times, by about 2/n of the spread): the close polls
        # go on at the lag bound that much further before they widen.
        reserve = 2.0 / len(precise)
        return cls(centre, low, high + (high - centre) * reserve, len(observations), low, high)

    def guarded(self, relative: float) -> "Spread":
        """The same likely window, guarded at least ``relative`` of the centre either side."""
        gap = relative * self.centre
        return Spread(self.centre, min(self.low, self.centre - gap), max(self.high, self.centre + gap), self.samples,
                      self.likely_low, self.likely_high)

    def scaled(self, factor: float) -> "Spread":
        return Spread(self.centre * factor, self.low * factor, self.high * factor, self.samples,
                      self.likely_low * factor, self.likely_high * factor)


@dataclass(frozen=True)
class Expectation(_LikelyWindow):
    """When a job should finish, in seconds after submit (already scaled in demo mode): likely
    between ``likely_low`` and ``likely_high``, guarded from ``low`` to ``high`` (see Spread)."""
    centre: float
    low: float
    high: float
    basis: str  # learned, learned-other-shapes, learned-family, prior
    samples: int = 0
    likely_low: float | None = None
    likely_high: float | None = None


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
        # Every poll of every job asks for its window: the estimate is worked out once per
        # pool of finishes and kept until a finish changes it.
        self._spreads: dict[tuple[str, str], Spread | None] = {}
        self._unsaved, self._saved_at = False, float("-inf")
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
        spread, basis = self._spread("exact", key, lambda k: k == key), "learned"
        if spread is None:
            spread, basis = self._spread("model", model_prefix, lambda k: k.startswith(model_prefix)), \
                "learned-other-shapes"
            if spread is None:
                spread, basis = self._spread("family", family,
                                             lambda k: family_of(k.split("|", 1)[0]) == family), "learned-family"
            if spread is not None:
                spread = spread.guarded(BORROWED_SPREAD)
        if spread is None:
            spread, basis = Spread(1.0, 1.0 - PRIOR_SPREAD, 1.0 + PRIOR_SPREAD, 0), "prior"
        seconds = spread.scaled(prior)
        # Round trips and thread wake-ups blur each finish by a few hundredths of a second of
        # this machine's time, however well the polls pinned it down: the edges allow for it.
        noise = CLOCK_NOISE_SECONDS if spread.samples else 0.0
        return Expectation(seconds.centre, max(seconds.low - noise, 0.0), seconds.high + noise, basis, spread.samples,
                           max(seconds.likely_low - noise, 0.0), seconds.likely_high + noise)

    def _spread(self, pool: str, name: str, belongs: Callable[[str], bool]) -> Spread | None:
        # Worked out under the lock: when a finish wakes every job in flight, one of them
        # computes it and the others find it done, rather than all computing it at once.
        with self._lock:
            if (pool, name) not in self._spreads:
                self._spreads[(pool, name)] = Spread.of(
                    [o for k, os in self._samples.items() if belongs(k) for o in os])
            return self._spreads[(pool, name)]

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
            for pool in (("exact", key), ("model", model.model_id + "|"), ("family", family_of(model.model_id))):
                self._spreads.pop(pool, None)
            # The finishing job's thread works out the new window before it wakes the others.
            self._spreads[("exact", key)] = Spread.of(history)
            self._unsaved = True

    def save_if_due(self) -> None:
        """Writes what was learned if the last write is a few seconds old: a 500-job batch
        need not rewrite the file 500 times (the runner calls it as each job ends, off the
        path to the next submit, and ``flush`` when the batch ends)."""
        with self._lock:
            due = self._unsaved and time.monotonic() - self._saved_at >= SAVE_INTERVAL_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Writes what was learned since the last write."""
        with self._lock:
            if not self._unsaved or self.history_path is None:
                return
            self._unsaved, self._saved_at = False, time.monotonic()
            snapshot = {k: [[o.running, o.done] for o in v] for k, v in self._samples.items()}
        try:
            # Compact: read by no person.
            atomic_write_text(self.history_path, json.dumps(
                {"schema_version": SCHEMA_VERSION, "finishes": snapshot}, separators=(",", ":")))
        except OSError:
            pass  # learning is an optimisation; a read-only data dir must not fail a job

    def schedule(self, model: ModelInfo, inputs: dict, *, floor: float = MIN_POLL_GAP,
                 ceiling: float = 30.0, urgent: Callable[[], bool] = lambda: False) -> "PollSchedule":
        """A schedule for one job that follows this model's learning as it happens: a sibling
        finishing first moves the window of jobs still in flight. One job in five explores."""
        with self._lock:
            explore = self._dither.random() < EXPLORE_SHARE
            phase = self._dither.random()
        return PollSchedule(lambda: self.estimate(model, inputs), floor=floor * self.scale,
                            ceiling=ceiling * self.scale, early_cap=EARLY_CAP_SECONDS * self.scale,
                            short_lag=SHORT_LAG_SECONDS * self.scale, explore=explore, phase=phase,
                            probe_gap=PROBE_GAP_SECONDS * self.scale, urgent=urgent)


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


class PollSchedule:
    """When to poll one job, as a gap after each poll.

    1. One early poll (10% of the expected time, at most 2 s) catches quick rejections.
    2. Quiet until the guarded window opens, then close polls spread evenly from each poll to
       the likely high edge, as few as keep every gap within the lag bound (5% of the time
       elapsed, 0.5 s for short jobs), so the last falls on that edge; then gaps at the bound
       to the guarded high edge. A window narrower than one gap gets a single poll, on its
       high edge: a finish known to the moment is noticed at that moment.
    3. Past the guarded high edge, gaps at the bound for as far again; beyond that the gaps
       grow by half each poll, up to 15% of the time elapsed and the ceiling: a job that runs
       long is still noticed, at a few polls more.
    4. The last few jobs of a batch that has nothing left to submit poll at a third of the gap
       once their close polls have begun: when they are noticed is when the batch ends.

    The plan is made again at every poll, so a sibling finishing first moves the polls of jobs
    already in flight onto its finish. Jobs that poll on one grid all see a finish between
    the same two polls, which teaches nothing finer than the grid, and a lone poll on a narrow
    window's high edge only says "before here". So one job in five explores: its first close
    poll comes a random part of a gap early; in a narrow window it polls the low edge, a random
    point inside and the high edge. The estimator places everyone's vaguer finishes where the
    explorers found them, so the window narrows to what the service does, and a service that
    became quicker is seen at its low edge.
    """

    def __init__(self, expectation: Callable[[], Expectation], *, floor: float = MIN_POLL_GAP,
                 ceiling: float = 30.0, early_cap: float = EARLY_CAP_SECONDS, short_lag: float = SHORT_LAG_SECONDS,
                 explore: bool = False, phase: float = 0.5, probe_gap: float = PROBE_GAP_SECONDS,
                 urgent: Callable[[], bool] = lambda: False):
        """``urgent``: whether this job is among the last of its batch, so that noticing it
        sooner ends the whole batch sooner."""
        self._expectation = expectation
        self._urgent = urgent
        self.floor = floor
        self.ceiling = ceiling
        self.early_cap = early_cap
        self.short_lag = short_lag
        self.explore = explore
        self.phase = min(1.0, max(0.0, phase))
        self.probe_gap = probe_gap
        self._late_polls = 0
        self._round_trip = 0.0
        self._probed = False  # an explorer's probe inside a narrow window has been made
        self._planned = 0  # polls planned so far

    @classmethod
    def fixed(cls, expectation: Expectation, **options) -> "PollSchedule":
        return cls(lambda: expectation, **options)

    def current(self) -> Expectation:
        return self._expectation()

    def gap(self, elapsed: float) -> float:
        """The longest wait after a poll at ``elapsed`` that keeps the notice lag in bounds: a
        finish just after one poll is seen when the next one's reply is back."""
        return max(self.floor, LAG_MARGIN * max(self.short_lag, LAG_FRACTION * elapsed) - self._round_trip)

    def note_round_trip(self, seconds: float) -> None:
        """How long a poll took, request to reply; recent ones count most, a slow one at once."""
        self._round_trip = max(seconds, ROUND_TRIP_MEMORY * self._round_trip + (1 - ROUND_TRIP_MEMORY) * seconds)

    def next_delay(self, elapsed: float) -> float:
        """The wait after a poll at ``elapsed``; called once per poll."""
        return self._plan(elapsed, polls_made=self._planned, commit=True)

    def replan(self, elapsed: float, now: float) -> float | None:
        """The wait after the last poll (at ``elapsed``) as the window is now, ``now`` seconds
        after submit: a sibling that just finished may have moved it. None to keep the poll in
        wait: the early one, or one the new window would have made already, unless siblings
        agree closely on a finish this job has reached (then 0: poll at once). Changes nothing."""
        if self._planned < 2:
            return None
        delay = self._plan(elapsed, polls_made=self._planned - 1, commit=False)
        if elapsed + delay >= now:
            return delay
        expected = self._expectation()
        clustered = expected.samples >= 2 and expected.likely_high - expected.likely_low < self.gap(now)
        return now - elapsed if clustered and now >= expected.likely_low else None

    def _plan(self, elapsed: float, *, polls_made: int, commit: bool) -> float:
        expected = self._expectation()
        if polls_made == 0:
            if commit:
                self._planned = 1
            return self._clamp(min(self.early_cap, EARLY_FRACTION * expected.centre))
        closing = polls_made >= 2  # the poll at ``elapsed`` was a close one
        delay, floor, probing = self._next_close_poll(expected, elapsed, closing)
        late_polls = self._late_polls
        if delay is None:
            step = self.gap(elapsed)
            late_polls += 1
            delay = min(step * LATE_GROWTH ** (late_polls - 1), max(step, LATE_LAG_FRACTION * elapsed))
        if closing and self._urgent():
            # The batch ends when this job is noticed: a few more polls buy the whole batch time.
            delay = min(delay, TAIL_GAP_SHARE * self.gap(elapsed))
        if commit:
            self._late_polls, self._probed, self._planned = late_polls, self._probed or probing, self._planned + 1
        return self._clamp(delay, floor)

    def _next_close_poll(self, expected: Expectation, elapsed: float,
                         closing: bool) -> tuple[float | None, float | None, bool]:
        """(delay, floor, whether it is an explorer's probe) to the next close poll, or
        (None, None, False) past the guarded window."""
        guard_low, likely_high = expected.low, max(expected.likely_high, expected.low)
        guard_high = max(expected.high, likely_high)
        if not closing and elapsed < guard_low:
            # Quiet until the window: its first close poll.
            width = likely_high - guard_low
            if width < self.gap(guard_low):
                if not self.explore:
                    return likely_high - elapsed, None, False
                return guard_low - elapsed, None, False  # then a point inside, then the high edge
            steps = math.ceil(width / self.gap(guard_low))
            first = guard_low + width / steps
            if self.explore:
                first -= (1 - self.phase) * width / steps
            return first - elapsed, None, False
        if elapsed < likely_high - 1e-9:
            remaining = likely_high - elapsed
            if self.explore and likely_high - guard_low < self.gap(guard_low):
                # An explorer in a narrow window: one probe inside, if there is room, then the edge.
                inside = elapsed + self.phase * remaining
                if not self._probed and min(inside - elapsed, likely_high - inside) >= self.probe_gap:
                    return inside - elapsed, self.probe_gap, True
                return remaining, self.probe_gap, False
            steps = math.ceil(remaining / self.gap(elapsed) - 1e-9)
            return remaining / steps, None, False
        # Past the window, at the lag bound for as far again: a window learned from a few dozen
        # finishes falls short of the slowest now and then; only a job beyond that is an outlier.
        if elapsed < guard_high + max(guard_high - expected.centre, 0.0) - 1e-9:
            return self.gap(elapsed), None, False
        return None, None, False

    def _clamp(self, delay: float, floor: float | None = None) -> float:
        return max(min(self.floor, floor) if floor is not None else self.floor, min(self.ceiling, delay))
