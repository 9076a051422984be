"""What the simulated provider charges.

This is the simulator's own price list, modelled on the figures Atlas Cloud showed in
2026. It is deliberately separate from the engine's estimate table: the engine must treat
the server's quote as the truth and its own table as a guess, and a demo where both come
from one file would hide a client that confuses them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MICRO = Decimal("0.000001")

# Per image, before the catalog discount is applied (origin price, USD).
PER_IMAGE = {
    "black-forest-labs/flux-2-pro/text-to-image": Decimal("0.05"),
    "google/imagen4-ultra": Decimal("0.08"),
    "google/imagen4": Decimal("0.05"),
    "google/imagen4-fast": Decimal("0.025"),
}

# Per second of video with audio, by resolution (origin price, USD).
PER_SECOND_WITH_AUDIO = {
    "bytedance/seedance-v1.5-pro": {"480p": Decimal("0.0588"), "720p": Decimal("0.125")},
    "bytedance/seedance-v1.5-pro-fast": {"720p": Decimal("0.0225")},
    "google/veo3.1": {"720p": Decimal("0.50"), "1080p": Decimal("0.50"), "4k": Decimal("0.75")},
    "google/veo3.1-fast": {"720p": Decimal("0.1875"), "1080p": Decimal("0.1875"), "4k": Decimal("0.4375")},
    "openai/sora-2": {"720p": Decimal("0.125")},
}
# Silent clips cost this fraction of the with-audio price.
SILENT_FACTOR = {
    "bytedance/seedance-v1.5-pro": Decimal("0.5"),
    "bytedance/seedance-v1.5-pro-fast": Decimal("0.5"),
    "google/veo3.1": Decimal("0.5"),
    "google/veo3.1-fast": Decimal("0.6667"),
    "openai/sora-2": Decimal("1"),
}
DISCOUNT = Decimal("0.8")


def model_family(model_id: str) -> str:
    """``google/veo3.1/text-to-video`` -> ``google/veo3.1``; image ids are their own family."""
    parts = model_id.split("/")
    return "/".join(parts[:2])


class Quote:
    __slots__ = ("price", "origin_price", "discount")

    def __init__(self, origin_price: Decimal, discount: Decimal = DISCOUNT):
        self.origin_price = origin_price.quantize(MICRO, ROUND_HALF_UP)
        self.discount = discount
        self.price = (origin_price * discount).quantize(MICRO, ROUND_HALF_UP)


def quote(model_id: str, body: dict) -> Quote:
    """Price a submit body that already carries the schema defaults."""
    if model_id in PER_IMAGE:
        return Quote(PER_IMAGE[model_id])
    family = model_family(model_id)
    table = PER_SECOND_WITH_AUDIO.get(family)
    if table is None:
        raise KeyError(model_id)
    resolution = str(body.get("resolution", "720p"))
    per_second = table.get(resolution, max(table.values()))
    if not body.get("generate_audio", True):
        per_second = per_second * SILENT_FACTOR[family]
    seconds = Decimal(int(body.get("duration", 5)))
    return Quote(per_second * seconds)
