"""Seeded, deterministic fault injection.

Every decision hashes (seed, fault, key) instead of drawing from a shared random stream,
so the same request gets the same fate however the client's threads interleave.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

DEFAULT_DURATION_SPREAD = 0.1
FAULTS = {
    "submit429": "submit answered 429, nothing created",
    "submit500": "task created and charged, then the reply is lost as a 500 (unknown outcome)",
    "lost500": "a submit answers 500 before the task is created (nothing charged, absent from the history)",
    "poll500": "a poll answers 500",
    "reset": "the connection drops without a reply (submit: after the task was created)",
    "fail": "the task ends as failed and is refunded",
    "moderation": "the task is rejected by content moderation (error_code 1039) and refunded",
    "truncate": "an output download is cut short",
    "slow": "the reply is delayed (slow=RATE:SECONDS, default 2 s)",
    "expire": "the output URL has already expired when the task completes",
    "variant": "replies use another documented shape (unwrapped, string code, output, url objects)",
    "llm401": "a chat completion answers 401 (a key without LLM access)",
    "llm429": "a chat completion answers 429",
    "llm500": "a chat completion answers 500",
}


class FaultSpecError(ValueError):
    pass


@dataclass(frozen=True)
class FaultPlan:
    rates: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    slow_seconds: float = 2.0
    duration_spread: float = DEFAULT_DURATION_SPREAD  # each task takes its model's time within +-this share
    # A service slower or quicker than the client expects: every task's time times this, which
    # no reply shows (the client must learn it from its polls).
    time_factor: float = 1.0
    # Queueing at the provider: each task waits 0 to this many seconds (evenly spread, fixed by
    # the key) in "starting" before its generation begins.
    queue_seconds: float = 0.0

    @classmethod
    def parse(cls, spec: str | None, seed: int = 0) -> "FaultPlan":
        """``"submit429=0.1,poll500=10%,slow=0.05:3"`` -> a plan."""
        rates: dict[str, float] = {}
        slow_seconds = 2.0
        for part in (spec or "").split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, value = part.partition("=")
            name = name.strip()
            if name not in FAULTS:
                known = ", ".join(FAULTS)
                raise FaultSpecError(f"unknown fault {name!r}; known faults: {known}")
            if not sep:
                raise FaultSpecError(f"fault {name!r} needs a rate, for example {name}=0.1")
            value, _, extra = value.partition(":")
            rates[name] = _parse_rate(name, value)
            if extra:
                if name != "slow":
                    raise FaultSpecError(f"only slow takes a second value (slow=RATE:SECONDS), not {name}")
                try:
                    slow_seconds = float(extra)
                except ValueError:
                    raise FaultSpecError(f"slow delay must be a number of seconds, not {extra!r}") from None
        return cls(rates=rates, seed=seed, slow_seconds=slow_seconds)

    def hits(self, fault: str, *key: object) -> bool:
        rate = self.rates.get(fault, 0.0)
        if rate <= 0.0:
            return False
        return rate >= 1.0 or self.draw(fault, *key) < rate

    def duration_factor(self, *key: object) -> float:
        """How much longer or shorter than its model's time one task takes, fixed by the key."""
        return 1.0 + self.duration_spread * (2.0 * self.draw("duration", *key) - 1.0)

    def queue_wait(self, *key: object) -> float:
        """Seconds one task waits in the provider's queue before it runs, fixed by the key."""
        return self.queue_seconds * self.draw("queue", *key) if self.queue_seconds > 0 else 0.0

    def draw(self, fault: str, *key: object) -> float:
        """A uniform number in [0, 1) fixed by the seed, the fault and the key."""
        text = "|".join([str(self.seed), fault, *map(str, key)])
        digest = hashlib.sha256(text.encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2.0**64

    def describe(self) -> str:
        if not self.rates:
            return "none"
        return ", ".join(f"{name}={rate:g}" for name, rate in sorted(self.rates.items()))


def _parse_rate(name: str, text: str) -> float:
    text = text.strip()
    try:
        rate = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise FaultSpecError(f"rate for {name} must be a number like 0.1 or 10%, not {text!r}") from None
    if not 0.0 <= rate <= 1.0:
        raise FaultSpecError(f"rate for {name} must be between 0 and 1 (or 0% and 100%), not {text}")
    return rate
