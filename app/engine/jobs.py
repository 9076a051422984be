"""Job specs and their validation against each model's input schema.

Problems are located and actionable: they name the job, the field, the value, what is
allowed and the model, so a user can fix a 500-line job set without guessing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft7Validator

from app.engine.catalog import Catalog, ModelInfo
from app.engine.outputs import subfolder_problem

_SIZE = re.compile(r"^(\d+)\*(\d+)$")


@dataclass
class JobSpec:
    name: str
    model: str
    inputs: dict = field(default_factory=dict)
    output_subfolder: str | None = None
    # The name of another job whose output image becomes this job's start image.
    image_from: str | None = None

    def request_body(self, model: ModelInfo | None = None) -> dict:
        """The flat submit body; schema defaults filled in so quotes and charges agree."""
        inputs = {**model.defaults(), **self.inputs} if model is not None else dict(self.inputs)
        if self.image_from and model is not None and model.image_fields():
            # Priced like the real body; the start image does not change the price.
            inputs.setdefault(model.image_fields()[0], CHAINED_IMAGE_PLACEHOLDER)
        return {"model": self.model, **inputs}


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
    return str(value)


def _choices(values) -> str:
    return ", ".join(_show(v) for v in values)


def _schema_problem(error, model: ModelInfo, inputs: dict) -> str:
    path = list(error.absolute_path)
    name = str(path[0]) if path else ""
    value = error.instance
    suffix = f" for {model.model_id}"
    kind = error.validator
    schema_path = list(error.schema_path)
    if schema_path[:1] == ["allOf"] and len(schema_path) > 1:
        rule = model.input_schema["allOf"][schema_path[1]]
        description = rule.get("description") or "a rule of this model"
        conditions = ", ".join(f"{k} {_show(inputs.get(k))}" for k in rule.get("if", {}).get("properties", {})
                               if k in inputs)
        context = f" with {conditions}" if conditions else ""
        return f"{name} {_show(value)} is not allowed{context}: {description}{suffix}"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{missing} is required{suffix}"
    if kind == "enum":
        return f"{name} {_show(value)} is not one of {_choices(error.validator_value)}{suffix}"
    if kind == "minimum":
        return f"{name} {_show(value)} is below the minimum {error.validator_value}{suffix}"
    if kind == "maximum":
        return f"{name} {_show(value)} is above the maximum {error.validator_value}{suffix}"
    if kind == "type":
        wanted = {"integer": "a whole number", "number": "a number", "string": "text", "boolean": "true or false",
                  "array": "a list", "object": "a mapping"}.get(str(error.validator_value), error.validator_value)
        return f"{name} {_show(value)} must be {wanted}{suffix}"
    if kind == "minLength":
        return f"{name} must not be empty{suffix}"
    if kind == "maxLength":
        return f"{name} is {len(value)} characters; the limit is {error.validator_value}{suffix}"
    if kind == "pattern":
        example = model.properties.get(name, {}).get("default")
        hint = f", for example {example}" if example else ""
        return f"{name} {_show(value)} is not in the expected format{hint}{suffix}"
    if kind == "const":
        return f"{name} {_show(value)} must be {_show(error.validator_value)}{suffix}"
    return f"{name or 'inputs'}: {error.message}{suffix}"


def _rule_problems(model: ModelInfo, inputs: dict) -> list[str]:
    """Limits the catalog states as x- keys, which plain JSON Schema cannot express."""
    problems = []
    for name, prop in model.properties.items():
        value = inputs.get(name)
        if not isinstance(value, str):
            continue
        if name in model.image_fields() and not is_remote_image(value):
            problem = local_image_problem(value)
            if problem:
                problems.append(f"{name}: {problem}")
        match = _SIZE.match(value) if "x-max-pixels" in prop else None
        if match:
            width, height = int(match[1]), int(match[2])
            low, high = prop.get("x-min-side", 1), prop.get("x-max-side", 1 << 30)
            if not (low <= width <= high and low <= height <= high):
                problems.append(f"{name} {value}: each side must be between {low} and {high} pixels "
                                f"for {model.model_id}")
            elif width * height > prop["x-max-pixels"]:
                problems.append(f"{name} {value} is {width * height / 1e6:.1f} megapixels; {model.model_id} allows "
                                f"up to {prop['x-max-pixels'] / 1e6:.1f}")
    return problems


MAX_UPLOAD_BYTES = 50 * 1024 * 1024
CHAINED_IMAGE_PLACEHOLDER = "https://chained.batch-studio.invalid/start.png"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


def is_remote_image(value: str) -> bool:
    return value.startswith(("http://", "https://", "data:image/"))


def local_image_problem(value: str) -> str | None:
    """A local start image is uploaded before submit; refuse here what the upload would refuse."""
    path = Path(value).expanduser()
    if not path.is_file():
        return f"{value} is neither an http(s) URL, a data:image URI nor an existing image file"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"{path.name} is not an image ({', '.join(sorted(IMAGE_SUFFIXES))})"
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        return f"{path.name} is {size / 1048576:.1f} MB; uploads are limited to {MAX_UPLOAD_BYTES // 1048576} MB"
    return None


def validate_job(job: JobSpec, catalog: Catalog, index: int | None = None) -> list[Problem]:
    def problem(message: str) -> Problem:
        return Problem(index, job.name, message)

    problems = []
    if not isinstance(job.name, str) or not job.name.strip():
        problems.append(problem("name must not be empty"))
    if (folder_problem := subfolder_problem(job.output_subfolder)) is not None:
        problems.append(problem(folder_problem))
    model = catalog.get(job.model)
    if model is None:
        nearest = catalog.nearest(job.model)
        hint = f"; did you mean {' or '.join(nearest)}?" if nearest else ""
        return problems + [problem(f"unknown model {job.model}{hint}")]
    if not isinstance(job.inputs, dict):
        return problems + [problem("inputs must be a mapping of field names to values")]
    inputs = job.inputs
    if job.image_from:
        fields = model.image_fields()
        if not fields:
            return problems + [problem(f"image_from needs a model that takes a start image; {model.model_id} takes "
                                       "none (use an image-to-video model)")]
        if fields[0] in inputs:
            problems.append(problem(f"give either {fields[0]} or image_from, not both"))
        # The parent's output fills it at run time; check the rest against the schema now.
        inputs = {**inputs, fields[0]: CHAINED_IMAGE_PLACEHOLDER}
    for name in job.inputs:
        if name not in model.properties:
            close = difflib.get_close_matches(str(name), list(model.properties), n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; known inputs: {', '.join(model.field_order)}"
            problems.append(problem(f"unknown input {name} for {model.model_id}{hint}"))
    errors = sorted(_validator(model).iter_errors(inputs), key=lambda e: (list(e.absolute_path), e.validator))
    problems.extend(problem(_schema_problem(error, model, inputs)) for error in errors)
    problems.extend(problem(message) for message in _rule_problems(model, inputs))
    return problems


def validate_jobs(jobs: list[JobSpec], catalog: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    if not jobs:
        return [Problem(None, None, "the job set has no jobs")]
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
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.append(Problem(index, job.name, f'image_from names "{job.image_from}", but no job has that '
                                                     f"name{hint}"))
            continue
        if len(parents) > 1:
            problems.append(Problem(index, job.name, f'image_from "{job.image_from}" is ambiguous: {len(parents)} '
                                                     "jobs have that name; rename them"))
            continue
        parent_model = catalog.get(jobs[parents[0]].model)
        if parent_model is not None and parent_model.type != "Image":
            problems.append(Problem(index, job.name, f'image_from "{job.image_from}" makes a video; a start image '
                                                     "must come from an image job"))
        seen, current = {index}, parents[0]
        while jobs[current].image_from and len(by_name.get(jobs[current].image_from, [])) == 1:
            current = by_name[jobs[current].image_from][0]
            if current in seen:
                problems.append(Problem(index, job.name, "image_from makes a loop of jobs waiting for each other"))
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
