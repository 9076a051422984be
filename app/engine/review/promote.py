"""Promote: picked drafts re-rendered on their final tier, beside their drafts in the batch.

A final is the job as it was written before draft mode cheapened it (kept by the store, see
jobs/draft.py), or for a batch not run as drafts, the job on its final tier (its own model, or
the top tier when it ran on the cheapest). Prompt, seed and inputs are carried over; an input
the final tier lacks is named with the closest it has. "Keep this composition" starts the final
from the draft's picture where the family has an image-to-image, edit or image-to-video model
of the final's tier: the picture (a video's first frame) is a local file the runner uploads.

Costing, the budget check and adding to the batch are re-roll's (reroll.price_plan and
reroll.append_to_batch): a promotion is planned, shown, confirmed, then run by resuming the batch.
Each final carries a ``promote`` link to its draft, kept in the store and the manifest.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import av

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.atlas.ladders import Ladders
from app.engine.atlas.pricing import PriceTable
from app.engine.core.i18n import translate
from app.engine.jobs.draft import carry_inputs, finals_from_json, finals_meta_key
from app.engine.jobs.spec import JobSpec
from app.engine.review.reroll import Plan, PlannedJob, RerollError, _unique_name, price_plan
from app.engine.review.savings import PROMOTE
from app.engine.review.session import ReviewItem, ReviewSession
from app.engine.review.thumbcache import frame_picture
from app.engine.run.budget import Budget
from app.engine.run.store import JobLink

SEED_FIELD = "seed"
COMPOSITION_TASKS = {True: ("image-to-video",), False: ("image-edit", "image-to-image")}  # by is_video
FRAMES_DIR = Path(".batch-studio") / "frames"


@dataclass
class PromotePlan:
    plan: Plan
    notices: list[str] = field(default_factory=list)  # inputs carried or dropped, compositions not kept
    skipped: list[str] = field(default_factory=list)  # jobs with nothing to promote, and why


def items_to_promote(session: ReviewSession, *, picks: bool = True, names: Iterable[str] = ()) -> list[ReviewItem]:
    """The picked jobs (or the named ones, or with ``picks=False`` every finished job); finals
    are left out, and so are drafts promoted before unless they are named."""
    wanted = list(names)
    if wanted:
        missing = [name for name in wanted if session.item(name) is None]
        if missing:
            raise RerollError(translate("Promote", "the batch has no job named {names}").format(
                names=", ".join(f'"{name}"' for name in missing)))
        chosen = [session.item(name) for name in wanted]
    elif picks:
        chosen = list(dict.fromkeys(output.item for output in session.picked()))
    else:
        chosen = [item for item in session.items if item.status == "done"]
    if not wanted:
        promoted = {(item.link.origin_batch, item.link.origin_position) for item in session.items
                    if item.link is not None and item.link.kind == PROMOTE}
        chosen = [item for item in chosen if (item.key.batch, item.key.position) not in promoted]
    return [item for item in chosen if not (item.link is not None and item.link.kind == PROMOTE)]


def final_spec(session: ReviewSession, item: ReviewItem, ladders: Ladders) -> JobSpec:
    """The job the draft stands for: as written (draft batches), else on its final tier."""
    finals = finals_from_json(session.store.meta(finals_meta_key(session.batch))) if session.store else {}
    origin = item.key.position if item.link is None else item.link.origin_position
    written = finals.get(item.key.position) or finals.get(origin)
    if written is not None:
        inputs = copy.deepcopy(written.inputs)
        if SEED_FIELD in item.spec.inputs:  # a re-rolled draft keeps the seed it was picked with
            inputs[SEED_FIELD] = item.spec.inputs[SEED_FIELD]
        return JobSpec(written.name, written.model, inputs, written.output_subfolder, written.image_from)
    return JobSpec(item.name, ladders.final_model(item.model), copy.deepcopy(item.spec.inputs),
                   item.spec.output_subfolder, item.spec.image_from)


def plan_promote(session: ReviewSession, items: Iterable[ReviewItem], catalog: Catalog, ladders: Ladders, *,
                 keep_composition: bool = False, budget: Budget | None = None, prices: PriceTable | None = None,
                 client=None) -> PromotePlan:
    """Finals for ``items``, costed (a live quote with ``client``) and checked against ``budget``.
    Reads schemas and may decode a video frame: off the GUI thread."""
    taken = set(session.names())
    jobs, notices, skipped = [], [], []
    for item in items:
        final = final_spec(session, item, ladders)
        model = catalog.get(final.model)
        if model is None:
            skipped.append(translate("Promote", '"{name}": its final model {model} is not in the catalog').format(
                name=item.name, model=final.model))
            continue
        if final.model == item.model and final.inputs == item.spec.inputs and not keep_composition:
            skipped.append(translate("Promote", '"{name}" already ran on its final tier ({model})').format(
                name=item.name, model=item.model))
            continue
        inputs, carried = carry_inputs(final.inputs, model, item.name)
        notices.extend(carried)
        image_from = final.image_from
        if keep_composition:
            model, inputs, note, carried = _composed(session, item, model, inputs, ladders)
            notices.extend(carried)
            if note:
                notices.append(note)
            else:
                image_from = None
        spec = JobSpec(_unique_name(item.name, translate("Promote", "final"), taken), model.model_id, inputs,
                       final.output_subfolder, image_from)
        jobs.append(PlannedJob(spec, JobLink(PROMOTE, item.key.batch, item.key.position, item.name)))
    return PromotePlan(price_plan(jobs, catalog, budget=budget, prices=prices, client=client), notices, skipped)


def _composed(session: ReviewSession, item: ReviewItem, model: ModelInfo, inputs: dict,
              ladders: Ladders) -> tuple[ModelInfo, dict, str | None, list[str]]:
    """The final model and inputs that start from the draft's picture, or why they cannot, and
    the inputs carried to that model under other names or dropped."""
    output = next((o for o in item.outputs if o.file is not None and o.file.is_file()), None)
    if output is None:
        return model, inputs, translate("Promote", '"{name}" has no output file to keep the composition of').format(
            name=item.name), []
    target = model if _picture_field(model) else next(
        (other for other in ladders.same_line(model.model_id, COMPOSITION_TASKS[model.is_video])
         if _picture_field(other)), None)
    if target is None:
        return model, inputs, translate("Promote", '"{name}": the family of {model} offers no image-to-image, edit '
                                                   "or image-to-video model, so the final starts from the prompt "
                                                   "and seed only").format(name=item.name, model=model.model_id), []
    picture = _first_frame(session.folder, item.name, output.file) if output.is_video else output.file
    carried, notices = carry_inputs(inputs, target, item.name) if target is not model else (dict(inputs), [])
    name, listed = _picture_field(target)
    carried[name] = [str(picture)] if listed else str(picture)
    return target, carried, None, notices


def _picture_field(model: ModelInfo) -> tuple[str, bool] | None:
    """The input a start or reference picture goes in, and whether it takes a list."""
    fields = model.image_fields()
    if fields:
        return fields[0], False
    for name, shape in model.shapes.items():
        if shape.is_media and shape.media == "image":
            return name, True
    return None


def _first_frame(folder: Path, name: str, video: Path) -> Path:
    """The draft video's first frame as a PNG in the folder's own state directory."""
    digest = hashlib.sha256(f"{name}/{video}".encode()).hexdigest()[:16]
    target = folder / FRAMES_DIR / f"{digest}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0))
        frame_picture(frame, frame.width, frame.height).save(target)
    return target
