"""The prompt as written (before prompt help translated it) travels with each job: through the
store (and a resume), into the manifest entry and into the recipe embedded in each output."""

from __future__ import annotations

import json
import sqlite3

from app.engine.jobs import jobset, recipes
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.run.store import STORE_PATH, JobStore
from tests.engine.review.test_review import SimBatch

KOREAN = "바다 위에서 달리는 귀여운 고양이"
SET = f"""
schema_version: 2
prompts_as_written:
  cat: {KOREAN}
jobs:
  - name: cat
    model: google/imagen4
    inputs: {{prompt: "a cute cat running over the sea"}}
  - name: dog
    model: google/imagen4
    inputs: {{prompt: "a dog on a beach"}}
"""


def test_a_translated_prompt_reaches_the_store_the_manifest_and_the_recipe(tmp_path):
    batch = SimBatch(tmp_path / "out")
    try:
        specs = jobset.loads(SET).resolved_jobs(batch.catalog)
        assert [s.prompt_as_written for s in specs] == [KOREAN, None]
        result = batch.run(specs)
        assert [r.state for r in result.records] == [JobState.DONE, JobState.DONE]

        entries = {e["name"]: e for e in json.loads((batch.folder / "manifest.json").read_text("utf-8"))["results"]}
        assert entries["cat"]["prompt_as_written"] == KOREAN
        assert entries["cat"]["inputs"]["prompt"] == "a cute cat running over the sea"
        assert "prompt_as_written" not in entries["dog"]  # only where it differs from the prompt sent

        cat, dog = result.records
        recipe = recipes.read_file(batch.folder / cat.files[0].path).recipes[0]
        assert recipe["prompt"] == {"written": KOREAN, "sent": "a cute cat running over the sea"}
        recipe = recipes.read_file(batch.folder / dog.files[0].path).recipes[0]
        assert recipe["prompt"] == {"written": "a dog on a beach", "sent": "a dog on a beach"}

        # A resume reads the jobs back from the store: the original is still there.
        store = JobStore(batch.folder)
        assert [job.spec.prompt_as_written for job in store.load()] == [KOREAN, None]
        store.close()
        batch.resume()
        entries = {e["name"]: e for e in json.loads((batch.folder / "manifest.json").read_text("utf-8"))["results"]}
        assert entries["cat"]["prompt_as_written"] == KOREAN
    finally:
        batch.close()


def test_a_store_written_before_the_prompt_as_written_still_opens_and_resumes(tmp_path):
    folder = tmp_path / "out"
    batch = SimBatch(folder)
    try:
        store = JobStore(folder)
        from app.engine.run.planning import plan_batch

        store.new_batch(plan_batch([JobSpec("fox", "google/imagen4", {"prompt": "a fox"})], batch.catalog))
        store.close()
        # As an older Batch Studio left it: the same store version, without the new column.
        db = sqlite3.connect(folder / STORE_PATH)
        db.execute("ALTER TABLE jobs DROP COLUMN prompt_as_written")
        db.commit()
        db.close()

        store = JobStore(folder)
        loaded = store.load()
        assert [(job.spec.name, job.spec.prompt_as_written) for job in loaded] == [("fox", None)]
        store.close()
        result = batch.resume()
        assert [r.state for r in result.records] == [JobState.DONE]
        entry = json.loads((folder / "manifest.json").read_text("utf-8"))["results"][0]
        assert "prompt_as_written" not in entry
    finally:
        batch.close()
