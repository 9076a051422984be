"""What a fleet learns about generation times, shared through the batch's Redis.

Each worker process keeps its own TimingModel; without this, a fleet of N processes learned
like N strangers: each job's first poll knew nothing of the finishes its siblings in other
processes had just seen. Every finish is appended to one list per batch; each process reads
what was added since it last looked (its own entries skipped), so a finish in one worker moves
the windows of jobs in flight in all of them, as it does within one process.
"""

from __future__ import annotations

import json
import threading
import uuid

import redis

from app.distributed.coordination import PREFIX

KEEP_SECONDS = 7 * 24 * 3600  # a resumed batch still finds what its first part learned


def timing_key(batch_id: str) -> str:
    return f"{PREFIX}:timing:{batch_id}"


class RedisTimingShare:
    """``publish`` and ``fetch`` for TimingModel's ``share``. Thread-safe."""

    def __init__(self, client: redis.Redis, batch_id: str):
        self.client = client
        self.key = timing_key(batch_id)
        self.origin = uuid.uuid4().hex[:12]  # this process's entries come back; skip them
        self._read = 0
        self._lock = threading.Lock()

    def publish(self, key: str, running: float, done: float, queued: float = 0.0) -> None:
        entry = json.dumps([self.origin, key, running, done, queued], separators=(",", ":"))
        pipe = self.client.pipeline()
        pipe.rpush(self.key, entry)
        pipe.expire(self.key, KEEP_SECONDS)
        pipe.execute()

    def fetch(self) -> list[tuple[str, float, float, float]]:
        """The finishes other processes published since the last call."""
        with self._lock:
            entries = self.client.lrange(self.key, self._read, -1)
            self._read += len(entries)
        found = []
        for entry in entries:
            try:
                origin, key, running, done, queued = json.loads(entry)
            except (TypeError, ValueError):
                continue  # not ours to read
            if origin != self.origin:
                found.append((str(key), float(running), float(done), float(queued)))
        return found
