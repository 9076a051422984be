"""The two spend limits a new plan must fit before anything is queued.

The runner holds the same two limits for each submit; this checks a whole plan at once (re-rolls,
variations, later promotions), so a plan that would cross a cap is refused before it is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.engine.atlas.pricing import format_cost, format_money
from app.engine.core.i18n import translate
from app.engine.run.ledger import SpendLedger


@dataclass(frozen=True)
class Budget:
    """The runner's two limits, applied to a whole plan before it is queued: the batch's spend
    cap against what the batch has spent, and the daily cap against today's spend of every batch."""

    max_spend: Decimal | None = None
    spent: Decimal = Decimal(0)
    daily_cap: Decimal | None = None
    ledger: SpendLedger | None = None

    def problem(self, count: int, amount: Decimal, basis: str) -> str | None:
        cost = format_cost(amount, basis)
        if self.max_spend is not None and self.spent + amount > self.max_spend:
            return translate("Review", "{count} new job(s) cost {cost}; with {spent} already spent, this batch would "
                                       "cross its spend cap of {cap}. Nothing was queued.").format(
                count=count, cost=cost, spent=format_money(self.spent), cap=format_money(self.max_spend))
        if self.daily_cap is not None and self.ledger is not None:
            today = self.ledger.today()
            if today + amount > self.daily_cap:
                return translate("Review", "{count} new job(s) cost {cost}; with {today} spent today, this would "
                                           "cross the daily cap of {cap}. Nothing was queued.").format(
                    count=count, cost=cost, today=format_money(today), cap=format_money(self.daily_cap))
        return None
