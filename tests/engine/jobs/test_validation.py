"""Validation problems are located, name the value, the rule and the model, and suggest fixes."""

from __future__ import annotations

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, validate_jobs

VEO = "google/veo3.1/text-to-video"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


def messages(catalog, *jobs):
    return [str(p) for p in validate_jobs(list(jobs), catalog)]


def test_the_message_the_issue_asks_for(catalog):
    jobs = [JobSpec(f"j{i}", "google/imagen4", {"prompt": "x"}) for i in range(3)]
    jobs.append(JobSpec("hero clip", VEO, {"prompt": "x", "duration": 5}))
    assert messages(catalog, *jobs) == ['jobs[3] "hero clip": duration 5 is not one of 4, 6, 8 for '
                                        'google/veo3.1/text-to-video']


def test_veo_high_resolution_rule(catalog):
    [message] = messages(catalog, JobSpec("hd", VEO, {"prompt": "x", "duration": 6, "resolution": "4k"}))
    assert message == ('jobs[0] "hd": duration 6 is not allowed with resolution 4k: 1080p or 4k requires duration 8 '
                       'for google/veo3.1/text-to-video')


def test_unknown_model_lists_the_nearest(catalog):
    [message] = messages(catalog, JobSpec("a", "google/veo3/text-to-video", {"prompt": "x"}))
    assert "unknown model google/veo3/text-to-video; did you mean google/veo3.1/text-to-video" in message


def test_unknown_input_suggests_the_right_one(catalog):
    [message] = messages(catalog, JobSpec("a", "google/imagen4", {"prompt": "x", "aspect": "1:1"}))
    assert "unknown input aspect for google/imagen4; did you mean aspect_ratio?" in message


@pytest.mark.parametrize("inputs, fragment", [
    ({}, "prompt is required"),
    ({"prompt": ""}, "prompt must not be empty"),
    ({"prompt": "x", "duration": "five"}, 'duration five must be a whole number'),
    ({"prompt": "x", "duration": 13}, "duration 13 is above the maximum 12"),
    ({"prompt": "x", "duration": 2}, "duration 2 is below the minimum 4"),
    ({"prompt": "x", "resolution": "1080p"}, "resolution 1080p is not one of 480p, 720p"),
    ({"prompt": "x", "camera_fixed": "yes please"}, "must be true or false"),
])
def test_schema_problems_read_as_sentences(catalog, inputs, fragment):
    found = messages(catalog, JobSpec("s", "bytedance/seedance-v1.5-pro/text-to-video", inputs))
    assert any(fragment in m for m in found), found


def test_flux_size_limits(catalog):
    [message] = messages(catalog, JobSpec("f", "black-forest-labs/flux-2-pro/text-to-image",
                                          {"prompt": "x", "size": "4096*4096"}))
    assert "16.8 megapixels" in message
    [message] = messages(catalog, JobSpec("f", "black-forest-labs/flux-2-pro/text-to-image",
                                          {"prompt": "x", "size": "1024x1024"}))
    assert "not in the expected format, for example 1024*1024" in message


def test_image_inputs_are_urls_or_existing_local_images(catalog, tmp_path):
    [message] = messages(catalog, JobSpec("i", "google/veo3.1/image-to-video", {"prompt": "x", "image": "me.png"}))
    assert "neither an http(s) URL, a data:image URI nor an existing image file" in message
    text = tmp_path / "notes.txt"
    text.write_text("x")
    [message] = messages(catalog, JobSpec("i", "google/veo3.1/image-to-video", {"prompt": "x", "image": str(text)}))
    assert "is not an image" in message
    picture = tmp_path / "start.png"
    picture.write_bytes(b"png")
    assert messages(catalog, JobSpec("i", "google/veo3.1/image-to-video", {"prompt": "x", "image": str(picture)})) == []


@pytest.mark.parametrize("subfolder", ["../escape", "/etc", "a/../../b", "C:\\temp"])
def test_subfolders_cannot_leave_the_output_folder(catalog, subfolder):
    [message] = messages(catalog, JobSpec("x", "google/imagen4", {"prompt": "x"}, subfolder))
    assert "output_subfolder" in message


def test_an_empty_job_list(catalog):
    assert messages(catalog) == ["the job set has no jobs"]


def test_text_given_for_a_number_enum_shows_both_types(catalog):
    assert messages(catalog, JobSpec("v", VEO, {"prompt": "x", "duration": "8"})) == [
        'jobs[0] "v": duration "8" is not one of 4, 6, 8 (numbers) for google/veo3.1/text-to-video']


def test_a_number_field_given_text_states_its_range(catalog):
    found = messages(catalog, JobSpec("s", "bytedance/seedance-v1.5-pro/text-to-video",
                                      {"prompt": "x", "duration": "five"}))
    assert found == ['jobs[0] "s": duration five must be a whole number from 4 to 12 for '
                     'bytedance/seedance-v1.5-pro/text-to-video']
