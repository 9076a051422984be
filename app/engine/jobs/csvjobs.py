"""Plain job lists as CSV, for spreadsheets: one row per job.

Columns: ``name``, ``model``, optional ``output_subfolder`` and ``image_from``, then one
column per input (``prompt``, ``duration``, ``aspect_ratio``...). Cells are typed by the
model's schema (``8`` becomes a number where the schema wants one); empty cells are left out.
Reading accepts UTF-8 with a BOM; writing adds one, so Excel shows accents and Hangul.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from app.engine.core.i18n import translate
from app.engine.atlas.catalog import Catalog
from app.engine.core.fileio import atomic_write_bytes
from app.engine.jobs.spec import JobSpec
from app.engine.jobs.templates import TemplateError, read_csv_rows

FIXED = ("name", "model", "output_subfolder", "image_from")


def _typed(value: str, prop: dict | None):
    kind = (prop or {}).get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value  # validation will name the cell's bad value
    if kind == "boolean":
        lowered = value.lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
    return value


def read(path: Path, catalog: Catalog) -> list[JobSpec]:
    rows = read_csv_rows(path)
    if rows and not {"name", "model"} <= set(rows[0]):
        raise TemplateError(translate("JobSet", "{name} needs the columns name and model (and one "
                                                "column per input)").format(
                                name=path.name))
    jobs = []
    for row in rows:
        model = catalog.get(row.get("model", ""))
        props = model.properties if model else {}
        inputs = {key: _typed(value, props.get(key)) for key, value in row.items()
                  if key not in FIXED and key and value != ""}
        jobs.append(JobSpec(row.get("name", ""), row.get("model", ""), inputs, row.get("output_subfolder") or None,
                            row.get("image_from") or None))
    return jobs


def dumps(jobs: list[JobSpec]) -> str:
    input_columns: list[str] = []
    for job in jobs:
        for key in job.inputs:
            if key not in input_columns:
                input_columns.append(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*FIXED, *input_columns])
    for job in jobs:
        cells = [job.name, job.model, job.output_subfolder or "", job.image_from or ""]
        for key in input_columns:
            value = job.inputs.get(key, "")
            cells.append(str(value).lower() if isinstance(value, bool) else value)
        writer.writerow(cells)
    return buffer.getvalue()


def write(path: Path, jobs: list[JobSpec]) -> None:
    atomic_write_bytes(path, b"\xef\xbb\xbf" + dumps(jobs).encode("utf-8"))
