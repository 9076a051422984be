"""Draft mode: each job explored on the cheapest tier of its model family, at the draft
resolution and length that tier allows, prompt and seed kept; the job as written is its final.

A draft keeps what makes the picture (prompt, seed, inputs); it only changes what makes it
cheap. An input the draft tier lacks is carried under the name the tier has for it (``sound``
for ``generate_audio``) or dropped, and each job says which. A model with no cheaper tier runs
as itself: its output is already the final.

The finals are remembered beside the batch (``finals_to_json``; the store keeps the text under
``finals_meta_key(batch)``), so promoting a pick later runs exactly the job that was written.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.atlas.ladders import Ladders
from app.engine.core.i18n import translate
from app.engine.jobs.spec import JobSpec

DRAFT_RESOLUTION = "720p"
# Names Atlas models give one idea (../shared/atlas-api.md, "Same idea, different names").
SYNONYMS = (
    ("generate_audio", "sound", "bgm"),
    ("num_images", "max_images", "num_outputs", "n"),
    ("guidance_scale", "cfg_scale"),
    ("prompt_extend", "enable_prompt_expansion"),
    ("image", "image_url", "start_image", "first_image"),
    ("last_image", "end_image", "tail_image"),
    ("images", "reference_images", "image_urls"),
)
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(k|p)?", re.I)


@dataclass
class DraftJob:
    draft: JobSpec  # what runs now
    final: JobSpec  # the job as written: what a promotion runs
    notices: list[str] = field(default_factory=list)

    @property
    def laddered(self) -> bool:
        """Whether the draft is cheaper than the final (another tier, or smaller settings)."""
        return self.draft.model != self.final.model or self.draft.inputs != self.final.inputs


def _size(value: object) -> float:
    """How big a resolution choice is: "480p" < "720p" < "1080p" < "2k" < "4k"."""
    match = _NUMBER.search(str(value))
    if not match:
        return float("inf")
    number = float(match.group(1))
    return number * 1000 if (match.group(2) or "").lower() == "k" else number


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).strip().rstrip("s"))
    except (InvalidOperation, ValueError):
        return None


def closest_input(name: str, model: ModelInfo) -> str | None:
    """The model's input that means what ``name`` means elsewhere: a known synonym first, then
    the nearest spelling; None when it has nothing like it."""
    properties = model.properties
    for group in SYNONYMS:
        if name in group:
            found = next((other for other in group if other in properties), None)
            if found:
                return found
    close = difflib.get_close_matches(name, list(properties), n=1, cutoff=0.75)
    return close[0] if close else None


def carry_inputs(inputs: dict, model: ModelInfo, job_name: str) -> tuple[dict, list[str]]:
    """The inputs as ``model`` takes them: each one it lacks carried to the closest it has, or
    dropped; each change said in a sentence naming the job."""
    carried, notices = {}, []
    properties = model.properties
    for name, value in inputs.items():
        if name in properties:
            carried.setdefault(name, value)
            continue
        target = closest_input(name, model)
        if target is not None and target not in inputs:
            carried[target] = value
            notices.append(translate("Draft", '"{job}": {model} has no {name}; its {target} is the closest, and '
                                              "takes the value").format(job=job_name, model=model.model_id,
                                                                        name=name, target=target))
        else:
            notices.append(translate("Draft", '"{job}": {model} has no {name} and nothing like it; it was left '
                                              "out").format(job=job_name, model=model.model_id, name=name))
    for name, value in list(carried.items()):
        choices = properties.get(name, {}).get("enum") if isinstance(properties.get(name), dict) else None
        if isinstance(choices, list) and choices and value not in choices and str(value) not in map(str, choices):
            fallback = properties[name].get("default", choices[0])
            carried[name] = fallback
            notices.append(translate("Draft", '"{job}": {model} does not offer {name} {value}; it uses {fallback}')
                           .format(job=job_name, model=model.model_id, name=name, value=value, fallback=fallback))
    return carried, notices


def draft_settings(model: ModelInfo, inputs: dict) -> dict:
    """The inputs with the draft resolution (720p, else the lowest) and the shortest clip."""
    settings = dict(inputs)
    resolution = model.properties.get("resolution")
    if isinstance(resolution, dict) and isinstance(resolution.get("enum"), list) and resolution["enum"]:
        choices = resolution["enum"]
        settings["resolution"] = DRAFT_RESOLUTION if DRAFT_RESOLUTION in choices else min(choices, key=_size)
    duration = model.properties.get("duration")
    if isinstance(duration, dict) and model.is_video:
        choices = duration.get("enum")
        if isinstance(choices, list) and choices:
            numbered = [choice for choice in choices if _number(choice) is not None]
            if numbered:
                settings["duration"] = min(numbered, key=_number)
        elif isinstance(duration.get("minimum"), (int, float)):
            settings["duration"] = duration["minimum"]
    return _fit_rules(model, settings)


def _fit_rules(model: ModelInfo, settings: dict) -> dict:
    """Veo asks for 8 s at 1080p and 4k: a draft at a higher resolution keeps a legal length."""
    from app.engine.jobs.spec import validate_job

    if not validate_job(JobSpec("draft", model.model_id, settings), _OneModel(model)):
        return settings
    duration = model.properties.get("duration", {})
    choices = duration.get("enum") if isinstance(duration, dict) else None
    for choice in sorted((c for c in choices or () if _number(c) is not None), key=_number):
        trial = {**settings, "duration": choice}
        if not validate_job(JobSpec("draft", model.model_id, trial), _OneModel(model)):
            return trial
    return settings


class _OneModel:
    """Just enough of a Catalog for validating one job against one model."""

    def __init__(self, model: ModelInfo):
        self.model = model

    def get(self, model_id: str) -> ModelInfo | None:
        return self.model if model_id == self.model.model_id else None

    def __contains__(self, model_id: str) -> bool:
        return model_id == self.model.model_id

    def nearest(self, model_id: str, count: int = 3) -> list[str]:
        return []


def draft_job(job: JobSpec, catalog: Catalog, ladders: Ladders) -> DraftJob:
    """Reads the schemas of the job's model and of its draft tier: off the GUI thread."""
    final = JobSpec(job.name, job.model, copy.deepcopy(job.inputs), job.output_subfolder, job.image_from,
                    job.prompt_as_written)
    if ladders.of(job.model) is None or catalog.get(job.model) is None:
        return DraftJob(final, final, [translate("Draft", '"{job}": {model} comes in no cheaper tier; it runs as '
                                                          "itself and its output is the final").format(
            job=job.name, model=job.model)])
    target = catalog.get(ladders.draft_model(job.model))
    inputs, notices = carry_inputs(job.inputs, target, job.name)
    draft = JobSpec(job.name, target.model_id, draft_settings(target, inputs), job.output_subfolder, job.image_from,
                    job.prompt_as_written)
    top = catalog.get(ladders.final_model(job.model))
    if top is not None and top.model_id != job.model:
        # A job written on the cheapest tier is already a draft: its final is the top tier.
        final_inputs, carried = carry_inputs(job.inputs, top, job.name)
        final = JobSpec(job.name, top.model_id, final_inputs, job.output_subfolder, job.image_from,
                        job.prompt_as_written)
        notices.extend(carried)
    return DraftJob(draft, final, notices)


def draft_jobs(jobs: list[JobSpec], catalog: Catalog, ladders: Ladders) -> list[DraftJob]:
    return [draft_job(job, catalog, ladders) for job in jobs]


def finals_meta_key(batch: int) -> str:
    return f"draft-finals:{batch}"


def finals_to_json(drafts: list[DraftJob], first: int = 0) -> str:
    """The finals by position in the batch (the first of ``drafts`` at ``first``), as the store keeps them."""
    return json.dumps({str(position): {"name": d.final.name, "model": d.final.model, "inputs": d.final.inputs,
                                       "output_subfolder": d.final.output_subfolder, "image_from": d.final.image_from}
                       for position, d in enumerate(drafts, first)}, ensure_ascii=False)


def joined_json_objects(parts: list[str]) -> str:
    """One JSON object from the texts of several whose keys differ, without decoding them: a
    50,000-job batch's finals are encoded a slice at a time (``finals_to_json(slice, first)``)."""
    return "{" + ", ".join(part[1:-1] for part in parts if part != "{}") + "}"


def finals_from_json(text: str | None) -> dict[int, JobSpec]:
    if not text:
        return {}
    try:
        document = json.loads(text)
        return {int(position): JobSpec(entry["name"], entry["model"], entry.get("inputs") or {},
                                       entry.get("output_subfolder"), entry.get("image_from"))
                for position, entry in document.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
