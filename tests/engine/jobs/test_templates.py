"""Templates, matrices and CSV catalogues; CSV job lists for spreadsheets."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine.jobs import csvjobs
from app.engine.jobs import jobset
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, validate_jobs

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


def test_the_500_row_catalogue_expands_and_validates(catalog):
    loaded = jobset.load(EXAMPLES / "product-catalogue.yaml", catalog)
    assert loaded.template_count() == 500
    jobs = loaded.resolved_jobs(catalog)
    assert len(jobs) == 500 and validate_jobs(jobs, catalog) == []
    assert jobs[0].name.startswith("SKU-1000 ") and "Northwind catalogue photo" in jobs[0].inputs["prompt"]
    assert jobs[0].output_subfolder == "SKU-1000"


def test_a_matrix_multiplies_and_keeps_types(tmp_path, catalog):
    (tmp_path / "set.yaml").write_text("""
schema_version: 1
matrix:
  model: [google/veo3.1/text-to-video, google/veo3.1-fast/text-to-video]
  duration: [4, 8]
  prompt: ["a fox", "a crane"]
template:
  name: "{prompt} {duration}s"
  model: "{model}"
  inputs: {prompt: "{prompt} in the snow", duration: "{duration}"}
""")
    loaded = jobset.load(tmp_path / "set.yaml", catalog)
    jobs = loaded.resolved_jobs(catalog)
    assert loaded.template_count() == len(jobs) == 8
    assert {job.inputs["duration"] for job in jobs} == {4, 8}
    assert validate_jobs(jobs, catalog) == []


def test_the_template_round_trips(tmp_path, catalog):
    original = jobset.load(EXAMPLES / "weekly.yaml", catalog)
    copy = tmp_path / "weekly.yaml"
    (tmp_path / "weekly-products.csv").write_bytes((EXAMPLES / "weekly-products.csv").read_bytes())
    jobset.save(original, copy)
    again = jobset.load(copy, catalog)
    assert again.to_document() == original.to_document()
    assert len(again.resolved_jobs(catalog)) == 15


@pytest.mark.parametrize("body, fragment", [
    ("csv: missing.csv\ntemplate: {name: x, model: google/imagen4, inputs: {prompt: '{a}'}}", "does not exist"),
    ("template: {name: x, model: google/imagen4, inputs: {prompt: '{nope}'}}", "placeholder {nope}"),
    ("matrix: {a: []}\ntemplate: {name: x, model: google/imagen4, inputs: {prompt: '{a}'}}", "non-empty list"),
    ("matrix: {a: [1]}\njobs: []", "add a template"),
    ("template: {name: x, model: google/imagen4, inputs: {prompt: 'a {b'}}", "literal braces"),
])
def test_template_mistakes_are_explained(tmp_path, body, fragment):
    (tmp_path / "t.yaml").write_text("schema_version: 1\n" + body + "\n")
    with pytest.raises(jobset.JobSetError) as caught:
        jobset.load(tmp_path / "t.yaml")
    assert fragment in str(caught.value)


def test_csv_job_lists_round_trip_with_a_bom_and_typed_cells(tmp_path, catalog):
    jobs = [JobSpec("포스터", "google/imagen4", {"prompt": "서울, 밤", "aspect_ratio": "16:9"}),
            JobSpec("clip", "bytedance/seedance-v1.5-pro/text-to-video",
                    {"prompt": 'say "hi"', "duration": 6, "camera_fixed": True}, "clips")]
    path = tmp_path / "jobs.csv"
    csvjobs.write(path, jobs)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert jobset.load(path, catalog).jobs == jobs


def test_a_spreadsheet_without_the_needed_columns(tmp_path):
    (tmp_path / "x.csv").write_text("title,text\na,b\n")
    with pytest.raises(jobset.JobSetError, match="columns name and model"):
        jobset.load(tmp_path / "x.csv")
