"""Image-to-video chains: image_from, fan-out, waiting, failure, stages."""

from __future__ import annotations

import pytest

from app.engine.jobs import jobset
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, chain_stages, validate_jobs
from app.engine.run.records import JobState
from app.engine.run.runner import Limits
from tests.fakes.atlas import FakeAtlas
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner

I2V = "bytedance/seedance-v1.5-pro-fast/image-to-video"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


def chain():
    return [JobSpec("still", "google/imagen4", {"prompt": "a shoe"}),
            JobSpec("spin", I2V, {"prompt": "spin", "duration": 4}, image_from="still"),
            JobSpec("zoom", "google/veo3.1/image-to-video", {"prompt": "zoom", "duration": 4}, image_from="still")]


def run(catalog, specs, fake, tmp_path, limits=Limits()):
    clock = ManualClock()
    return new_runner(specs, catalog, tmp_path / "out", limits=limits, client=fake, clock=clock,
                      sleep=clock.sleep).run()


def test_a_chain_validates_and_has_stages(catalog):
    assert validate_jobs(chain(), catalog) == []
    assert chain_stages(chain()) == [1, 2, 2]


@pytest.mark.parametrize("specs, fragment", [
    ([JobSpec("v", I2V, {"prompt": "x"}, image_from="nobody")], 'no job has that name'),
    ([JobSpec("s", "google/imagen4", {"prompt": "a"}), JobSpec("s", "google/imagen4", {"prompt": "b"}),
      JobSpec("v", I2V, {"prompt": "x"}, image_from="s")], "ambiguous"),
    ([JobSpec("clip", "google/veo3.1/text-to-video", {"prompt": "a"}),
      JobSpec("v", I2V, {"prompt": "x"}, image_from="clip")], "makes a video"),
    ([JobSpec("s", "google/imagen4", {"prompt": "a"}),
      JobSpec("v", "google/veo3.1/text-to-video", {"prompt": "x"}, image_from="s")], "takes none"),
    ([JobSpec("s", "google/imagen4", {"prompt": "a"}),
      JobSpec("v", I2V, {"prompt": "x", "image": "https://x/y.png"}, image_from="s")], "not both"),
])
def test_chain_problems_are_explained(catalog, specs, fragment):
    problems = [str(p) for p in validate_jobs(specs, catalog)]
    assert any(fragment in p for p in problems), problems


def test_children_wait_and_get_the_parents_image(catalog, tmp_path):
    fake = FakeAtlas()
    result = run(catalog, chain(), fake, tmp_path, Limits(concurrency=4))
    assert [r.state for r in result.records] == [JobState.DONE] * 3
    first, *children = fake.submitted
    assert first["prompt"] == "a shoe"
    assert all(child["image"] == "https://cdn.fake.test/pred-0.png" for child in children)


def test_a_failed_parent_fails_its_children_without_charging(catalog, tmp_path):
    fake = FakeAtlas()
    fake.poll_plan["a shoe"] = [("failed", "no luck", None)]
    result = run(catalog, chain(), fake, tmp_path)
    assert [r.state for r in result.records] == [JobState.FAILED] * 3
    assert 'comes from "still"' in result.records[1].error and "nothing was charged" in result.records[1].error
    assert len(fake.submitted) == 1


def test_image_from_round_trips_in_job_sets():
    text = jobset.dumps(jobset.JobSet(jobs=chain()))
    assert "image_from: still" in text
    assert jobset.loads(text).jobs == chain()
