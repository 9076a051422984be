"""Costs: a local estimate from resources/pricing.json, or a live quote from Atlas Cloud.

Every figure carries its basis, so no screen or manifest can pass an estimate off as a price.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from app.engine.atlas.catalog import ModelInfo
from app.engine.core.fileio import check_version
from app.engine.core.i18n import translate
from app.engine.core.paths import resources_dir

ESTIMATE, QUOTE = "estimate", "quote"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Cost:
    amount: Decimal
    basis: str  # ESTIMATE or QUOTE
    note: str = ""

    @property
    def is_quote(self) -> bool:
        return self.basis == QUOTE

    def label(self) -> str:
        return format_cost(self.amount, self.basis)


def format_money(amount: Decimal) -> str:
    if amount and abs(amount) < Decimal("0.01"):
        return f"${amount.quantize(Decimal('0.0001'), ROUND_HALF_UP)}"
    return f"${amount.quantize(CENT, ROUND_HALF_UP)}"


def format_cost(amount: Decimal, basis: str) -> str:
    if basis == QUOTE:
        return translate("Cost", "{amount} (quote)").format(amount=format_money(amount))
    if basis == ESTIMATE:
        return translate("Cost", "≈{amount} (estimate)").format(amount=format_money(amount))
    return translate("Cost", "≈{amount} (partly quoted)").format(amount=format_money(amount))


def model_family(model_id: str) -> str:
    return "/".join(model_id.split("/")[:2])


class PriceTable:
    def __init__(self, document: dict):
        self.document = document
        self.images = {k: Decimal(v) for k, v in document.get("images", {}).items()}
        self.videos = document.get("videos", {})
        fallback = document.get("fallback", {})
        self.fallback_image = Decimal(fallback.get("per_image", "0.05"))
        self.fallback_per_second = Decimal(fallback.get("video_per_second", "0.40"))

    @classmethod
    def load(cls, path: Path | None = None) -> "PriceTable":
        path = path or resources_dir() / "pricing.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        check_version(document, 1, "price table", path)
        return cls(document)

    def estimate(self, model: ModelInfo, inputs: dict) -> Cost:
        """Per image times the images asked for, or per second times the resolution and audio
        multipliers."""
        body = {**model.defaults(), **inputs}
        if not model.is_video:
            count = output_count(body)
            price = self.images.get(model.model_id)
            note = "" if count == 1 else f"{count} images"
            if price is None:
                price = self.fallback_image
                note = "; ".join(filter(None, [f"no price known for {model.model_id}; a typical image price", note]))
            return Cost(price * count, ESTIMATE, note)
        rule = self.videos.get(model_family(model.model_id))
        seconds = clip_seconds(body)
        if rule is None:
            return Cost(self.fallback_per_second * seconds, ESTIMATE,
                        f"no price known for {model.model_id}; a typical video price")
        factor = Decimal(rule.get("resolution", {}).get(str(body.get("resolution")), "1.0"))
        if audio_switch(body) is False:
            factor *= Decimal(rule.get("without_audio", "1.0"))
        return Cost((Decimal(rule["per_second"]) * seconds * factor).quantize(Decimal("0.000001")), ESTIMATE)


# A model without a duration input decides the length itself; a typical clip is about this long.
DEFAULT_CLIP_SECONDS = Decimal(6)
# Several outputs per job go by either name; max_images is an upper bound, so the estimate
# is what the job may cost at most.
OUTPUT_COUNT_FIELDS = ("num_images", "max_images", "num_outputs", "n")
AUDIO_FIELDS = ("generate_audio", "sound", "bgm")


def output_count(body: dict) -> int:
    for name in OUTPUT_COUNT_FIELDS:
        value = body.get(name)
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                return max(1, int(Decimal(str(value))))
            except ArithmeticError:
                continue
    return 1


def clip_seconds(body: dict) -> Decimal:
    """Durations arrive as integers, floats or strings ("5"); none means the model decides."""
    value = body.get("duration")
    if value is None or isinstance(value, bool) or value == "":
        return DEFAULT_CLIP_SECONDS
    try:
        seconds = Decimal(str(value).strip().rstrip("s"))
    except ArithmeticError:
        return DEFAULT_CLIP_SECONDS
    return seconds if seconds > 0 else DEFAULT_CLIP_SECONDS


def audio_switch(body: dict) -> bool | None:
    for name in AUDIO_FIELDS:
        if isinstance(body.get(name), bool):
            return body[name]
    return None


@dataclass
class CostSummary:
    per_model: dict[str, tuple[int, Decimal, str]]  # model -> (jobs, amount, basis)
    total: Decimal
    basis: str  # ESTIMATE, QUOTE or "mixed"

    def total_label(self) -> str:
        return format_cost(self.total, self.basis)


def _one_basis(bases: Counter) -> str | None:
    present = [basis for basis, count in bases.items() if count]
    return present[0] if len(present) == 1 else ("mixed" if present else None)


class CostTotals:
    """A summary kept as jobs are priced, re-priced and dropped one at a time: a list of 50,000
    jobs whose prices change as a batch runs keeps its totals without summing every job again."""

    def __init__(self):
        self._per_model: dict[str, list] = {}  # model -> [jobs, amount, Counter of bases]
        self._bases: Counter = Counter()
        self._total = Decimal(0)

    def add(self, model_id: str, cost: Cost) -> None:
        self.count(model_id, cost.amount, cost.basis, 1)

    def remove(self, model_id: str, cost: Cost) -> None:
        self.count(model_id, cost.amount, cost.basis, -1)

    def count(self, model_id: str, amount: Decimal, basis: str, sign: int) -> None:
        """A price by its parts (+1 to add, -1 to take away): callers that keep many rows' prices
        hold plain values, which the cyclic collector need not walk."""
        entry = self._per_model.get(model_id)
        if entry is None:
            entry = self._per_model[model_id] = [0, Decimal(0), Counter()]
        signed = amount if sign > 0 else -amount
        entry[0] += sign
        entry[1] += signed
        entry[2][basis] += sign
        if not entry[0]:
            del self._per_model[model_id]
        self._bases[basis] += sign
        self._total += signed

    def summary(self) -> CostSummary:
        return CostSummary(
            per_model={m: (n, amount, _one_basis(bases)) for m, (n, amount, bases) in self._per_model.items()},
            total=self._total, basis=_one_basis(self._bases) or ESTIMATE)


def summarize(models: list[str], costs: list[Cost]) -> CostSummary:
    totals = CostTotals()
    for model_id, cost in zip(models, costs):
        totals.add(model_id, cost)
    return totals.summary()


# Fields that never change the price; quoting once per distinct rest saves requests.
PRICE_NEUTRAL_FIELDS = {"prompt", "negative_prompt", "seed", "image", "last_image"}


def price_key(body: dict) -> str:
    return json.dumps({k: v for k, v in body.items() if k not in PRICE_NEUTRAL_FIELDS}, sort_keys=True, default=str)


def quote_bodies(client, bodies: list[dict]) -> tuple[dict[int, Cost], str | None]:
    """Live quotes for each body, one request per distinct price-relevant body.

    Returns the quotes by position and, when quoting stopped early, why (the callers
    fall back to estimates for the rest and say so).
    """
    from app.engine.atlas.errors import AtlasError

    quotes: dict[int, Cost] = {}
    by_key: dict[str, Cost] = {}
    for index, body in enumerate(bodies):
        key = price_key(body)
        if key not in by_key:
            try:
                quote = client.quote(body)
            except AtlasError as exc:
                return quotes, str(exc)
            by_key[key] = Cost(quote.price, QUOTE, "estimated by the provider" if quote.estimated else "")
        quotes[index] = by_key[key]
    return quotes, None
