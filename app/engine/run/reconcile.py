"""Settling a submit whose reply was lost, from the account's history.

Billing happens at submit and there is no idempotency key, so a submit whose reply never
came (timeout, reset after sending, 5xx) may or may not have made a task. Atlas's history
(``GET /api/v1/model/history``) lists the tasks of the key with their request bodies, so the
job is looked up there: same model, created within the submit's window, the same body
(compared as parsed JSON), not already held by another job.

- Found: the job adopts that prediction id; it is followed, downloaded and charged as if the
  reply had come. Nothing is sent again.
- Absent after the history had time to show it (a few reads over a bounded time, since the
  listing may lag): the job is recorded as "not created at Atlas" and, unless turned off,
  submitted once more. A second lost reply that is again absent needs a person.
- The history cannot be read (no network, a key without access): the job needs a person,
  exactly as before this module existed. Nothing is resubmitted on a guess.

Before each submit leaves, the body and the time are noted in the job store
(``pending-submit:<batch>:<position>``), so a process killed between the send and the save
of the reply leaves what a resumed batch needs to run the same lookup.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Callable

from app.engine.atlas.client import HISTORY_PAGE_SIZE, AtlasClient, HistoryItem, Submission
from app.engine.atlas.errors import AtlasError, FatalError, RetryableError, UnknownOutcomeError
from app.engine.run.records import JobRecord, JobState

log = logging.getLogger("batch_studio.reconcile")

# Keys in a record's timestamps (kept by the store with the record): when each step happened.
NOT_CREATED = "not_created_at"
RESUBMITTED = "resubmitted_at"
RECOVERED = "recovered_at"


@dataclass(frozen=True)
class RecoveryPolicy:
    """``resubmit``: submit once more a job the history shows was never created (a setting and
    ``--no-resubmit``). ``pauses``: seconds between reads of the history (the first read is at
    once). ``settle``: a task sent this long ago is taken to be listed if it exists at all."""
    resubmit: bool = True
    pauses: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0)
    settle: float = 30.0
    clock_slack: float = 300.0  # the server's clock and ours may disagree
    max_pages: int = 10

    @property
    def bound(self) -> float:
        return sum(self.pauses)


@dataclass(frozen=True)
class Verdict:
    kind: str  # "found", "absent" or "unknown"
    message: str
    item: HistoryItem | None = None
    checks: int = 0

    @property
    def submission(self) -> Submission | None:
        if self.item is None:
            return None
        return Submission(self.item.prediction_id, self.item.status or "created", None, None)


def pending_key(batch: int, position: int) -> str:
    return f"pending-submit:{batch}:{position}"


class PendingSubmits:
    """The note left in the job store before a submit leaves, removed once its outcome is known."""

    def __init__(self, store):
        self.store = store
        self._memory: dict[str, str] = {}  # without a store (tests, the tutorial)

    @staticmethod
    def key(record: JobRecord) -> str:
        return pending_key(record.batch, record.index)

    def note(self, record: JobRecord, body: dict, sent_at: float) -> None:
        text = json.dumps({"sent_at": sent_at, "body": body}, ensure_ascii=False, default=str)
        if self.store is None:
            self._memory[self.key(record)] = text
        else:
            self.store.save_meta(self.key(record), text)  # on disk before the submit leaves

    def get(self, record: JobRecord) -> tuple[dict, float] | None:
        text = self._memory.get(self.key(record)) if self.store is None else self.store.meta(self.key(record))
        if not text:
            return None
        try:
            note = json.loads(text)
            return dict(note["body"]), float(note["sent_at"])
        except (ValueError, KeyError, TypeError):
            return None

    def clear(self, record: JobRecord) -> None:
        if self.store is None:
            self._memory.pop(self.key(record), None)
        else:
            self.store.save_meta(self.key(record), None)

    def cleared_with_row(self, record: JobRecord) -> dict[str, None]:
        """The meta change that drops the note in the same transaction as the record's next
        save (``store.save(record, meta=...)``): no write of its own."""
        if self.store is None:
            self._memory.pop(self.key(record), None)
            return {}
        return {self.key(record): None}


def same_body(listed: dict | None, sent: dict) -> bool:
    """Parsed JSON compared, so key order, spacing and 5 against 5.0 do not matter."""
    return listed is not None and listed == json.loads(json.dumps(sent, default=str))


class Reconciler:
    """Looks lost submits up in the history. ``claimed()`` gives the prediction ids other jobs
    already hold, so two jobs with the same body never adopt the same task."""

    def __init__(self, client: AtlasClient, policy: RecoveryPolicy = RecoveryPolicy(), *,
                 claimed: Callable[[], set[str]] = set, wall: Callable[[], float] = time.time):
        self.client, self.policy, self.claimed, self.wall = client, policy, claimed, wall

    def look_up(self, body: dict, sent_at: float, *, wait: Callable[[float], None],
                elapsed: Callable[[], float], report: Callable[[str], None] = lambda message: None) -> Verdict:
        """``sent_at``: wall-clock seconds when the submit left; ``elapsed()``: seconds since then
        (the runner's clock, so a test's clock drives it); ``wait(s)`` may raise to cancel."""
        model = str(body.get("model") or "")
        problem = ""
        checks = 0
        pauses = list(self.policy.pauses)
        while True:
            checks += 1
            try:
                item, covered = self._find(model, body, sent_at)
            except FatalError as exc:  # no access, a missing endpoint: waiting cannot help
                return Verdict("unknown", f"the account's history could not be read ({exc})", checks=checks)
            except (RetryableError, AtlasError) as exc:
                problem = str(exc)
                item = None
            else:
                problem = ""
                if item is None and not covered:
                    # Newer tasks fill every page we may read, so the submit's own time was never
                    # reached: "absent" would be a guess, and a guess here can charge twice.
                    # Waiting only pushes it further back.
                    return Verdict("unknown", f"the account's history was read {self.policy.max_pages} pages "
                                              "back without reaching the time of the submit", checks=checks)
            if item is not None:
                return Verdict("found", f"found in the account's history as task {item.prediction_id} "
                                        f"({item.status or 'listed'}): following it, nothing was sent again",
                               item, checks)
            if not pauses or (not problem and elapsed() >= self.policy.settle):
                break
            pause = pauses.pop(0)
            report(f"not in the account's history yet (read {checks}); reading it again in {pause:.0f} s"
                   if not problem else f"the history could not be read ({problem}); trying again in {pause:.0f} s")
            wait(pause)
        if problem:
            return Verdict("unknown", f"the account's history could not be read ({problem})", checks=checks)
        return Verdict("absent", f"not in the account's history after {checks} read(s) over "
                                 f"{max(0.0, elapsed()):.0f} s: not created at Atlas", checks=checks)

    def _find(self, model: str, body: dict, sent_at: float) -> tuple[HistoryItem | None, bool]:
        """The match, and whether the pages read reached back past the submit's time."""
        earliest = sent_at - self.policy.clock_slack
        latest = self.wall() + self.policy.clock_slack
        claimed = self.claimed()
        matches = []
        covered = False
        for page in range(1, self.policy.max_pages + 1):
            listing = self.client.history(page, HISTORY_PAGE_SIZE, model=model or None)
            for item in listing.items:
                if model and item.model and item.model != model:
                    continue
                if earliest <= item.created_at <= latest and item.prediction_id not in claimed \
                        and same_body(item.body(), body):
                    matches.append(item)
            oldest = min((item.created_at for item in listing.items), default=0.0)
            if not listing.items or oldest < earliest or page * listing.size >= listing.total:
                covered = True
                break  # newest first: everything further back is older than the submit
        # Several identical bodies in the window: the earliest unclaimed one is this submit's.
        return (min(matches, key=lambda item: item.created_at) if matches else None), covered


class SubmitRecovery:
    """The runner's submit, made safe to lose: ``submit`` notes the body before it leaves and
    settles a lost reply from the history; ``clear_with_id`` drops the note with the id's save."""

    def __init__(self, client: AtlasClient, store, policy: RecoveryPolicy, *, claimed: Callable[[], set[str]],
                 clock: Callable[[], float]):
        self.client, self.policy, self.clock = client, policy, clock
        self.pending = PendingSubmits(store)
        # Ids whose reply arrived, before the runner gives them to their job: another job's
        # lookup must not take them in between.
        self._returned: set[str] = set()
        self.reconciler = Reconciler(client, policy, claimed=lambda: claimed() | self._returned)

    def submit(self, record: JobRecord, body: dict, *, wait: Callable[[float], None],
               say: Callable[[str], None]) -> Submission:
        """A submission, sent or found in the history; raises what ``client.submit`` raises,
        and UnknownOutcomeError when the outcome stays unknown or the one resubmit is used."""
        noted = self.pending.get(record)
        if noted is not None:
            # Sent before and never settled (a crash, or an unknown outcome left for later).
            sent_body, sent_at = noted
            found = self._settle(record, sent_body, sent_at, None, wait, say,
                                 "the batch stopped while this job was being submitted")
            if found is not None:
                return found
        while True:
            sent_at = time.time()
            self.pending.note(record, body, sent_at)
            try:
                submission = self.client.submit(record.model.type, body)
                self._returned.add(submission.prediction_id)
                return submission
            except UnknownOutcomeError as exc:
                record.note_request(exc.request_id)
                # The listing's lag runs from the task's creation, which can come at any point of a
                # slow request, never after its failure: counted from the send, a long request
                # ate the settle time and a task not listed yet was judged absent and sent again.
                found = self._settle(record, body, sent_at, self.clock(), wait, say, str(exc))
                if found is not None:
                    return found
            except AtlasError:
                self.pending.clear(record)  # refused or never sent: nothing was created
                raise

    def _settle(self, record: JobRecord, body: dict, sent_at: float, failed_at: float | None, wait, say,
                lost: str) -> Submission | None:
        """The submission found in the history, or None after clearing the note for one more
        send; raises UnknownOutcomeError when neither is right."""
        say(f"{lost}; looking the job up in the account's history before anything is sent again")
        log.info("reconcile: looking up %s", record.spec.name, extra={"fields": {
            "job": record.spec.name, "model": record.spec.model, "lost": lost}})
        elapsed = (lambda: self.clock() - failed_at) if failed_at is not None else (lambda: time.time() - sent_at)
        verdict = self.reconciler.look_up(body, sent_at, wait=wait, elapsed=elapsed, report=say)
        log.info("reconcile: %s", verdict.kind, extra={"fields": {
            "job": record.spec.name, "verdict": verdict.kind, "checks": verdict.checks,
            "prediction_id": verdict.item.prediction_id if verdict.item else None, "message": verdict.message}})
        if verdict.kind == "found":
            record.timestamps[RECOVERED] = time.time()
            say(verdict.message)
            return verdict.submission
        if verdict.kind == "unknown":
            raise UnknownOutcomeError(f"{lost}; {verdict.message}, so it was not resent and cannot be charged twice")
        record.timestamps[NOT_CREATED] = time.time()
        if not self.policy.resubmit:
            self.pending.clear(record)
            say(f"{verdict.message}; resubmitting is turned off")
            raise UnknownOutcomeError(f"{verdict.message} (nothing was charged); resubmitting is turned off, "
                                      "so it waits for you: resubmit or drop it")
        if RESUBMITTED in record.timestamps:
            self.pending.clear(record)
            raise UnknownOutcomeError(f"{verdict.message} again after its one resubmit (nothing was charged "
                                      "for the lost ones)")
        record.timestamps[RESUBMITTED] = time.time()
        self.pending.clear(record)
        say(f"{verdict.message} (nothing was charged); submitting it once more")
        return None

    def clear_with_id(self, record: JobRecord) -> dict[str, None]:
        """For the save of the prediction id: once the id is stored, the note has done its work,
        so it goes in that same transaction (never before the id, never a write of its own)."""
        return self.pending.cleared_with_row(record)


def settle_noted(record: JobRecord, store, client: AtlasClient, policy: RecoveryPolicy = RecoveryPolicy(), *,
                 claimed: Callable[[], set[str]] = set, wait: Callable[[float], None] = time.sleep) -> Verdict | None:
    """For a job another process left mid-submit (a fleet worker that died): None without a
    note (nothing was sent, or an older version sent it); otherwise the history's verdict, and on
    "found" the record adopts the task (state submitted, saved by the caller)."""
    pending = PendingSubmits(store)
    noted = pending.get(record)
    if noted is None:
        return None
    body, sent_at = noted
    verdict = Reconciler(client, policy, claimed=claimed).look_up(
        body, sent_at, wait=wait, elapsed=lambda: time.time() - sent_at)
    log.info("reconcile: %s", verdict.kind, extra={"fields": {
        "job": record.spec.name, "verdict": verdict.kind, "checks": verdict.checks, "message": verdict.message}})
    if verdict.kind == "found":
        record.prediction_id = verdict.item.prediction_id
        record.state = JobState.SUBMITTED
        record.error = None
        record.timestamps.setdefault("submitted_at", time.time())
        record.timestamps[RECOVERED] = time.time()
    elif verdict.kind == "absent":
        record.timestamps[NOT_CREATED] = time.time()
    return verdict
