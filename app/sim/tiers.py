"""Tier families in the simulator: a family's tiers cost and take what real tiers do relative to
each other, so draft mode and promote show their real effect in the demo.

Ratios from prices Atlas showed in 2026 (../shared/atlas-api.md, "Tiers of one model family"):
Veo 3.1 per second lite $0.03, fast $0.10, full $0.20; Kling 2.1 standard, pro and master about
1 : 1.8 : 5; Imagen 4 fast, standard and ultra 1 : 2 : 3. A fast tier also renders in about
half the time, a master or ultra one takes longer.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from app.engine.atlas.ladders import family_key, tier_words

PRICE_RATIO = {"lite": Decimal("0.15"), "fast": Decimal("0.5"), "flash": Decimal("0.5"), "turbo": Decimal("0.5"),
               "std": Decimal("0.55"), "standard": Decimal("0.55"), "plus": Decimal("1.2"), "pro": Decimal("1.0"),
               "master": Decimal("2.9"), "ultra": Decimal("1.5"), "max": Decimal("2.0")}
SPEED_RATIO = {"lite": 0.35, "fast": 0.5, "flash": 0.5, "turbo": 0.5, "std": 0.8, "standard": 0.8, "plus": 1.1,
               "pro": 1.0, "master": 1.6, "ultra": 1.4, "max": 1.5}


def price_ratio(model_id: str) -> Decimal:
    """The tier's price against the family's untiered model ("pro-fast" is fast pro)."""
    ratio = Decimal(1)
    for word in tier_words(model_id):
        ratio *= PRICE_RATIO[word]
    return ratio


def time_ratio(model_id: str) -> float:
    ratio = 1.0
    for word in tier_words(model_id):
        ratio *= SPEED_RATIO[word]
    return ratio


def family_price(model_id: str, choices: tuple[str, ...], salt: str = "") -> Decimal:
    """One of ``choices`` for the whole family, the same for every tier of it and every run."""
    digest = hashlib.sha256((family_key(model_id) + salt).encode("utf-8")).digest()
    return Decimal(choices[digest[0] % len(choices)])
