"""How long a generation is expected to take, and when to poll for it.

The rule: a job's polls lie on a geometric grid of the time since its submit, each poll a fixed
ratio after the one before (the first at 15% of the model's prior, at most 5 s), so however wrong
the expectation, a finish is noticed within that ratio of its time; jobs of one model and shape
take staggered phases on the grid (a van der Corput sequence), so eight in flight together poll
every 7%, and when one sees a finish the others replan at once (polling now if they are past the
window it moved). What is learned is a window: the 5% to 95% range of finishes (Turnbull's estimate
from each finish's interval between the last poll that saw it running and the one that saw it done,
as ratios to the prior), widened by 0.15/sqrt(n) either side for n finishes; a key never seen
borrows its model's other shapes, its family, or else the server's other models (how much quicker
or slower than their priors it runs them), widened 15% more. The grid's ratio loosens as n grows
(COLD_RATIO ** (1 + n): soon one jump to the window), and a key of 8 finishes, each pinned (seen
done within 12% of a running poll) or in a window under 20% wide, makes no poll before its window
(another key's early poll comes at the window's first if that is sooner); across the window polls
are spread evenly at the lag bound (5% of elapsed when well learned, 10% for a borrowed window or
one learned less well, or 0.5 s but never over 10% of a job of a few seconds), the first a phase of
a gap in so that jobs pin the finish down together; past it each waits 9% more (5% for a quarter
past a well-learned window). A poll that finds the job still queued (created, starting, queued,
pending) past half the window's low edge restarts its clock as its first poll (earlier, it is the
server setting up, which counts in the job's time), so queueing at Atlas never counts as running; a
key whose jobs queued makes its first poll where they were last seen queued (the lower median), so
its clock starts where theirs did.

Learning is kept per model and price-relevant shape and per server (a demo simulator or a proxy
must never teach the live schedule), borrowed as above for a cold key, and may be shared by a fleet (``share``: the batch's Redis).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import re
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

# The windows' guards: a finish or two say little of the spread of the next ones, so a window
# learned from n finishes is widened by GUARD/sqrt(n) of its centre either side (a sample's
# quantiles settle as 1/sqrt(n)); learning borrowed from another shape, a sibling model or the
# server's other models is a guess about this one, widened at least BORROWED_SPREAD.
GUARD = 0.15
BORROWED_SPREAD = 0.15
# A key with this many finishes of its own is well learned: its window is trusted to the 5% lag
# target and no early poll is spent before it. Short of that (or borrowed) a window is held to the
# first run's 10%, which halves the polls across it. Each of those finishes must be pinned (seen
# done within 12% of the poll that last saw it running: 10% apart, and the round trip), or the
# window narrow (jobs that all finish together pin it between them, however coarse each one's
# polls): a cold key's first jobs of spread-out times are only known to lie between two points of
# its coarse grid, and eight of those put a first run's later jobs on 5% polls that its 10%
# target does not ask for, across a window those coarse finishes had placed late.
WELL_LEARNED = 8
PINNED_RATIO = 1.12
NARROW = 0.2  # of the centre, edge to edge
LOW_QUANTILE, HIGH_QUANTILE = 0.05, 0.95  # one quick or stalled job in twenty does not widen the window
EM_ROUNDS, EM_TOLERANCE = 500, 1e-5

# The first poll, at this share of the prior, never of the learned time: whether it finds the job
# still queued (and so where its clock starts) must not change as the learning does.
FIRST_FRACTION = 0.15
FIRST_CAP_SECONDS = 5.0
# The geometric grid: each poll this ratio after the one before while nothing is learned. Jobs of
# one key take staggered phases on it, so eight in flight together poll every 1.7**(1/8) - 1 = 7%.
COLD_RATIO = 1.7
# The notice-lag bound across a learned window: 5% of the time elapsed, or half a second...
LAG_FRACTION = 0.05
TENTATIVE_LAG_FRACTION = 0.10
# ...but never more than this share of a job of a few seconds: its lag is its slot standing idle,
# and the half second the lag target allows would add a quarter to a batch of 2 s images.
SHORT_JOB_LAG_FRACTION = 0.10
SHORT_LAG_SECONDS = 0.5
LAG_MARGIN = 0.96  # ...less the poll's round trip and a little for the wake-up of the polling thread
ROUND_TRIP_MEMORY = 0.7
LATE_RATIO = 1.09  # past a learned window: a finish still noticed within 10% of its time...
# ...but just past a well-learned one, within its 5%: the window's edges are quantiles of a
# sample, so a job or two of each batch lands there, and one over the lag target is all the
# p95 allows. Further out it is a stalled job, not worth close polls.
LATE_CLOSE = 1.25
MIN_POLL_GAP = 0.1  # never two polls of one job closer than this (real-world seconds)
QUEUED_STATUSES = frozenset({"created", "starting", "queued", "pending"})


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
    """A finish between the last poll that saw the job running and the first that saw it done,
    as ratios to the prior, on the job's clock (which a queued poll restarts)."""
    running: float
    done: float
    queued: float = 0.0  # when the clock started: the last poll that found the job queued


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




@dataclass(frozen=True)
class Spread:
    """When jobs finish, in seconds or as ratios to a prior: ``centre``, and the window from
    ``low`` to ``high`` already widened by its guard; ``samples`` finishes taught it."""
    centre: float
    low: float
    high: float
    samples: int
    pinned: int = 0  # finishes seen between polls close enough to tell the window's edges

    @classmethod
    def of(cls, observations: list[Observation]) -> "Spread | None":
        if not observations:
            return None
        low, centre, high = _edges(finish_distribution([(o.running, o.done) for o in observations]),
                                   LOW_QUANTILE, HIGH_QUANTILE)
        pinned = sum(o.done <= PINNED_RATIO * o.running for o in observations)
        return cls(centre, low, high, len(observations), pinned).guarded(GUARD / math.sqrt(len(observations)))

    def guarded(self, relative: float) -> "Spread":
        """The same window, widened by ``relative`` of the centre either side."""
        gap = relative * self.centre
        return Spread(self.centre, max(self.low - gap, 0.0), self.high + gap, self.samples, self.pinned)

    def scaled(self, factor: float) -> "Spread":
        return Spread(self.centre * factor, self.low * factor, self.high * factor, self.samples, self.pinned)


@dataclass(frozen=True)
class Expectation:
    """When a job should finish, in seconds on its clock (already scaled in demo mode): in the
    window from ``low`` to ``high``; ``samples`` is 0 for the prior, which has no window."""
    centre: float
    low: float
    high: float
    basis: str  # learned, learned-other-shapes, learned-family, learned-server, prior
    samples: int = 0
    pinned: int = 0  # of the samples, those seen done close after a poll saw them running

    @property
    def well_learned(self) -> bool:
        return self.basis == "learned" and self.samples >= WELL_LEARNED and (
            self.pinned >= WELL_LEARNED or self.high - self.low <= NARROW * self.centre)


class TimingModel:
    """Priors corrected by what one server has shown. Thread-safe: every job's thread asks
    and teaches it. ``scale`` shrinks every time in demo mode, where the simulator runs fast;
    what is stored is in real-world seconds, so the demo speed can change between runs.
    ``share``, when given, carries each finish to the other processes of a fleet and back
    (``publish(key, running, done)`` and ``fetch()`` of the finishes published since the last)."""

    def __init__(self, history_path: Path | None = None, scale: float = 1.0, *, share=None):
        self.history_path = history_path
        self.scale = scale
        self.share = share
        self._lock = threading.Lock()
        self._samples: dict[str, list[Observation]] = {}  # "model_id|shape" -> finishes
        # Every poll of every job asks for its window: worked out once per pool of finishes
        # and kept until a finish changes it.
        self._spreads: dict[tuple[str, str], Spread | None] = {}
        self._jobs_started: dict[str, int] = {}  # per key, for the jobs' phases on the grid
        self._unsaved, self._saved_at = False, float("-inf")
        if history_path is not None:
            self._samples = _read_history(history_path)

    @classmethod
    def for_server(cls, data_dir: Path, base_url: str, *, scale: float = 1.0, share=None) -> "TimingModel":
        """Learning kept apart per server (pass DEMO_SERVER for the local demo simulator)."""
        return cls(history_path(data_dir, base_url), scale=scale, share=share)

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
        """The learned window for this model and shape; for a cold key, what this model taught
        at other shapes, then what its family taught, then what the server's other models taught
        (how much quicker or slower than their priors it runs them), then the prior (no window)."""
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
            if spread is None:
                spread, basis = self._spread("server", "", lambda k: True), "learned-server"
            if spread is not None:
                spread = spread.guarded(BORROWED_SPREAD)
        if spread is None:
            return Expectation(prior, prior, prior, "prior", 0)
        seconds = spread.scaled(prior)
        return Expectation(seconds.centre, seconds.low, seconds.high, basis, spread.samples, spread.pinned)

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

    def observe(self, model: ModelInfo, inputs: dict, running: float, done: float, queued: float = 0.0) -> None:
        """One finished job, seen running ``running`` seconds into its clock and done ``done``
        seconds into it, in this model's (scaled) time; its clock started ``queued`` seconds
        after its submit (the last poll that found it queued)."""
        prior = self.prior(model, inputs)
        if prior <= 0 or not 0 <= running < done:
            return
        key = _key(model.model_id, shape_of(model, inputs))
        observation = Observation(round(running / prior, 4), round(done / prior, 4), round(max(queued, 0.0) / prior, 4))
        self._add(key, observation)
        if self.share is not None:
            try:
                self.share.publish(key, observation.running, observation.done, observation.queued)
            except Exception:  # noqa: BLE001 - sharing is an optimisation; the job goes on
                pass

    def _add(self, key: str, observation: Observation) -> None:
        with self._lock:
            history = self._samples.setdefault(key, [])
            history.append(observation)
            del history[:-HISTORY_LENGTH]
            model_id = key.split("|", 1)[0]
            for pool in (("exact", key), ("model", model_id + "|"), ("family", family_of(model_id)), ("server", "")):
                self._spreads.pop(pool, None)
            self._unsaved = True

    def _pull_shared(self) -> int:
        """What the fleet's other processes learned since the last look: how many finishes."""
        if self.share is None:
            return 0
        try:
            finishes = self.share.fetch()
        except Exception:  # noqa: BLE001 - a Redis blip costs only what it would have taught
            return 0
        learned = 0
        for key, running, done, queued in finishes:
            if 0 <= running < done:
                self._add(str(key), Observation(float(running), float(done), float(queued)))
                learned += 1
        return learned

    def learned_elsewhere(self) -> bool:
        """Whether another process of the fleet has taught something since the last look: the
        runner asks while its jobs wait to poll, so a finish anywhere moves their windows."""
        return self._pull_shared() > 0

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
            snapshot = {k: [[o.running, o.done, o.queued] for o in v] for k, v in self._samples.items()}
        try:
            # Compact: read by no person.
            atomic_write_text(self.history_path, json.dumps(
                {"schema_version": SCHEMA_VERSION, "finishes": snapshot}, separators=(",", ":")))
        except OSError:
            pass  # learning is an optimisation; a read-only data dir must not fail a job

    def schedule(self, model: ModelInfo, inputs: dict, *, floor: float = MIN_POLL_GAP,
                 ceiling: float = 60.0) -> "PollSchedule":
        """A schedule for one job that follows this model's learning as it happens: a sibling
        finishing first moves the window of jobs still in flight. Successive jobs of one key
        take successive phases of a van der Corput sequence: any eight in a row spread evenly."""
        self._pull_shared()  # then the runner looks again while the job waits to poll
        key = _key(model.model_id, shape_of(model, inputs))
        with self._lock:
            number = self._jobs_started.get(key, 0)
            self._jobs_started[key] = number + 1
        first = min(FIRST_FRACTION * self.prior(model, inputs), FIRST_CAP_SECONDS * self.scale)
        with self._lock:
            queued = sorted(o.queued for o in self._samples.get(key, []))
        # The lower median: a first poll past the finish would teach nothing of the run.
        usual_queue = queued[(len(queued) - 1) // 2] if queued else 0.0
        queues = usual_queue > 0
        if queues:
            # Where this key's jobs were last seen queued: a first poll there finds it queued as
            # they were, so the clock starts where theirs did, with no polls spent on the queue.
            first = max(first, usual_queue * self.prior(model, inputs))
        return PollSchedule(lambda: self.estimate(model, inputs), first=first, phase=van_der_corput(number),
                            floor=floor * self.scale, ceiling=ceiling * self.scale,
                            short_lag=SHORT_LAG_SECONDS * self.scale, keep_first=queues)


def van_der_corput(number: int) -> float:
    """The number's binary digits mirrored behind the point: 0, 1/2, 1/4, 3/4, 1/8, ..."""
    phase, weight = 0.0, 0.5
    while number:
        phase += weight * (number & 1)
        number, weight = number >> 1, weight / 2
    return phase


def _key(model_id: str, shape: str) -> str:
    return f"{model_id}|{shape}"


def _read_history(path: Path) -> dict[str, list[Observation]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("schema_version") != SCHEMA_VERSION:
            return {}  # older files held one ratio per model: relearning takes one batch
        return {str(key): [Observation(*map(float, finish[:3])) for finish in pairs
                           if 0 <= float(finish[0]) < float(finish[1])][-HISTORY_LENGTH:]
                for key, pairs in document.get("finishes", {}).items() if isinstance(pairs, list)}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


class PollSchedule:
    """When to poll one job, as a time on its clock after each poll (the rule is the module's).
    The plan is made again whenever a sibling finishes (``replan``); a queued poll restarts the
    clock (``restart``)."""

    def __init__(self, expectation: Callable[[], Expectation], *, first: float, phase: float = 0.0,
                 floor: float = MIN_POLL_GAP, ceiling: float = 60.0, short_lag: float = SHORT_LAG_SECONDS,
                 keep_first: bool = False):
        self._expectation = expectation
        self.first = max(first, floor)
        self.phase = min(1.0, max(0.0, phase))
        self.floor = floor
        self.ceiling = ceiling
        self.short_lag = short_lag
        self._round_trip = 0.0
        # A well-learned key spends no poll before its window, unless its jobs queue: then the
        # first poll is where they were last seen queued (``TimingModel.schedule``).
        self.keep_first = keep_first
        self._planned = 0  # polls planned since the clock (re)started
        self._queued_for = 0.0  # the grid runs on the time since submit, queue included

    @classmethod
    def fixed(cls, expectation: Expectation, **options) -> "PollSchedule":
        options.setdefault("first", FIRST_FRACTION * expectation.centre)
        return cls(lambda: expectation, **options)

    def current(self) -> Expectation:
        return self._expectation()

    def restart(self, waited: float) -> None:
        """The job was found still queued ``waited`` seconds after its submit: its clock starts
        again at that poll, which counts as the clock's first (the grid goes on from it)."""
        self._planned = 1
        self._queued_for = waited

    def seen_queued(self, waited: float) -> bool:
        """A poll ``waited`` seconds after the submit found the job queued: whether its clock
        starts again there (``restart``). Early on that is how every task starts (a server shows
        "starting" while it sets up, and that counts in its time), so only a poll past half the
        window's low edge takes it for a queue."""
        if waited < 0.5 * self._expectation().low:
            return False
        self.restart(waited)
        return True

    def gap(self, elapsed: float, fraction: float = LAG_FRACTION) -> float:
        """The longest wait after a poll at ``elapsed`` that keeps the notice lag within
        ``fraction`` of it (or the short lag): a finish just after one poll is seen when the
        next one's reply is back."""
        short = min(self.short_lag, SHORT_JOB_LAG_FRACTION * elapsed)
        return max(self.floor, LAG_MARGIN * max(short, fraction * elapsed) - self._round_trip)

    def note_round_trip(self, seconds: float) -> None:
        """How long a poll took, request to reply; recent ones count most, a slow one at once."""
        self._round_trip = max(seconds, ROUND_TRIP_MEMORY * self._round_trip + (1 - ROUND_TRIP_MEMORY) * seconds)

    def next_delay(self, elapsed: float) -> float:
        """The wait after a poll at ``elapsed`` (0 and no poll yet: after the clock started)."""
        delay = self._after(elapsed, self._planned) - elapsed
        self._planned += 1
        return delay

    def replan(self, elapsed: float, now: float) -> float | None:
        """The wait after the last poll (at ``elapsed``) as the window is now, ``now`` seconds
        into the clock: 0 past a due poll (poll at once); None for the first poll, which stays."""
        if self._planned < 2:
            return None
        return max(self._after(elapsed, self._planned - 1), now) - elapsed

    def _after(self, elapsed: float, polls_made: int) -> float:
        """The time of the poll after one at ``elapsed``, the ``polls_made``-th since the start."""
        expected = self._expectation()
        if polls_made == 0 and (self.keep_first or not expected.well_learned):
            first = max(elapsed + self.floor, self.first)
            if self.keep_first or expected.basis == "prior":
                return first
            # An early poll is early only before the window: jobs that all end before the first
            # poll's time (a fast server) teach a window ending there, and waiting for that poll
            # would idle every slot until it.
            return min(first, self._after(elapsed, 1))
        ratio = COLD_RATIO ** (1 + min(expected.samples, 20))
        # The grid: first * ratio ** (k + phase), k = 0, 1, ...: the next point after ``elapsed``.
        phase = self.phase if expected.basis == "prior" else 0.0  # learned: straight on to the window
        since_submit = max(elapsed + self._queued_for, self.first)
        steps = math.floor(math.log(since_submit / self.first) / math.log(ratio) - phase + 1e-9) + 1
        on_grid = self.first * ratio ** (max(steps, 0) + phase) - self._queued_for
        if expected.basis == "prior" or on_grid < expected.low:
            return self._clamp(elapsed, on_grid)
        if elapsed < expected.high - 1e-9:
            start = max(elapsed, expected.low)
            fraction = LAG_FRACTION if expected.well_learned else TENTATIVE_LAG_FRACTION
            spacing = (expected.high - start) / math.ceil((expected.high - start) / self.gap(start, fraction) - 1e-9)
            if elapsed < expected.low:
                # The window's first poll: a whole gap in, or less for a job of another phase.
                return self._clamp(elapsed, start + (1 - self.phase) * spacing)
            return self._clamp(elapsed, elapsed + spacing)
        close = expected.well_learned and elapsed < LATE_CLOSE * expected.high
        return self._clamp(elapsed, elapsed * (1 + LAG_MARGIN * LAG_FRACTION if close else LATE_RATIO))

    def _clamp(self, elapsed: float, at: float) -> float:
        return elapsed + max(self.floor, min(self.ceiling, at - elapsed))
