"""Reads the job format popular blog tutorials use, and says what it changed.

Those files carry ``type: image|video``, ``width``/``height`` for every model, wrong model
ids, Seedance at 1080p and the retired Sora 2. Each is translated to the real protocol or
refused with a sentence that says what to use instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.engine.core import i18n
from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.jobs.spec import JobSpec

# Ids the popular tutorials use, and what Atlas Cloud actually calls those models.
KNOWN_WRONG_IDS = {
    "google/imagen4-ultra/text-to-image": "google/imagen4-ultra",
    "google/imagen4/text-to-image": "google/imagen4",
    "google/imagen4-fast/text-to-image": "google/imagen4-fast",
    "black-forest-labs/flux-2-pro": "black-forest-labs/flux-2-pro/text-to-image",
    "black-forest-labs/flux-2-pro/text-to-image-pro": "black-forest-labs/flux-2-pro/text-to-image",
    "bytedance/seedance-v1.5-pro": "bytedance/seedance-v1.5-pro/text-to-video",
    "bytedance/seedance-1.5-pro/text-to-video": "bytedance/seedance-v1.5-pro/text-to-video",
    "google/veo3.1": "google/veo3.1/text-to-video",
    "google/veo-3.1/text-to-video": "google/veo3.1/text-to-video",
    "google/veo-3.1-fast/text-to-video": "google/veo3.1-fast/text-to-video",
}
NOT_INPUTS = {"name", "id", "type", "model", "width", "height", "output_subfolder", "output", "filename"}
_SECONDS = re.compile(r"^\s*(\d+)\s*s(ec(onds?)?)?\s*$")


class TutorialError(ValueError):
    """Every problem of a tutorial-style file, one sentence each (the job-set reader shows them)."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class TutorialJobs:
    """What a tutorial-style file says, in the real protocol."""

    jobs: list[JobSpec]
    output_dir: str | None = None
    concurrency: int | None = None
    notices: list[str] = field(default_factory=list)


def resolve_model_id(model_id: str, kind: str | None, catalog: Catalog) -> tuple[str | None, str | None]:
    """(real id, notice) or (None, reason)."""
    if "sora" in model_id.lower() and model_id not in catalog:
        return None, i18n.translate("JobSet", "model {model} is retired: Sora 2 is no longer offered by Atlas Cloud; "
                                              "use google/veo3.1/text-to-video or "
                                              "bytedance/seedance-v1.5-pro/text-to-video instead").format(
                                                  model=model_id)
    if model_id in catalog:
        return model_id, None
    candidates = [KNOWN_WRONG_IDS.get(model_id), model_id.removesuffix("/text-to-image"),
                  f"{model_id}/text-to-{'video' if kind == 'video' else 'image'}"]
    for candidate in candidates:
        if candidate and candidate in catalog:
            return candidate, i18n.translate("JobSet", "model {model} is called {candidate} on Atlas Cloud; using "
                                                       "{candidate}").format(model=model_id, candidate=candidate)
    nearest = catalog.nearest(model_id)
    hint = i18n.translate("Validation", "; did you mean {names}?").format(
        names=i18n.translate("Validation", " or ").join(nearest)) if nearest else ""
    return None, i18n.translate("Validation", "unknown model {model}{hint}").format(model=model_id, hint=hint)


def nearest_aspect_ratio(width: int, height: int, choices: list[str]) -> str:
    wanted = width / height

    def distance(choice: str) -> float:
        a, b = (float(part) for part in choice.split(":"))
        return abs(a / b - wanted)

    return min(choices, key=distance)


def translate(document: dict, source: str, catalog: Catalog) -> TutorialJobs:
    notices = [i18n.translate("JobSet", "{source}: read as a tutorial-style job list and translated to the Atlas "
                                        "Cloud protocol").format(source=source)]
    problems: list[str] = []
    jobs: list[JobSpec] = []
    for index, item in enumerate(document["jobs"]):
        if not isinstance(item, dict):
            problems.append(i18n.translate("JobSet", "{source}: jobs[{index}] must be a mapping").format(
                                source=source, index=index))
            continue
        name = str(item.get("name") or item.get("id") or f"job {index + 1}")
        where = f'jobs[{index}] "{name}"'
        kind = str(item.get("type", "")).lower() or None
        if kind not in (None, "image", "video"):
            problems.append(i18n.translate("JobSet", "{where}: type must be image or video, not "
                                                     "{item}").format(
                                where=where, item=repr(item['type'])))
            continue
        raw_model = item.get("model")
        if not isinstance(raw_model, str) or not raw_model:
            problems.append(i18n.translate("JobSet", "{where}: model is required").format(where=where))
            continue
        model_id, message = resolve_model_id(raw_model, kind, catalog)
        if model_id is None:
            problems.append(f"{where}: {message}")
            continue
        if message:
            notices.append(f"{where}: {message}")
        model = catalog.get(model_id)
        if kind and model.type.lower() != kind:
            problems.append(i18n.translate("JobSet", "{where}: type is {kind} but {model_id} makes "
                                                     "{made}s").format(
                                where=where, kind=kind, model_id=model_id, made=model.type.lower()))
            continue
        inputs = {key: value for key, value in item.items() if key not in NOT_INPUTS}
        problems.extend(f"{where}: {p}" for p in _translate_inputs(item, inputs, model, notices, where))
        subfolder = item.get("output_subfolder")
        jobs.append(JobSpec(name, model_id, inputs, subfolder if isinstance(subfolder, str) else None))
    if problems:
        raise TutorialError(problems)
    output_dir = document.get("output_dir") or document.get("output")
    concurrency = document.get("concurrency")
    return TutorialJobs(jobs=jobs, output_dir=output_dir if isinstance(output_dir, str) else None,
                  concurrency=concurrency if isinstance(concurrency, int) and not isinstance(concurrency, bool)
                  else None, notices=notices)


def _translate_inputs(item: dict, inputs: dict, model: ModelInfo, notices: list[str], where: str) -> list[str]:
    problems = []
    props = model.properties
    duration = inputs.get("duration")
    if isinstance(duration, str) and (match := _SECONDS.match(duration)):
        inputs["duration"] = int(match[1])
    resolution = inputs.get("resolution")
    allowed = props.get("resolution", {}).get("enum")
    if "seedance" in model.model_id and resolution == "1080p":
        best = allowed[-1] if allowed else "720p"
        problems.append(i18n.translate("JobSet", "resolution 1080p is not offered by Seedance; use "
                                                 "{best}, the highest it renders").format(
                            best=best))
    width, height = item.get("width"), item.get("height")
    if width is not None or height is not None:
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            problems.append(i18n.translate("JobSet", "width and height must both be whole numbers of "
                                                     "pixels"))
        elif "size" in props:
            inputs["size"] = f"{width}*{height}"
            notices.append(i18n.translate("JobSet", "{where}: width {width} and height {height} "
                                                    "became size {width}*{height}").format(
                               where=where, width=width, height=height))
        elif "aspect_ratio" in props and "enum" in props["aspect_ratio"]:
            ratio = nearest_aspect_ratio(width, height, props["aspect_ratio"]["enum"])
            if "aspect_ratio" not in inputs:
                inputs["aspect_ratio"] = ratio
            notices.append(i18n.translate("JobSet", "{where}: {model_id} takes an aspect ratio, not "
                                                    "pixels; {width}x{height} became aspect_ratio "
                                                    "{inputs}").format(
                               where=where, model_id=model.model_id, width=width, height=height,
                               inputs=inputs['aspect_ratio']))
        else:
            notices.append(i18n.translate("JobSet", "{where}: {model_id} has no size input; width and "
                                                    "height were dropped").format(
                               where=where, model_id=model.model_id))
    return problems
