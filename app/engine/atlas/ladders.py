"""Model ladders: the tiers of one model family, cheapest to dearest, derived from the catalog.

Atlas ids mark a tier with a word (``-fast``, ``-lite``, ``-turbo``, ``-std``/``-standard``,
``-pro``, ``-master``, ``-ultra``, ``-plus``, ``-max``), in the model segment
(``google/veo3.1-fast/text-to-video``) or in the task segment (``minimax/hailuo-02/t2v-pro``).
Two models whose ids are the same once those words are taken out, of the same type, are tiers
of one family doing one task; their order is the catalog's price, because the words do not say
it (Veo's lite is cheaper than its fast tier, Seedance's "pro-fast" is cheaper than its "pro").

The families are derived from the whole catalog, so a model added tomorrow finds its ladder;
resources/ladders.json holds the few irregular names the rule cannot read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.engine.atlas.catalog import MEDIA_TYPES, Catalog, ModelInfo
from app.engine.core.fileio import check_version
from app.engine.core.paths import resources_dir

__all__ = ["Ladder", "Ladders", "Tier", "build_ladders", "family_key", "tier_words"]

# Rank of each tier word, used only when two tiers have no price to compare them by.
TIER_RANK = {"lite": 0, "fast": 1, "flash": 1, "turbo": 1, "std": 2, "standard": 2, "plus": 4, "pro": 5,
             "master": 6, "ultra": 6, "max": 7}
NO_MARKER_RANK = 3
OVERRIDES_VERSION = 1
_TOKEN = re.compile(r"[-_]")


@dataclass(frozen=True)
class Tier:
    model_id: str
    label: str  # the tier words of its id ("pro", "pro fast"), or "standard" when it has none
    price: Decimal | None  # the catalog's list price: comparable within a family only


@dataclass(frozen=True)
class Ladder:
    key: str  # the family's id with the tier words taken out
    tiers: tuple[Tier, ...]  # cheapest first

    @property
    def ids(self) -> list[str]:
        return [tier.model_id for tier in self.tiers]

    @property
    def cheapest(self) -> str:
        return self.tiers[0].model_id

    @property
    def top(self) -> str:
        return self.tiers[-1].model_id

    def tier(self, model_id: str) -> Tier | None:
        return next((tier for tier in self.tiers if tier.model_id == model_id), None)


def tier_words(model_id: str) -> list[str]:
    """The tier words of an id, in the order they appear (provider excluded)."""
    words = []
    for segment in model_id.lower().split("/")[1:]:
        words.extend(token for token in _TOKEN.split(segment) if token in TIER_RANK)
    return words


def family_key(model_id: str) -> str:
    """The id with its tier words taken out of every segment after the provider."""
    segments = model_id.lower().split("/")
    if len(segments) < 2:
        return model_id.lower()
    kept = [segments[0]]
    for segment in segments[1:]:
        kept.append("-".join(token for token in _TOKEN.split(segment) if token not in TIER_RANK))
    return "/".join(kept)


def _rank(model_id: str) -> int:
    words = tier_words(model_id)
    # "pro-fast" is a fast take on pro: the cheapest-sounding word says more about its price.
    return min((TIER_RANK[word] for word in words), default=NO_MARKER_RANK)


@dataclass(frozen=True)
class Overrides:
    families: dict[str, str]  # model id -> the family key it belongs to
    standalone: frozenset[str]  # ids that read like a tier but are a model of their own

    @classmethod
    def load(cls, path: Path | None = None) -> "Overrides":
        path = path or resources_dir() / "ladders.json"
        if not path.is_file():
            return cls({}, frozenset())
        document = json.loads(path.read_text(encoding="utf-8"))
        check_version(document, OVERRIDES_VERSION, "ladder table", path)
        return cls({str(k): str(v) for k, v in (document.get("families") or {}).items()},
                   frozenset(str(v) for v in document.get("standalone") or ()))


class Ladders:
    """Every ladder of a catalog, found by any of its models."""

    def __init__(self, ladders: list[Ladder], catalog: Catalog):
        self.ladders = ladders
        self.catalog = catalog
        self._by_model = {tier.model_id: ladder for ladder in ladders for tier in ladder.tiers}

    def __len__(self) -> int:
        return len(self.ladders)

    def of(self, model_id: str) -> Ladder | None:
        return self._by_model.get(model_id)

    def draft_model(self, model_id: str) -> str:
        """The cheapest tier of the model's ladder; the model itself when it has none."""
        ladder = self.of(model_id)
        return ladder.cheapest if ladder else model_id

    def final_model(self, model_id: str) -> str:
        """The tier a job's final runs on: the job's own model, unless that is the cheapest
        tier (a job set written for drafts), then the top one."""
        ladder = self.of(model_id)
        if ladder is None or model_id != ladder.cheapest:
            return model_id
        return ladder.top

    def same_line(self, model_id: str, tasks: tuple[str, ...]) -> list[ModelInfo]:
        """Models of the same family and tier doing one of ``tasks`` (veo3.1/text-to-video ->
        veo3.1/image-to-video), for carrying a draft's picture over as a start frame."""
        head = model_id.rsplit("/", 1)[0] if model_id.count("/") >= 2 else None
        if head is None:
            return []
        found = [model for model in self.catalog.models.values()
                 if model.model_id != model_id and model.model_id.rsplit("/", 1)[0] == head and model.task in tasks]
        return sorted(found, key=lambda model: tasks.index(model.task))


def build_ladders(catalog: Catalog, overrides: Overrides | None = None) -> Ladders:
    overrides = overrides if overrides is not None else Overrides.load()
    groups: dict[tuple[str, str], list[ModelInfo]] = {}
    for model in catalog.models.values():
        if model.type not in MEDIA_TYPES or model.model_id in overrides.standalone:
            continue
        key = overrides.families.get(model.model_id) or family_key(model.model_id)
        groups.setdefault((model.type, key), []).append(model)
    ladders = []
    for (_, key), members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (m.list_price is None, m.list_price or Decimal(0), _rank(m.model_id), m.model_id))
        ladders.append(Ladder(key, tuple(Tier(m.model_id, " ".join(tier_words(m.model_id)) or "standard",
                                              m.list_price) for m in members)))
    ladders.sort(key=lambda ladder: ladder.key)
    return Ladders(ladders, catalog)
