"""Re-roll and vary: new jobs made from reviewed ones, costed and checked against the budget
before anything is queued, then added to the folder's batch beside their originals.

A re-roll keeps every input and draws a new seed (a model without a seed input gets the same
body again); a variation is an editable copy. Each new job carries a link to its original,
kept in the store and the manifest, so a grid can show them as one group. Run the added jobs
by resuming the batch: ``planning.plan_resume(store, ...)`` continues only what is unfinished,
so the finished originals stay exactly as they are.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.core.i18n import translate
from app.engine.jobs.spec import JobSpec, validate_job
from app.engine.run.planning import queued_records
from app.engine.atlas.pricing import ESTIMATE, Cost, PriceTable, format_cost, quote_bodies, summarize
from app.engine.run.budget import Budget
from app.engine.run.records import JobRecord
from app.engine.review.session import ReviewItem, ReviewSession
from app.engine.run.store import JobLink

REROLL, VARY = "reroll", "vary"
SEED_FIELD = "seed"
DEFAULT_SEED_MAX = 2**31 - 1


class RerollError(ValueError):
    """New jobs that cannot be planned or added; the message is a sentence for the user."""


class BudgetExceeded(RerollError):
    pass


@dataclass
class PlannedJob:
    spec: JobSpec
    link: JobLink
    cost: Cost | None = None


@dataclass
class Plan:
    jobs: list[PlannedJob]
    total: Decimal
    basis: str
    problem: str | None = None  # why the budget refuses it; None when it fits
    note: str | None = None  # e.g. live prices were unavailable, so these are estimates

    def total_label(self) -> str:
        return format_cost(self.total, self.basis)

    @property
    def fits(self) -> bool:
        return self.problem is None


def _origin(item: ReviewItem) -> JobLink:
    """A re-roll of a re-roll belongs to the first original, so a group never nests."""
    if item.link is not None:
        return item.link
    return JobLink(REROLL, item.key.batch, item.key.position, item.name)


def _unique_name(base: str, label: str, taken: set[str]) -> str:
    number = 1
    while (name := f"{base} ({label} {number})") in taken:
        number += 1
    taken.add(name)
    return name


def fresh_seed(model: ModelInfo, original: object, rng: random.Random) -> int | None:
    """A random seed the schema accepts, other than the original and the "pick one at random"
    default; None when the model takes no seed."""
    prop = model.properties.get(SEED_FIELD)
    if not isinstance(prop, dict) or prop.get("type") != "integer":
        return None
    low = max(int(prop.get("minimum", 0)), 0)
    high = int(prop.get("maximum", DEFAULT_SEED_MAX))
    avoid = {original, prop.get("default")}
    if high - low + 1 <= sum(1 for value in avoid if isinstance(value, int) and low <= value <= high):
        return None
    while (seed := rng.randint(low, high)) in avoid:
        pass
    return seed


def plan_reroll(items: Iterable[ReviewItem], catalog: Catalog, *, taken_names: Iterable[str] = (),
                budget: Budget | None = None, prices: PriceTable | None = None, client=None,
                rng: random.Random | None = None) -> Plan:
    """The same inputs with a new seed for each item, named beside its original, costed (a
    live quote with ``client``, else an estimate) and checked against ``budget``.

    Reads model schemas: with a lazy catalog, call it off the GUI thread."""
    rng = rng or random.SystemRandom()
    taken = set(taken_names)
    jobs = []
    for item in items:
        model = _model(catalog, item.spec)
        origin = _origin(item)
        inputs = copy.deepcopy(item.spec.inputs)
        seed = fresh_seed(model, inputs.get(SEED_FIELD), rng)
        if seed is not None:
            inputs[SEED_FIELD] = seed
        spec = JobSpec(_unique_name(origin.origin_name, translate("Review", "re-roll"), taken), item.model, inputs,
                       item.spec.output_subfolder, item.spec.image_from)
        jobs.append(PlannedJob(spec, JobLink(REROLL, origin.origin_batch, origin.origin_position,
                                             origin.origin_name)))
    return price_plan(jobs, catalog, budget=budget, prices=prices, client=client)


def plan_vary(item: ReviewItem, *, taken_names: Iterable[str] = ()) -> PlannedJob:
    """An editable copy of the item, linked to its original; cost it with ``price_plan`` once edited."""
    origin = _origin(item)
    spec = JobSpec(_unique_name(origin.origin_name, translate("Review", "variation"), set(taken_names)), item.model,
                   copy.deepcopy(item.spec.inputs), item.spec.output_subfolder, item.spec.image_from)
    return PlannedJob(spec, JobLink(VARY, origin.origin_batch, origin.origin_position, origin.origin_name))


def price_plan(jobs: list[PlannedJob], catalog: Catalog, *, budget: Budget | None = None,
               prices: PriceTable | None = None, client=None) -> Plan:
    prices = prices or PriceTable.load()
    models = [_model(catalog, job.spec) for job in jobs]
    note = None
    quotes: dict[int, Cost] = {}
    if client is not None:
        quotes, problem = quote_bodies(client, [job.spec.quote_body(model) for job, model in zip(jobs, models)])
        if problem:
            note = translate("Review", "live prices are unavailable ({reason}); these are estimates").format(
                reason=problem)
    for index, (job, model) in enumerate(zip(jobs, models)):
        job.cost = quotes.get(index) or prices.estimate(model, job.spec.inputs)
    summary = summarize([job.spec.model for job in jobs], [job.cost for job in jobs])
    basis = summary.basis if jobs else ESTIMATE
    problem = (budget or Budget()).problem(len(jobs), summary.total, basis) if jobs else None
    return Plan(jobs, summary.total, basis, problem, note)


def append_to_batch(session: ReviewSession, plan: Plan, catalog: Catalog,
                    prices: PriceTable | None = None) -> list[JobRecord]:
    """Adds the plan's jobs to the end of the session's batch, queued, with their links; resume
    the batch to run them. Refuses a plan over budget, an invalid job, or a folder without a
    job store. Do it while the batch is not running (its runner would not see them)."""
    if plan.problem:
        raise BudgetExceeded(plan.problem)
    if not plan.jobs:
        raise RerollError(translate("Review", "nothing to add: no job was chosen"))
    if session.store is None:
        raise RerollError(translate("Review", "{folder} has only a manifest and no job store, so new jobs cannot "
                                              "join its batch; run them as a new job set").format(
            folder=session.folder))
    latest = session.store.latest_batch()
    if session.batch != latest:
        raise RerollError(translate("Review", "new jobs can only join the folder's latest batch ({latest}); this is "
                                              "batch {batch}").format(latest=latest, batch=session.batch))
    problems = []
    names = session.names()
    for planned in plan.jobs:
        problems.extend(str(problem) for problem in validate_job(planned.spec, catalog))
        if planned.spec.image_from and planned.spec.image_from not in names:
            problems.append(translate("Review", '"{name}" starts from the image of "{parent}", which is not in this '
                                                "batch").format(name=planned.spec.name,
                                                                parent=planned.spec.image_from))
        if planned.spec.name in names:
            problems.append(translate("Review", 'the batch already has a job named "{name}"').format(
                name=planned.spec.name))
    if problems:
        raise RerollError("\n".join(problems))
    quotes = {index: planned.cost for index, planned in enumerate(plan.jobs)
              if planned.cost is not None and planned.cost.is_quote}
    records = queued_records([planned.spec for planned in plan.jobs], catalog, prices=prices, quotes=quotes)
    session.store.append(session.batch, records, [planned.link for planned in plan.jobs])
    session.reload()
    return records


def _model(catalog: Catalog, spec: JobSpec) -> ModelInfo:
    model = catalog.get(spec.model)
    if model is None:
        raise RerollError(translate("Review", '"{name}" uses {model}, which the catalog no longer lists').format(
            name=spec.name, model=spec.model))
    return model
