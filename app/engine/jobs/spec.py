"""Job specs and their validation against each model's input schema.

Problems are located and actionable: they name the job, the field, the value, what is
allowed and the model, so a user can fix a 500-line job set without guessing.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft7Validator

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.core.i18n import translate
from app.engine.jobs.outputs import subfolder_problem
from app.engine.atlas.shapes import is_remote_media, location, media_values, replaced_at

_SIZE = re.compile(r"^(\d+)\*(\d+)$")


@dataclass
class JobSpec:
    name: str
    model: str
    inputs: dict = field(default_factory=dict)
    output_subfolder: str | None = None
    # The name of another job whose output image becomes this job's start image.
    image_from: str | None = None
    # The prompt as the user wrote it, where prompt help (translate, improve) replaced it with the
    # one sent; the manifest and the recipe keep both. None when the prompt sent is the one written.
    prompt_as_written: str | None = None

    def request_body(self, model: ModelInfo | None = None) -> dict:
        """The flat submit body; schema defaults filled in so quotes and charges agree."""
        if model is None:
            inputs = dict(self.inputs)
        else:
            inputs = {**model.defaults(), **normalised_inputs(model, self.inputs)[0]}
        if self.image_from and model is not None and model.image_fields():
            # Priced like the real body; the start image does not change the price.
            inputs.setdefault(model.image_fields()[0], CHAINED_IMAGE_PLACEHOLDER)
        return {"model": self.model, **inputs}

    def quote_body(self, model: ModelInfo) -> dict:
        """The body to price: local files are uploaded only at submit, and a path would make
        the quote call refuse the body; what a file holds never changes the price."""
        body = self.request_body(model)
        for item in media_values(body, model.properties):
            if isinstance(item.value, str) and item.value and not is_remote_media(item.value):
                body = replaced_at(body, item.path, LOCAL_MEDIA_PLACEHOLDER[item.media])
        return body


@dataclass(frozen=True)
class Problem:
    index: int | None
    job_name: str | None
    message: str

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        return f'jobs[{self.index}] "{self.job_name}": {self.message}'


@lru_cache(maxsize=256)
def _validator(model: ModelInfo) -> Draft7Validator:
    return Draft7Validator(model.input_schema)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"' if (not value or " " in value or value != value.strip()) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 80 else text[:77] + "..."
    return str(value)


def _choices(values) -> str:
    return ", ".join(_show(v) for v in values)


def _value_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    return "other"


def _typed_choices(values: list) -> str:
    """Choices whose type differs from what was given: text in quotes, and the type named,
    so "5" and 5 no longer read alike."""
    shown = ", ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, str) else _show(v) for v in values)
    kinds = {_value_kind(v) for v in values}
    if len(kinds) != 1:
        return shown
    word = {"text": translate("Validation", "text"), "number": translate("Validation", "numbers"),
            "boolean": translate("Validation", "true or false")}.get(kinds.pop())
    return translate("Validation", "{choices} ({kind})").format(choices=shown, kind=word) if word else shown


def _same_number(text: str, number: float) -> bool:
    try:
        parsed = float(text)
    except ValueError:
        return False
    return math.isfinite(parsed) and parsed == number


def normalised_inputs(model: ModelInfo, inputs: dict) -> tuple[dict, dict[str, str]]:
    """Inputs as the API wants them, and what could not be made so ({field: problem}).

    YAML reads ``duration: 5`` as a number, but some models list their durations as the
    strings "5" and "10": a number that names exactly one of a string enum's choices becomes
    that choice. Nothing else changes type; a number that could mean two choices is a problem.
    Validation and the request body both go through here, so what is checked is what is sent.
    """
    values = dict(inputs)
    problems = {}
    for name, value in inputs.items():
        prop = model.properties.get(name)
        if not isinstance(prop, dict) or isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        choices = prop.get("enum")
        if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
            continue
        matches = [choice for choice in choices if _same_number(choice, value)]
        if len(matches) == 1:
            values[name] = matches[0]
        elif matches:
            problems[name] = translate("Validation", "{name} {value} could mean any of {choices}; write the one "
                                                     "you mean in quotes for {model}").format(
                name=name, value=_show(value), choices=_typed_choices(matches), model=model.model_id)
    return values, problems


def _range(schema: dict) -> str:
    """The limits a number field states, to follow "a whole number": " from 4 to 12",
    " at least 0", " above 0 and below 1"."""
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low is not None and high is not None:
        return translate("Validation", " from {low} to {high}").format(low=low, high=high)
    parts = []
    if low is not None:
        parts.append(translate("Validation", "at least {low}").format(low=low))
    if isinstance(above, (int, float)) and not isinstance(above, bool):
        parts.append(translate("Validation", "above {low}").format(low=above))
    if high is not None:
        parts.append(translate("Validation", "at most {high}").format(high=high))
    if isinstance(below, (int, float)) and not isinstance(below, bool):
        parts.append(translate("Validation", "below {high}").format(high=below))
    return (" " + translate("Validation", " and ").join(parts)) if parts else ""


def _schema_problem(error, model: ModelInfo, inputs: dict) -> str:
    path = list(error.absolute_path)
    name = location(path)
    value = error.instance
    suffix = translate("Validation", " for {model}").format(model=model.model_id)
    kind = error.validator
    schema_path = list(error.schema_path)
    if schema_path[:1] == ["allOf"] and len(schema_path) > 1:
        rule = model.input_schema["allOf"][schema_path[1]]
        description = rule.get("description") or translate("Validation", "a rule of this model")
        conditions = ", ".join(f"{k} {_show(inputs.get(k))}" for k in rule.get("if", {}).get("properties", {})
                               if k in inputs)
        context = translate("Validation", " with {conditions}").format(conditions=conditions) if conditions else ""
        return translate("Validation", "{name} {value} is not allowed{context}: {rule}{suffix}").format(
            name=name, value=_show(value), context=context, rule=description, suffix=suffix)
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return translate("Validation", "{name} is required{suffix}").format(
            name=f"{name}.{missing}" if name else missing, suffix=suffix)
    if kind == "enum":
        choices = list(error.validator_value)
        if _value_kind(value) not in {_value_kind(choice) for choice in choices}:
            shown = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else _show(value)
            return translate("Validation", "{name} {value} is not one of {choices}{suffix}").format(
                name=name, value=shown, choices=_typed_choices(choices), suffix=suffix)
        return translate("Validation", "{name} {value} is not one of {choices}{suffix}").format(
            name=name, value=_show(value), choices=_choices(choices), suffix=suffix)
    if kind == "minimum":
        return translate("Validation", "{name} {value} is below the minimum {limit}{suffix}").format(
            name=name, value=_show(value), limit=error.validator_value, suffix=suffix)
    if kind == "maximum":
        return translate("Validation", "{name} {value} is above the maximum {limit}{suffix}").format(
            name=name, value=_show(value), limit=error.validator_value, suffix=suffix)
    if kind == "exclusiveMinimum":
        return translate("Validation", "{name} {value} must be above {limit}{suffix}").format(
            name=name, value=_show(value), limit=error.validator_value, suffix=suffix)
    if kind == "exclusiveMaximum":
        return translate("Validation", "{name} {value} must be below {limit}{suffix}").format(
            name=name, value=_show(value), limit=error.validator_value, suffix=suffix)
    if kind == "multipleOf":
        return translate("Validation", "{name} {value} must be a multiple of {step}{suffix}").format(
            name=name, value=_show(value), step=error.validator_value, suffix=suffix)
    if kind in ("minItems", "maxItems") and isinstance(value, list):
        count = (translate("Validation", "{name} has 1 item") if len(value) == 1 else
                 translate("Validation", "{name} has {count} items")).format(name=name, count=len(value))
        limit = (translate("Validation", "at least {limit}") if kind == "minItems" else
                 translate("Validation", "at most {limit}")).format(limit=error.validator_value)
        return translate("Validation", "{count}; {limit}{suffix}").format(count=count, limit=limit, suffix=suffix)
    if kind == "uniqueItems":
        return translate("Validation", "{name} lists the same item more than once{suffix}").format(
            name=name, suffix=suffix)
    if kind == "additionalProperties" and isinstance(value, dict) and path:
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [str(key) for key in value if key not in known]
        return translate("Validation", "{name} has an unknown key {key} (known: {names}){suffix}").format(
            name=name, key=", ".join(extra), names=", ".join(known) or "-", suffix=suffix)
    if kind == "type":
        wanted = {"integer": translate("Validation", "a whole number"), "number": translate("Validation", "a number"),
                  "string": translate("Validation", "text"), "boolean": translate("Validation", "true or false"),
                  "array": translate("Validation", "a list"), "object": translate("Validation", "a mapping"),
                  }.get(str(error.validator_value), error.validator_value)
        if error.validator_value in ("integer", "number") and isinstance(error.schema, dict):
            wanted = f"{wanted}{_range(error.schema)}"
        return translate("Validation", "{name} {value} must be {wanted}{suffix}").format(
            name=name, value=_show(value), wanted=wanted, suffix=suffix)
    if kind == "minLength":
        return translate("Validation", "{name} must not be empty{suffix}").format(name=name, suffix=suffix)
    if kind == "maxLength":
        return translate("Validation", "{name} is {length} characters; the limit is {limit}{suffix}").format(
            name=name, length=len(value), limit=error.validator_value, suffix=suffix)
    if kind == "pattern":
        example = model.properties.get(name, {}).get("default")
        hint = translate("Validation", ", for example {example}").format(example=example) if example else ""
        return translate("Validation", "{name} {value} is not in the expected format{hint}{suffix}").format(
            name=name, value=_show(value), hint=hint, suffix=suffix)
    if kind == "const":
        return translate("Validation", "{name} {value} must be {wanted}{suffix}").format(
            name=name, value=_show(value), wanted=_show(error.validator_value), suffix=suffix)
    return f"{name or 'inputs'}: {error.message}{suffix}"


def _rule_problems(model: ModelInfo, inputs: dict) -> list[str]:
    """Limits the catalog states as x- keys, which plain JSON Schema cannot express."""
    problems = _media_problems(model, inputs)
    for name, prop in model.properties.items():
        value = inputs.get(name)
        if not isinstance(value, str):
            continue
        match = _SIZE.match(value) if "x-max-pixels" in prop else None
        if match:
            width, height = int(match[1]), int(match[2])
            low, high = prop.get("x-min-side", 1), prop.get("x-max-side", 1 << 30)
            if not (low <= width <= high and low <= height <= high):
                problems.append(translate("Validation", "{name} {value}: each side must be between {low} and {high} "
                                          "pixels for {model}").format(name=name, value=value, low=low, high=high,
                                                                       model=model.model_id))
            elif width * height > prop["x-max-pixels"]:
                problems.append(translate("Validation", "{name} {value} is {megapixels} megapixels; {model} allows "
                                          "up to {limit}").format(
                    name=name, value=value, megapixels=f"{width * height / 1e6:.1f}", model=model.model_id,
                    limit=f"{prop['x-max-pixels'] / 1e6:.1f}"))
    return problems


def _media_problems(model: ModelInfo, inputs: dict) -> list[str]:
    """Each local file in a media field or list item must be something the upload accepts."""
    problems = []
    for item in media_values(inputs, model.properties):
        if not isinstance(item.value, str):
            continue  # the schema check names the wrong type
        if item.value == "" and len(item.path) == 1:
            # Clients send "" for an unused optional field (end_image: ""), and so may we.
            if item.path[0] in model.required:
                problems.append(translate("Validation", "{name} must not be empty{suffix}").format(
                    name=item.label, suffix=translate("Validation", " for {model}").format(model=model.model_id)))
            continue
        if is_remote_media(item.value, item.media):
            continue
        problem = local_media_problem(item.value, item.media)
        if problem:
            problems.append(f"{item.label}: {problem}")
    return problems


MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHAINED_IMAGE_PLACEHOLDER = "https://chained.batch-studio.invalid/start.png"
LOCAL_MEDIA_PLACEHOLDER = {"image": "https://local.batch-studio.invalid/file.png",
                           "video": "https://local.batch-studio.invalid/file.mp4",
                           "audio": "https://local.batch-studio.invalid/file.mp3"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".webm", ".m4v", ".mkv", ".avi"}
AUDIO_SUFFIXES = {".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac", ".opus"}
MEDIA_SUFFIXES = {"image": IMAGE_SUFFIXES, "video": VIDEO_SUFFIXES, "audio": AUDIO_SUFFIXES}


def local_media_problem(value: str, media: str) -> str | None:
    """A local file is uploaded before submit; refuse here what the upload would refuse."""
    path = Path(value).expanduser()
    if not path.is_file():
        missing = {
            "image": translate("Validation", "{value} is neither an http(s) URL, a data:image URI nor an existing "
                                             "image file"),
            "video": translate("Validation", "{value} is neither an http(s) URL, a data:video URI nor an existing "
                                             "video file"),
            "audio": translate("Validation", "{value} is neither an http(s) URL, a data:audio URI nor an existing "
                                             "audio file"),
        }[media]
        return missing.format(value=value if value else '""')
    suffixes = MEDIA_SUFFIXES[media]
    if path.suffix.lower() not in suffixes:
        wrong = {"image": translate("Validation", "{file} is not an image ({suffixes})"),
                 "video": translate("Validation", "{file} is not a video ({suffixes})"),
                 "audio": translate("Validation", "{file} is not an audio file ({suffixes})")}[media]
        return wrong.format(file=path.name, suffixes=", ".join(sorted(suffixes)))
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return translate("Validation", "{file} is {size} MB; uploads are limited to {limit} MB").format(
            file=path.name, size=f"{size / 1048576:.1f}", limit=MAX_UPLOAD_BYTES // 1048576)
    return None


def validate_job(job: JobSpec, catalog: Catalog, index: int | None = None) -> list[Problem]:
    def problem(message: str) -> Problem:
        return Problem(index, job.name, message)

    problems = []
    if not isinstance(job.name, str) or not job.name.strip():
        problems.append(problem(translate("Validation", "name must not be empty")))
    if (folder_problem := subfolder_problem(job.output_subfolder)) is not None:
        problems.append(problem(folder_problem))
    model = catalog.get(job.model)
    if model is None:
        nearest = catalog.nearest(job.model)
        hint = translate("Validation", "; did you mean {names}?").format(
            names=translate("Validation", " or ").join(nearest)) if nearest else ""
        return problems + [problem(translate("Validation", "unknown model {model}{hint}").format(model=job.model,
                                                                                                 hint=hint))]
    if not isinstance(job.inputs, dict):
        return problems + [problem(translate("Validation", "inputs must be a mapping of field names to values"))]
    inputs = job.inputs
    if job.image_from:
        fields = model.image_fields()
        if not fields:
            return problems + [problem(translate("Validation", "image_from needs a model that takes a start image; "
                                                 "{model} takes none (use an image-to-video model)").format(
                model=model.model_id))]
        if fields[0] in inputs:
            problems.append(problem(translate("Validation", "give either {field} or image_from, not both").format(
                field=fields[0])))
        # The parent's output fills it at run time; check the rest against the schema now.
        inputs = {**inputs, fields[0]: CHAINED_IMAGE_PLACEHOLDER}
    inputs, normalising = normalised_inputs(model, inputs)
    for name in job.inputs:
        if name not in model.properties:
            close = difflib.get_close_matches(str(name), list(model.properties), n=1)
            hint = (translate("Validation", "; did you mean {names}?").format(names=close[0]) if close else
                    translate("Validation", "; known inputs: {names}").format(names=", ".join(model.field_order)))
            problems.append(problem(translate("Validation", "unknown input {name} for {model}{hint}").format(
                name=name, model=model.model_id, hint=hint)))
    problems.extend(problem(message) for message in normalising.values())
    # An ambiguous number is reported once, as such, not again as outside the enum.
    errors = [e for e in _validator(model).iter_errors(inputs) if not (e.absolute_path and
                                                                       e.absolute_path[0] in normalising)]
    # A value outside an enum is also of the wrong type; the enum message says both.
    enum_paths = {tuple(e.absolute_path) for e in errors if e.validator == "enum"}
    errors = sorted((e for e in errors if not (e.validator == "type" and tuple(e.absolute_path) in enum_paths)),
                    key=lambda e: ([(0, step) if isinstance(step, int) else (1, str(step))
                                   for step in e.absolute_path], e.validator))
    messages = [_schema_problem(error, model, inputs) for error in errors] + _rule_problems(model, inputs)
    problems.extend(problem(message) for message in dict.fromkeys(messages))
    return problems


def validate_jobs(jobs: list[JobSpec], catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    if not jobs:
        return [Problem(None, None, translate("Validation", "the job set has no jobs"))]
    for index, job in enumerate(jobs):
        problems.extend(validate_job(job, catalog, index))
    problems.extend(chain_problems(jobs, catalog))
    return problems


def chain_problems(jobs: list[JobSpec], catalog: Catalog) -> list[Problem]:
    """image_from must name exactly one job that makes an image, without loops."""
    problems = []
    by_name: dict[str, list[int]] = {}
    for index, job in enumerate(jobs):
        by_name.setdefault(job.name, []).append(index)
    for index, job in enumerate(jobs):
        if not job.image_from:
            continue
        parents = by_name.get(job.image_from, [])
        if not parents:
            close = difflib.get_close_matches(job.image_from, list(by_name), n=1)
            hint = translate("Validation", '; did you mean "{name}"?').format(name=close[0]) if close else ""
            problems.append(Problem(index, job.name, translate(
                "Validation", 'image_from names "{parent}", but no job has that name{hint}').format(
                parent=job.image_from, hint=hint)))
            continue
        if len(parents) > 1:
            problems.append(Problem(index, job.name, translate(
                "Validation", 'image_from "{parent}" is ambiguous: {count} jobs have that name; rename them').format(
                parent=job.image_from, count=len(parents))))
            continue
        parent_model = catalog.get(jobs[parents[0]].model)
        if parent_model is not None and parent_model.type != "Image":
            problems.append(Problem(index, job.name, translate(
                "Validation", 'image_from "{parent}" makes a video; a start image must come from an image job').format(
                parent=job.image_from)))
        seen, current = {index}, parents[0]
        while jobs[current].image_from and len(by_name.get(jobs[current].image_from, [])) == 1:
            current = by_name[jobs[current].image_from][0]
            if current in seen:
                problems.append(Problem(index, job.name, translate(
                    "Validation", "image_from makes a loop of jobs waiting for each other")))
                break
            seen.add(current)
    return problems


def chain_stages(jobs: list[JobSpec]) -> list[int]:
    """Stage 1 for jobs that start from nothing, 2 for jobs fed by a stage-1 job, and so on."""
    index_of = {job.name: i for i, job in enumerate(jobs)}
    stages: dict[int, int] = {}

    def stage(i: int, depth: int = 0) -> int:
        if i not in stages:
            parent = index_of.get(jobs[i].image_from) if jobs[i].image_from else None
            stages[i] = 1 if parent is None or depth > len(jobs) else stage(parent, depth + 1) + 1
        return stages[i]

    return [stage(i) for i in range(len(jobs))]
