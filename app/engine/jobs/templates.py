"""Templates: one job pattern expanded over CSV rows and a matrix of values.

Placeholders are ``{name}``, filled from ``variables``, the CSV row and the matrix
combination. A value that is a placeholder alone keeps its type, so ``duration: "{duration}"``
with a matrix of [4, 8] gives the integers 4 and 8.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import string
from pathlib import Path

from app.engine.core.i18n import translate
from app.engine.jobs.spec import JobSpec

MAX_EXPANDED_JOBS = 100_000
_ALONE = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class TemplateError(ValueError):
    pass


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """UTF-8 with or without a BOM (Excel writes one); the header names the placeholders."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError(translate("JobSet", "the CSV file {path} does not exist").format(path=path)) from None
    except UnicodeDecodeError:
        raise TemplateError(translate("JobSet", "{name} is not UTF-8 text; save it as 'CSV UTF-8' and "
                                                "try again").format(name=path.name)) from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise TemplateError(translate("JobSet", "{name} has no header row naming its columns").format(name=path.name))
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise TemplateError(translate("JobSet", "{name} line {number}: more cells than the header "
                                                    "has columns").format(
                                    name=path.name, number=number))
        rows.append({(k or "").strip(): (v or "").strip() for k, v in row.items()})
    return rows


def _fill(value, values: dict, where: str):
    if isinstance(value, str):
        alone = _ALONE.match(value)
        if alone:
            return _lookup(alone[1], values, where)
        try:
            names = {field for _, field, _, _ in string.Formatter().parse(value) if field}
        except ValueError as exc:
            raise TemplateError(translate("JobSet", "{where}: {exc} (write {{{{ and }}}} for literal "
                                                    "braces)").format(
                                    where=where, exc=exc)) from None
        for name in names:
            _lookup(name, values, where)
        return value.format_map(values)
    if isinstance(value, dict):
        return {k: _fill(v, values, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values, where) for v in value]
    return value


def _lookup(name: str, values: dict, where: str):
    if name not in values:
        known = ", ".join(sorted(values)) or "none"
        raise TemplateError(translate("JobSet", "{where}: placeholder {{{name}}} is not a variable, "
                                                "CSV column or matrix key (known: {known})").format(
                                where=where, name=name, known=known))
    return values[name]


def combinations(variables: dict, rows: list[dict], matrix: dict) -> list[dict]:
    keys = list(matrix)
    for key, options in matrix.items():
        if not isinstance(options, list) or not options:
            raise TemplateError(translate("JobSet", "matrix.{key} must be a non-empty list of values").format(key=key))
    product = list(itertools.product(*(matrix[k] for k in keys))) or [()]
    total = max(1, len(rows)) * len(product)
    if total > MAX_EXPANDED_JOBS:
        raise TemplateError(translate("JobSet", "the template expands to {total:,} jobs; the limit is "
                                                "{MAX_EXPANDED_JOBS:,}").format(
                                total=total, MAX_EXPANDED_JOBS=MAX_EXPANDED_JOBS))
    return [{**variables, **row, **dict(zip(keys, combo))} for row in (rows or [{}]) for combo in product]


def expand(template: dict, variables: dict, rows: list[dict], matrix: dict) -> list[JobSpec]:
    if not isinstance(template, dict):
        raise TemplateError(translate("JobSet", "template must be a job: name, model, inputs"))
    jobs = []
    for values in combinations(variables, rows, matrix):
        filled = _fill(template, values, "template")
        jobs.append(JobSpec(str(filled.get("name") or f"job {len(jobs) + 1}"), str(filled.get("model", "")),
                            dict(filled.get("inputs") or {}), filled.get("output_subfolder"),
                            filled.get("image_from")))
    return jobs


def count(rows: list[dict], matrix: dict) -> int:
    size = 1
    for options in matrix.values():
        size *= len(options) if isinstance(options, list) else 1
    return max(1, len(rows)) * size
