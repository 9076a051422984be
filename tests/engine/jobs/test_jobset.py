"""Job-set files: round trips, the tutorial format, and a corpus of broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from app.engine.jobs import jobset
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, validate_jobs

BROKEN = Path(__file__).parent / "broken"
EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


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
    "unknown-job-key.yaml": "unknown key 'output_subfoler' (known: name, model, inputs, output_subfolder, "
                            "image_from); did you mean output_subfolder?",
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


# --- inputs beside name and model ------------------------------------------------------

@pytest.mark.parametrize("version_line", ["schema_version: 1\n", ""])
def test_inputs_beside_name_and_model_are_inputs_whatever_the_version_line(catalog, version_line):
    loaded = jobset.loads(version_line + "jobs:\n- name: a\n  model: google/imagen4\n  prompt: a lake\n"
                                         "  aspect_ratio: 16:9\n  seed: 3\n", catalog=catalog)
    [job] = loaded.jobs
    assert job.inputs == {"prompt": "a lake", "aspect_ratio": "16:9", "seed": 3}
    saved = jobset.loads(jobset.dumps(loaded))
    assert saved.to_document()["jobs"] == [{"name": "a", "model": "google/imagen4",
                                           "inputs": {"prompt": "a lake", "aspect_ratio": "16:9", "seed": 3}}]
    assert validate_jobs(loaded.resolved_jobs(catalog), catalog) == []


def test_inputs_beside_and_under_inputs_join_and_other_job_keys_stay_job_keys():
    loaded = jobset.loads("schema_version: 1\njobs:\n"
                          "- {name: a, model: google/imagen4, inputs: {prompt: x}, seed: 4}\n"
                          "- {name: b, model: google/veo3.1/image-to-video, prompt: y, image_from: a,"
                          " output_subfolder: clips, duration: 8}\n")
    first, second = loaded.jobs
    assert first.inputs == {"prompt": "x", "seed": 4}
    assert second == JobSpec("b", "google/veo3.1/image-to-video", {"prompt": "y", "duration": 8}, "clips", "a")


def test_an_unknown_key_beside_name_reaches_validation_as_an_unknown_input(catalog):
    loaded = jobset.loads("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x},"
                          " colour: red}\n")
    [problem] = validate_jobs(loaded.resolved_jobs(catalog), catalog)
    assert "unknown input colour for google/imagen4" in str(problem)


def test_one_input_given_twice_with_different_values_is_refused():
    with pytest.raises(jobset.JobSetError, match='"a": seed is given twice, beside name and under inputs'):
        jobset.loads("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x, seed: 1},"
                     " seed: 2}\n")


def test_a_template_with_inputs_beside_its_name_keeps_them():
    loaded = jobset.loads("schema_version: 1\nmatrix: {ratio: ['1:1', '9:16']}\ntemplate:\n  name: 'shot {ratio}'\n"
                          "  model: google/imagen4\n  prompt: a lamp\n  aspect_ratio: '{ratio}'\n")
    assert [job.inputs for job in loaded.expanded_jobs()] == [{"prompt": "a lamp", "aspect_ratio": "1:1"},
                                                              {"prompt": "a lamp", "aspect_ratio": "9:16"}]
    assert jobset.loads(jobset.dumps(loaded)).to_document()["template"]["inputs"] == {
        "prompt": "a lamp", "aspect_ratio": "{ratio}"}


# --- nesting ---------------------------------------------------------------------------

DEEP = 100_000
DEEP_FILES = {
    "list.json": "[" * DEEP + "]" * DEEP,
    "jobs.json": '{"schema_version": 1, "jobs": [{"name": "a", "model": "m", "inputs": {"x": ' + "[" * DEEP
                 + "]" * DEEP + "}}]}",
    "flow.yaml": "[" * DEEP + "]" * DEEP,
    "block.yaml": "jobs:\n" + "- " * DEEP + "x\n",
    "shallow-but-too-deep.json": "[" * 200 + "]" * 200,
    "alias.yaml": "jobs: &loop [*loop]\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_FILES))
def test_a_deeply_nested_file_is_one_sentence(tmp_path, name):
    path = tmp_path / name
    path.write_text(DEEP_FILES[name])
    with pytest.raises(jobset.JobSetError) as caught:
        jobset.load(path)
    [message] = caught.value.messages
    assert f"is nested too deeply (over {jobset.MAX_NESTING} levels)" in message and "\n" not in message
    assert message.startswith(name)


def test_a_deeply_nested_file_in_the_app_reader(tmp_path):
    from app.ui import documents

    path = tmp_path / "deep.yaml"
    path.write_text("[" * DEEP + "]" * DEEP)
    with pytest.raises(jobset.JobSetError, match="nested too deeply"):
        documents.read(path, Catalog.snapshot())


def test_a_deeply_nested_file_in_the_cli(tmp_path):
    from tests.cli.test_cli import cli

    path = tmp_path / "deep.json"
    path.write_text("[" * DEEP + "]" * DEEP)
    result = cli("run", path, "--demo", "--out", tmp_path / "out")
    assert result.returncode == 2, result.stderr
    assert "nested too deeply" in result.stderr and "Traceback" not in result.stderr
    assert "RecursionError" not in result.stderr


def test_nesting_is_counted_where_an_alias_is_used():
    """An anchor shallow where it is written can be used deep down: its depth there counts."""
    limit = jobset.MAX_NESTING

    def document(depth: int) -> str:  # the anchored list holds 10 levels; its use sits at ``depth``
        return ("anchor: &deep " + "[" * 10 + "]" * 10 + "\nuse: " + "[" * (depth - 2) + "*deep" + "]" * (depth - 2)
                + "\n")

    assert jobset._parse(document(limit - 10), "ok.yaml", "yaml")["anchor"] == [[[[[[[[[[]]]]]]]]]]
    with pytest.raises(jobset.JobSetError, match="nested too deeply"):
        jobset._parse(document(limit - 8), "deep.yaml", "yaml")


def test_an_ordinary_nesting_of_lists_and_objects_is_fine():
    inputs = {"prompt": "x", "subjects": [{"name": "a", "images": ["https://cdn/1.png"], "meta": {"k": [1, [2]]}}]}
    loaded = jobset.loads(json.dumps({"schema_version": 1, "jobs": [{"name": "a", "model": "m", "inputs": inputs}]}),
                          fmt="json")
    assert loaded.jobs[0].inputs == inputs



@pytest.mark.parametrize("text", [
    "jobs:\n- {name: a, model: m, inputs: {prompt: 'x', seed: 7, scale: 1.5, on: yes, none: ~, ratio: 16:9}}\n",
    "- 1\n- [2, {three: 3}]\n- 2024-01-02\n- !!binary aGk=\n- !!str 5\n- ! 12\n", "x", "", "1: a\nnull: b\ntrue: c\n",
    "a: 1\na: 2\n", "? !!int 1\n: 2\n",  # the last key wins, as in PyYAML; an explicit key
    "base: &b {k: 1}\nuse: *b\n", "<<: {a: 1}\nb: 2\n", "!!set {a, b}\n",  # these three through the nodes
])
def test_the_reader_from_parse_events_gives_what_pyyaml_gives(text):
    """Plain documents are built from the parser's events (no node tree: about 5 KB a job less
    at the peak); anchors, merges, sets and complex keys are left to the nodes and PyYAML."""
    expected = yaml.load(text, Loader=jobset._Loader)
    if isinstance(expected, dict) and "jobs" in expected:
        expected["jobs"][0]["inputs"]["ratio"] = "16:9"  # YAML 1.1's base-60 number, kept as text here
    document, _ = jobset._load_yaml(text)
    assert document == expected and type(document) is type(expected)


def test_a_second_document_or_a_broken_file_reads_as_before():
    for text in ("--- 1\n--- 2\n", "a: [1, 2\n", "a: b\n  c: d\n"):
        with pytest.raises(jobset.JobSetError) as caught:
            jobset.loads(text, "bad.yaml")
        assert caught.value.messages[0].startswith("bad.yaml: ")

# --- exact round trips -----------------------------------------------------------------

SHAPED_INPUTS = {
    "prompt": "x", "images": ["https://cdn/1.png", "./refs/2.png"], "aspect_ratio": "16:9", "size": "1024*1024",
    "duration": "5", "seed": 5, "guidance_scale": 5.0, "camera_fixed": False, "negative_prompt": "",
    "loras": [{"path": "https://l/style.safetensors", "scale": 0.8}],
    "optimize_prompt_options": {"mode": "standard"}, "subjects": [{"images": ["a.png"]}, {"images": []}],
    "empty": {}, "nothing": None,
}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_lists_objects_and_text_survive_a_round_trip_exactly(tmp_path, suffix):
    shared = ["https://cdn/shared.png"]  # one list object in two jobs: written twice, no anchors
    original = jobset.JobSet(jobs=[JobSpec("a", "m", SHAPED_INPUTS),
                                   JobSpec("b", "m", {"prompt": "y", "images": shared}),
                                   JobSpec("c", "m", {"prompt": "z", "images": shared})])
    path = tmp_path / f"set{suffix}"
    jobset.save(original, path)
    assert "&id" not in path.read_text() and "*id" not in path.read_text()
    again = jobset.load(path)
    assert again.jobs == original.jobs
    first = again.jobs[0].inputs
    assert [type(first[k]) for k in SHAPED_INPUTS] == [type(v) for v in SHAPED_INPUTS.values()]
    assert first is not SHAPED_INPUTS and jobset.dumps(again) == jobset.dumps(original)


def test_media_files_named_relative_to_the_job_set_are_found_from_anywhere(tmp_path, monkeypatch):
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "ref1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "jobs.yaml").write_text(
        "schema_version: 1\njobs:\n  - name: edit\n    model: google/imagen4\n"
        "    inputs: {prompt: ref1.png is a file name in a prompt, images: [./ref1.png, missing.png, "
        "https://cdn.test/a.png]}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = jobset.load(folder / "jobs.yaml")
    images = loaded.resolved_jobs()[0].inputs["images"]
    assert images == [str((folder / "ref1.png").resolve()), "missing.png", "https://cdn.test/a.png"]
    assert loaded.resolved_jobs()[0].inputs["prompt"] == "ref1.png is a file name in a prompt"
    assert loaded.jobs[0].inputs["images"][0] == "./ref1.png"  # what the file says is kept for saving


def test_draft_is_a_version_2_key_written_only_when_used():
    from app.engine.jobs import jobset as js

    plain = js.loads("schema_version: 1\njobs: [{name: a, model: google/imagen4, inputs: {prompt: x}}]")
    assert plain.draft is False and plain.to_document()["schema_version"] == 1
    drafted = js.loads("schema_version: 2\ndraft: true\njobs: [{name: a, model: google/imagen4, inputs: {prompt: x}}]")
    assert drafted.draft is True
    document = drafted.to_document()
    assert document["schema_version"] == 2 and document["draft"] is True
    assert js.loads(js.dumps(drafted)).draft is True
    with pytest.raises(js.JobSetError, match="draft must be true or false"):
        js.loads("schema_version: 2\ndraft: yes please\njobs: [{name: a, model: google/imagen4}]")
    with pytest.raises(js.JobSetError, match="newer Batch Studio"):
        js.loads("schema_version: 3\njobs: [{name: a, model: google/imagen4}]")
