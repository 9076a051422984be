"""Redis-backed coordination: one concurrency limit for all workers, a 429 back-off every
worker honours, and the channel that carries events back to the coordinator (job leases: leases.py)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import asdict

import redis

from app.engine.run.records import RunEvent

PREFIX = "batch-studio"


def broker_problem(url: str) -> str | None:
    """Why the broker cannot be used, as a sentence; None when it answers."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        return (f"the Celery broker at {url} does not answer ({exc}); start Redis there or set "
                "BATCH_STUDIO_BROKER_URL, then run again. Nothing was submitted")
    finally:
        client.close()
    return None


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, decode_responses=True, socket_timeout=30, health_check_interval=30)


class GlobalGate:
    """The batch's concurrency across every worker (a sorted set of expiring slots), and a
    per-model pause after a 429 that all workers respect. Used by BatchRunner as its ``gate``."""

    _ACQUIRE = """
    redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
    if redis.call('zcard', KEYS[1]) < tonumber(ARGV[2]) then
        redis.call('zadd', KEYS[1], ARGV[3], ARGV[4])
        return 1
    end
    return 0
    """

    def __init__(self, client: redis.Redis, batch_id: str, limit: int, lease_seconds: float,
                 sleep=time.sleep, backoff_seconds: float = 5.0):
        self.client = client
        self.slots = f"{PREFIX}:slots:{batch_id}"
        self.limit = limit
        self.lease_seconds = lease_seconds
        self.sleep = sleep
        self.backoff_seconds = backoff_seconds
        self.token: str | None = None
        self._acquire = client.register_script(self._ACQUIRE)
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def acquire(self, model: str, check_cancel) -> None:
        while True:
            check_cancel()
            pause_until = float(self.client.get(f"{PREFIX}:throttle:{model}") or 0)
            if pause_until > time.time():
                self.sleep(min(1.0, pause_until - time.time()))
                continue
            if self.token is None:
                token = uuid.uuid4().hex
                if self._acquire(keys=[self.slots], args=[time.time(), self.limit,
                                                          time.time() + self.lease_seconds, token]):
                    self.token = token
                    self._renewer = threading.Thread(target=self._renew, name="batch-slot", daemon=True)
                    self._renewer.start()
                    return
                self.sleep(0.2)
                continue
            return

    def _renew(self) -> None:
        while not self._stop.wait(self.lease_seconds / 3):
            if self.token:
                try:
                    self.client.zadd(self.slots, {self.token: time.time() + self.lease_seconds}, xx=True)
                except redis.RedisError:
                    continue  # a blip; the slot outlives a missed renewal

    def rate_limited(self, model: str) -> None:
        """Every worker waits: one 429 means the account's limit, not one worker's."""
        until = time.time() + self.backoff_seconds
        key = f"{PREFIX}:throttle:{model}"
        current = float(self.client.get(key) or 0)
        if until > current:
            self.client.set(key, until, px=int(self.backoff_seconds * 1000) + 1000)

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        if self.token is not None:
            self.client.zrem(self.slots, self.token)
            self.token = None


def event_channel(batch_id: str) -> str:
    return f"{PREFIX}:events:{batch_id}"


def publish(client: redis.Redis, batch_id: str, event: RunEvent) -> None:
    payload = asdict(event)
    if event.cost is not None:
        payload["cost"] = {"amount": str(event.cost.amount), "basis": event.cost.basis}
    client.publish(event_channel(batch_id), json.dumps(payload, default=str))


def decode(message: str) -> RunEvent:
    from decimal import Decimal

    from app.engine.atlas.pricing import Cost

    payload = json.loads(message)
    cost = payload.pop("cost", None)
    return RunEvent(**payload, cost=Cost(Decimal(cost["amount"]), cost["basis"]) if cost else None)
