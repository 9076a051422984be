"""What draft mode saved: drafts plus the finals promoted from them, against running every
job of the batch on its final tier.

Money already spent counts at what it cost (net of refunds); a job not submitted yet counts at
its price (quote or estimate), so the figure is right before, during and after a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.pricing import PriceTable, format_money
from app.engine.core.gcpause import collector_paused
from app.engine.core.i18n import translate
from app.engine.jobs.checks import price_shape
from app.engine.jobs.draft import finals_from_json, finals_meta_key
from app.engine.run.store import JobStore, StoredJob

PROMOTE = "promote"  # the link kind of a final made from a draft


@dataclass(frozen=True)
class Saving:
    drafts: Decimal  # what the drafts cost
    finals: Decimal  # what the promoted finals cost
    all_final: Decimal  # every job of the batch on its final tier, drafts skipped
    jobs: int
    promoted: int

    @property
    def spent(self) -> Decimal:
        return self.drafts + self.finals

    @property
    def saved(self) -> Decimal:
        return self.all_final - self.spent

    @property
    def percent(self) -> int:
        if self.all_final <= 0:
            return 0
        return int((self.saved * 100 / self.all_final).quantize(Decimal(1), ROUND_HALF_UP))

    def sentence(self) -> str:
        if self.saved >= 0:
            verdict = translate("Draft", "saved {amount}, {percent}%").format(amount=format_money(self.saved),
                                                                              percent=self.percent)
        else:
            verdict = translate("Draft", "cost {amount} more").format(amount=format_money(-self.saved))
        return translate("Draft", "{jobs} draft(s) {drafts} + {promoted} final(s) {finals} = {spent}, against {full} "
                                  "for every job on its final tier: {verdict}").format(
            jobs=self.jobs, drafts=format_money(self.drafts), promoted=self.promoted, finals=format_money(self.finals),
            spent=format_money(self.spent), full=format_money(self.all_final), verdict=verdict)


def _cost(job: StoredJob) -> Decimal:
    best = (job.quote or job.estimate).amount
    if job.prediction_id is not None:
        return Decimal(0) if job.refunded else best
    return Decimal(0) if job.state.is_terminal else best  # failed before submit: nothing spent


def batch_saving(store: JobStore, batch: int, catalog: Catalog, prices: PriceTable | None = None) -> Saving | None:
    """None when the batch was not run in draft mode, or a final's model is not in ``catalog``.
    Reads schemas, and every job of the batch: off the GUI thread."""
    # 50,000 finals and jobs become objects, none in a cycle. The collector stays off until
    # they are gone again: turned on while they lived, its next young collection walked them
    # all (135 ms, holding the interpreter lock against the window).
    with collector_paused():
        return _saving(store, batch, catalog, prices or PriceTable.load())


def _saving(store: JobStore, batch: int, catalog: Catalog, prices: PriceTable) -> Saving | None:
    finals = finals_from_json(store.meta(finals_meta_key(batch)))
    if not finals:
        return None
    jobs = {job.position: job for job in store.load(batch)}
    promoted: dict[int, StoredJob] = {}
    for (link_batch, position), link in store.links().items():
        if link.kind == PROMOTE and link_batch == batch and position in jobs:
            promoted.setdefault(link.origin_position, jobs[position])
    drafts = sum((_cost(jobs[p]) for p in finals if p in jobs), Decimal(0))
    finals_cost = sum((_cost(job) for job in promoted.values()), Decimal(0))
    all_final = Decimal(0)
    estimates: dict[tuple, Decimal] = {}  # by price shape: a batch of 50,000 is a few kinds of job
    for position, spec in finals.items():
        if position in promoted:
            all_final += (promoted[position].quote or promoted[position].estimate).amount
            continue
        model = catalog.get(spec.model)
        if model is None:
            return None  # a final that cannot be priced would make the figure wrong, not rough
        shape = price_shape(spec)
        estimate = estimates.get(shape)
        if estimate is None:
            estimate = estimates[shape] = prices.estimate(model, spec.inputs).amount
        all_final += estimate
    return Saving(drafts, finals_cost, all_final, len(finals), len(promoted))
