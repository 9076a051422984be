"""Who holds which job, and how a job moves on when its holder dies.

Each job a worker takes is leased in Redis (a short TTL, renewed every quarter of it) and listed
in the batch's ``held`` hash. A lease that lapses while its job is still listed means the holder
is gone (SIGKILL, power cut, lost network): the coordinator's sweep takes the job off the list
and enqueues it again, and the next worker continues from the store. Submits are fenced by a
per-job ticket that only the current lease holder can take, so a stalled worker that wakes up
after losing its lease can never send a second submit.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Callable

import redis

from app.distributed.coordination import PREFIX
from app.engine.run.records import JobRecord

# Long enough that nothing a batch needs lapses, short enough that nothing lingers for weeks.
BOOKKEEPING_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class JobKey:
    """One job of one coordinated run. The lease is the job's (any run over the same folder
    sees it); the held list and the submit ticket belong to the run (``batch_id``), so a
    ``--resume`` or ``--retry-failed`` run may submit what an earlier run left queued."""

    folder: str
    batch: int
    position: int
    batch_id: str

    @property
    def lease(self) -> str:
        return lease_prefix(self.folder, self.batch) + str(self.position)

    @property
    def held(self) -> str:
        return held_key(self.batch_id)

    @property
    def ticket(self) -> str:
        return f"{PREFIX}:submit:{self.batch_id}:{self.position}"


def lease_prefix(folder: str, batch: int) -> str:
    return f"{PREFIX}:lease:{folder}:{batch}:"


def held_key(batch_id: str) -> str:
    return f"{PREFIX}:held:{batch_id}"


_ACQUIRE = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    redis.call('hset', KEYS[2], ARGV[3], ARGV[1])
    redis.call('expire', KEYS[2], ARGV[4])
    return 1
end
return 0
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('del', KEYS[1])
if redis.call('hget', KEYS[2], ARGV[2]) == ARGV[1] then redis.call('hdel', KEYS[2], ARGV[2]) end
return 1
"""
_CLAIM_SUBMIT = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
local holder = redis.call('get', KEYS[2])
if holder and holder ~= ARGV[1] then return 2 end
redis.call('set', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('pexpire', KEYS[1], ARGV[3])
return 1
"""
# Only after the job's store shows nothing unsettled from the earlier holder (see FencedGate).
_TAKE_OVER_SUBMIT = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('set', KEYS[2], ARGV[1], 'EX', ARGV[2])
redis.call('pexpire', KEYS[1], ARGV[3])
return 1
"""
_UNCLAIM_SUBMIT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# Atomic, so two sweepers (or a sweeper and a worker taking the job) never both act on it.
_SWEEP = """
local held = redis.call('hgetall', KEYS[1])
local orphans = {}
for i = 1, #held, 2 do
    if redis.call('get', ARGV[1] .. held[i]) ~= held[i + 1] then
        redis.call('hdel', KEYS[1], held[i])
        table.insert(orphans, held[i])
    end
end
return orphans
"""


class SubmitClaim(Enum):
    OURS = 1  # we hold the lease and the job's ticket: submitting is ours to do
    LEASE_LOST = 0  # someone else holds the job now: stop without touching it
    TAKEN = 2  # an earlier holder began submitting and vanished: the outcome is unknown


class JobLease:
    """Held by the one worker working on a job and renewed every quarter of its shorter TTL, so a
    worker that dies lets go within seconds while a slow one is never second-guessed.

    Two TTLs: ``waiting_seconds`` while nothing has been sent for the job (it waits for a fleet
    slot; moving it on early costs nothing, since the ticket still allows one submit), and
    ``seconds`` from the moment a submit is claimed or a prediction is followed (``commit``)."""

    def __init__(self, client: redis.Redis, key: JobKey, seconds: float, *, waiting_seconds: float | None = None,
                 on_lost: Callable[[], None] = lambda: None):
        self.client, self.key, self.seconds = client, key, seconds
        self._ttl = min(seconds, waiting_seconds or seconds)
        # Paced by the shorter TTL throughout, so a renewal racing ``commit`` is corrected in time.
        self._renew_every = self._ttl / 4
        # Readable in Redis: which process on which machine holds the job.
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self.on_lost = on_lost
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self._acquire = client.register_script(_ACQUIRE)
        self._renew_script = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._claim = client.register_script(_CLAIM_SUBMIT)
        self._unclaim = client.register_script(_UNCLAIM_SUBMIT)
        self._take_over = client.register_script(_TAKE_OVER_SUBMIT)

    def acquire(self) -> bool:
        if not self._acquire(keys=[self.key.lease, self.key.held],
                             args=[self.token, int(self._ttl * 1000), self.key.position, BOOKKEEPING_SECONDS]):
            return False
        self._renewer = threading.Thread(target=self._renew, name="job-lease", daemon=True)
        self._renewer.start()
        return True

    def _renew(self) -> None:
        while not self._stop.wait(self._renew_every):
            try:
                renewed = self._renew_script(keys=[self.key.lease], args=[self.token, int(self._ttl * 1000)])
            except redis.RedisError:
                continue  # a blip: the next round tells whether the lease survived it
            if not renewed:
                self._lose()
                return

    def _lose(self) -> None:
        if not self.lost.is_set():
            self.lost.set()
            self.on_lost()

    def commit(self) -> bool:
        """The job is being worked on (a prediction to follow): from now on the full TTL."""
        self._ttl = self.seconds
        renewed = self._renew_script(keys=[self.key.lease], args=[self.token, int(self.seconds * 1000)])
        if not renewed:
            self._lose()
        return bool(renewed)

    def still_ours(self) -> bool:
        """Asked before every write to the store, so a worker that lost its lease (stalled,
        then woke up) cannot overwrite what the job's new holder saved."""
        if self.lost.is_set():
            return False
        try:
            ours = self.client.get(self.key.lease) == self.token
        except redis.RedisError:
            return True  # the renewer decides; a store write is safe while nobody else holds the job
        if not ours:
            self._lose()
        return ours

    def claim_submit(self) -> SubmitClaim:
        verdict = SubmitClaim(int(self._claim(keys=[self.key.lease, self.key.ticket],
                                              args=[self.token, BOOKKEEPING_SECONDS, int(self.seconds * 1000)])))
        if verdict is SubmitClaim.OURS:
            self._ttl = self.seconds  # the claim gave the lease its full TTL
        elif verdict is SubmitClaim.LEASE_LOST:
            self._lose()
        return verdict

    def take_over_submit(self) -> SubmitClaim:
        """The ticket an earlier holder took and never used to the end, made ours: only for a job
        whose store says that holder's submit is settled (none was noted, or the history answered)."""
        taken = self._take_over(keys=[self.key.lease, self.key.ticket],
                                args=[self.token, BOOKKEEPING_SECONDS, int(self.seconds * 1000)])
        if not taken:
            self._lose()
            return SubmitClaim.LEASE_LOST
        self._ttl = self.seconds
        return SubmitClaim.OURS

    def unclaim_submit(self) -> None:
        """After a 429 nothing was created, so the job may be submitted again by whoever holds it."""
        self._unclaim(keys=[self.key.ticket], args=[self.token])

    def release(self) -> None:
        """Lets go of the lease and the held entry; a lost lease leaves the entry for the sweep."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        self._release(keys=[self.key.lease, self.key.held], args=[self.token, self.key.position])


def reclaim_orphans(client: redis.Redis, batch_id: str, folder: str, batch: int) -> list[int]:
    """Positions of held jobs whose lease lapsed, taken off the held list (each is returned once)."""
    orphans = client.register_script(_SWEEP)(keys=[held_key(batch_id)], args=[lease_prefix(folder, batch)])
    return sorted(int(position) for position in orphans)


def forget_run(client: redis.Redis, batch_id: str) -> None:
    client.delete(held_key(batch_id))


class FencedGate:
    """The runner's ``gate``: the fleet-wide slot, then the job's submit ticket. A refused
    ticket stops the job quietly (``stand_down``) before anything is sent.

    A ticket an earlier holder took (it died between the claim and the reply) is taken over
    when ``settled()`` says its submit left nothing open: every worker notes the body in the
    store before a submit leaves (reconcile.PendingSubmits) and the task settles a note from
    the account's history before its runner starts, so no note means nothing is in doubt."""

    def __init__(self, gate, lease: JobLease, stand_down: Callable[[], None],
                 settled: Callable[[], bool] = lambda: False):
        self.gate, self.lease, self.stand_down, self.settled = gate, lease, stand_down, settled
        self.refused: SubmitClaim | None = None

    def acquire(self, model: str, check_cancel) -> None:
        self.gate.acquire(model, check_cancel)
        verdict = self.lease.claim_submit()
        if verdict is SubmitClaim.TAKEN and self.settled():
            verdict = self.lease.take_over_submit()
        if verdict is SubmitClaim.OURS:
            return
        self.refused = verdict
        self.stand_down()
        check_cancel()  # the runner's quiet stop
        raise RuntimeError("the job was stood down but the runner kept going")  # never reached: stand_down detaches

    def rate_limited(self, model: str) -> None:
        self.lease.unclaim_submit()
        self.gate.rate_limited(model)

    def release(self) -> None:
        self.gate.release()


class LeaseLost(RuntimeError):
    """Raised out of a store write by a worker that no longer holds the job, so the write (and
    whatever would follow it, a submit included) never happens."""


class FencedStore:
    """The job store as one job's runner sees it: a save goes through only while the lease is
    ours; otherwise the runner is stood down and the save raises before anything else is sent."""

    def __init__(self, store, lease: JobLease, stand_down: Callable[[], None]):
        self.store, self.lease, self.stand_down = store, lease, stand_down

    def _fence(self) -> None:
        if not self.lease.still_ours():
            self.stand_down()
            raise LeaseLost(f"job {self.lease.key.position} is held by another worker now")

    def save(self, record: JobRecord, meta: dict | None = None) -> None:
        self._fence()
        self.store.save(record, meta=meta)

    def save_meta(self, key: str, value: str | None) -> None:
        # The pending-submit note is written here right before a send: a holder that lost the
        # job stops before it, so it never sends.
        self._fence()
        self.store.save_meta(key, value)

    def set_meta(self, key: str, value: str) -> None:
        # The pending-submit note comes right before a send: a holder that lost the job stops here.
        self._fence()
        self.store.set_meta(key, value)

    def delete_meta(self, key: str) -> None:
        self._fence()
        self.store.delete_meta(key)

    def __getattr__(self, name):
        return getattr(self.store, name)
