"""Job-set files: round trips, the tutorial format, and a corpus of broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engine import jobset
from app.engine.catalog import Catalog
from app.engine.jobs import JobSpec, validate_jobs

BROKEN = Path(__file__).parent / "broken"
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


SAMPLE = """\
schema_version: 1
output_dir: out
concurrency: 3
defaults:
  inputs:
    aspect_ratio: '16:9'
jobs:
- name: 여름 포스터
  model: google/imagen4
  inputs:
    prompt: 한여름 해변 포스터
    seed: 7
- name: clip
  model: google/veo3.1/text-to-video
  inputs:
    prompt: waves
    duration: 8
    resolution: 1080p
  output_subfolder: clips
"""


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_gives_the_same_content_back(tmp_path, suffix):
    original = jobset.loads(SAMPLE)
    path = tmp_path / f"set{suffix}"
    jobset.save(original, path)
    again = jobset.load(path)
    assert again.to_document() == original.to_document()
    assert jobset.dumps(again) == jobset.dumps(original)


def test_yaml_export_is_exactly_what_was_imported():
    assert jobset.dumps(jobset.loads(SAMPLE)) == SAMPLE


def test_unquoted_aspect_ratios_stay_text():
    loaded = jobset.loads("schema_version: 1\njobs:\n- name: a\n  model: google/imagen4\n  inputs: {prompt: x, aspect_ratio: 16:9}\n")
    assert loaded.jobs[0].inputs["aspect_ratio"] == "16:9"
    assert "'16:9'" in jobset.dumps(loaded)


def test_defaults_reach_only_models_that_take_the_input(catalog):
    loaded = jobset.loads("schema_version: 1\ndefaults: {inputs: {aspect_ratio: '16:9'}}\njobs:\n"
                          "- {name: a, model: google/imagen4, inputs: {prompt: x}}\n"
                          "- {name: b, model: black-forest-labs/flux-2-pro/text-to-image, inputs: {prompt: x}}\n")
    first, second = loaded.resolved_jobs(catalog)
    assert first.inputs["aspect_ratio"] == "16:9" and "aspect_ratio" not in second.inputs
    assert validate_jobs([first, second], catalog) == []


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_are_valid(catalog, name):
    loaded = jobset.load(EXAMPLES / name, catalog)
    assert validate_jobs(loaded.resolved_jobs(catalog), catalog) == []


def test_weekly_pack_has_ten_images_and_five_videos(catalog):
    jobs = jobset.load(EXAMPLES / "weekly-social-pack.yaml", catalog).resolved_jobs(catalog)
    kinds = [catalog.get(job.model).type for job in jobs]
    assert kinds.count("Image") == 10 and kinds.count("Video") == 5


EXPECTED_BROKEN = {
    "unclosed-quote.yaml": "scanning a quoted scalar at line 5, column 22",
    "bad-indent.yaml": "line 4, column 11",
    "newer-version.yaml": "newer Batch Studio",
    "empty.yaml": "the file is empty",
    "jobs-not-list.yaml": "jobs must be a list",
    "job-not-mapping.yaml": "jobs[0] must be a mapping",
    "missing-model.yaml": "model is required",
    "concurrency-too-high.yaml": "concurrency must be a whole number from 1 to 64",
    "unknown-job-key.yaml": "unknown key 'colour'",
    "trailing-comma.json": "line 2, column 16",
    "version-not-number.yaml": "schema_version must be a positive whole number",
    "retired-sora.yaml": "retired",
    "seedance-1080p.yaml": "use 720p",
    "binary.yaml": "not a text file",
    "inputs-not-mapping.yaml": "inputs must be a mapping",
    "unbalanced.yaml": "line 2, column 1",
}


def test_the_corpus_is_covered():
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED_BROKEN)


@pytest.mark.parametrize("name", sorted(EXPECTED_BROKEN))
def test_each_broken_file_gives_one_clear_located_error(catalog, name):
    with pytest.raises(jobset.JobSetError) as caught:
        jobset.load(BROKEN / name, catalog)
    text = str(caught.value)
    assert EXPECTED_BROKEN[name] in text, text
    assert "Traceback" not in text and "Error(" not in text


def test_tutorial_format_is_translated_with_notices(catalog):
    loaded = jobset.loads("""
jobs:
  - name: flux poster
    type: image
    model: black-forest-labs/flux-2-pro
    prompt: poster
    width: 1920
    height: 1080
  - name: ultra
    type: image
    model: google/imagen4-ultra/text-to-image
    prompt: portrait
    width: 1080
    height: 1350
  - name: clip
    type: video
    model: google/veo3.1
    prompt: waves
    duration: 8
    resolution: 1080p
""", catalog=catalog)
    flux, ultra, clip = loaded.jobs
    assert flux.model == "black-forest-labs/flux-2-pro/text-to-image" and flux.inputs["size"] == "1920*1080"
    assert ultra.model == "google/imagen4-ultra" and ultra.inputs["aspect_ratio"] == "3:4"
    assert clip.model == "google/veo3.1/text-to-video" and clip.inputs == {"prompt": "waves", "duration": 8,
                                                                         "resolution": "1080p"}
    notices = "\n".join(loaded.notices)
    assert "is called google/imagen4-ultra on Atlas Cloud" in notices and "became aspect_ratio 3:4" in notices
    assert validate_jobs(loaded.resolved_jobs(catalog), catalog) == []


def test_tutorial_type_must_match_the_model(catalog):
    with pytest.raises(jobset.JobSetError, match="makes videos"):
        jobset.loads("jobs:\n- {name: a, type: image, model: google/veo3.1/text-to-video, prompt: x}\n", catalog=catalog)


def test_a_bare_list_of_jobs_is_accepted():
    loaded = jobset.loads("- {name: a, model: google/imagen4, inputs: {prompt: x}}\n")
    assert loaded.jobs == [JobSpec("a", "google/imagen4", {"prompt": "x"})]
