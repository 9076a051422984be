"""Review mode's engine: verdicts in the store and the manifest, any batch folder, filters,
re-rolls and variations, and the thumbnail cache."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from app.engine.review import session as review
from app.engine.review import thumbcache
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import AtlasClient, Backoff
from app.engine.jobs.spec import JobSpec
from app.engine.run.ledger import SpendLedger
from app.engine.run.records import JobState
from app.engine.review.reroll import (BudgetExceeded, RerollError, append_to_batch, plan_reroll, plan_vary,
                               price_plan)
from app.engine.review.session import JobKey, Pick, ReviewError, ReviewQuery
from app.engine.run.runner import Limits
from app.engine.run.store import STORE_PATH, JobStore
from app.sim import DEMO_KEY, SimServer
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner, resumed_runner

SEQUENTIAL = "bytedance/seedream-v4.5/sequential"  # several pictures, and no seed input


def demo_jobs() -> list[JobSpec]:
    return [
        JobSpec("hero", "black-forest-labs/flux-2-pro/text-to-image",
                {"prompt": 'a red fox, "studio" light, 50mm', "size": "640*480", "seed": 42}),
        JobSpec("서울 야경", "google/imagen4", {"prompt": "서울의 야경, 한강"}),
        JobSpec("series", SEQUENTIAL, {"prompt": "three comic panels", "max_images": 3}),
        JobSpec("clip", "bytedance/seedance-v1.5-pro-fast/text-to-video", {"prompt": "waves at dusk", "duration": 4}),
    ]


class SimBatch:
    """Runs batches (new, or resumed from the folder's store) against the in-process simulator
    on a manual clock, as test_integration_sim does."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.clock = ManualClock()
        self.server = SimServer(port=0, clock=self.clock).start()
        self.client = AtlasClient(self.server.base_url, DEMO_KEY, sleep=self.sleep, backoff=Backoff(base=0.5, cap=4))
        self.catalog = Catalog.snapshot()

    def sleep(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.server.state.wait_media_idle()

    def connections(self) -> dict:
        return dict(client=self.client, clock=self.clock, sleep=self.sleep, backoff=Backoff(base=0.5, cap=4))

    def run(self, jobs: list[JobSpec], limits: Limits = Limits()):
        store = JobStore(self.folder)
        try:
            return new_runner(jobs, self.catalog, self.folder, limits=limits, mode="demo", store=store,
                              **self.connections()).run()
        finally:
            store.close()

    def resume(self, limits: Limits = Limits()):
        store = JobStore(self.folder)
        try:
            return resumed_runner(store, self.catalog, self.folder, limits=limits, mode="demo",
                                  **self.connections()).run()
        finally:
            store.close()

    def close(self) -> None:
        self.client.close()
        self.server.stop()


@pytest.fixture
def sim(tmp_path):
    batch = SimBatch(tmp_path / "batch")
    yield batch
    batch.close()


@pytest.fixture
def folder(sim):
    result = sim.run(demo_jobs())
    assert all(r.state == JobState.DONE for r in result.records)
    return sim.folder


def file_hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and p.suffix in (".png", ".mp4")}


def manifest_reviews(folder: Path, name: str = "manifest.json") -> dict[str, dict]:
    document = json.loads((folder / name).read_text(encoding="utf-8"))
    return {f["path"]: f["review"] for entry in document["results"] for f in entry["files"]}


# --- verdicts ------------------------------------------------------------------------------
def test_a_verdict_goes_to_the_store_at_once_the_manifest_on_flush_and_survives_reopening(folder):
    before = file_hashes(folder)
    session = review.open_folder(folder)
    assert [item.name for item in session.items] == ["hero", "서울 야경", "series", "clip"]
    assert len(session.outputs) == 6 and session.counts() == review.ReviewCounts(0, 0, 6)
    hero, seoul = session.item("hero"), session.item("서울 야경")
    series = session.item("series")
    assert [o.path for o in series.outputs] == ["images/series-1.png", "images/series-2.png", "images/series-3.png"]

    session.set_pick(hero.outputs, Pick.PICKED)
    session.set_rating(hero.outputs, 4)
    session.set_pick(series.outputs[1:2], Pick.REJECTED)
    session.set_pick(seoul.outputs, Pick.PICKED)
    session.clear(seoul.outputs)
    assert session.counts() == review.ReviewCounts(1, 1, 4)

    # In the store before any flush: a crash now loses nothing.
    with sqlite3.connect(folder / STORE_PATH) as db:
        rows = dict(db.execute("SELECT path, pick FROM reviews").fetchall())
    assert rows == {"images/hero.png": "picked", "images/series-2.png": "rejected", "images/서울 야경.png": None}
    assert manifest_reviews(folder)["images/hero.png"]["pick"] is None and session.dirty

    assert session.flush() is True and session.flush() is False
    in_manifest = manifest_reviews(folder)
    assert in_manifest["images/hero.png"]["pick"] == "picked" and in_manifest["images/hero.png"]["rating"] == 4
    assert in_manifest["images/hero.png"]["reviewed_at"].endswith("Z")
    assert in_manifest["images/series-2.png"] == {**in_manifest["images/series-2.png"], "pick": "rejected",
                                                  "rating": None}
    assert in_manifest["images/series-1.png"] == {"pick": None, "rating": None, "reviewed_at": None}
    assert in_manifest["images/서울 야경.png"]["pick"] is None and in_manifest["images/서울 야경.png"]["reviewed_at"]
    session.close()

    again = review.open_folder(folder)
    assert again.item("hero").outputs[0].pick is Pick.PICKED and again.item("hero").outputs[0].rating == 4
    assert again.item("series").outputs[1].pick is Pick.REJECTED and again.counts() == review.ReviewCounts(1, 1, 4)
    again.close()
    assert file_hashes(folder) == before  # the files themselves are never touched

    # The manifest alone carries the same verdicts (a folder copied without its store).
    shutil.rmtree(folder / ".batch-studio")
    alone = review.open_folder(folder)
    assert not alone.has_store
    assert [(o.path, o.pick, o.rating) for o in alone.picked()] == [("images/hero.png", Pick.PICKED, 4)]
    assert alone.counts() == review.ReviewCounts(1, 1, 4)
    alone.close()


def test_a_manifest_only_folder_lists_everything_and_keeps_its_verdicts_in_the_manifest(folder):
    shutil.rmtree(folder / ".batch-studio")
    session = review.open_folder(folder)
    hero = session.item("hero")
    assert hero.model == "black-forest-labs/flux-2-pro/text-to-image" and hero.seed == 42
    assert hero.prompt == 'a red fox, "studio" light, 50mm' and hero.status == "done"
    assert hero.prediction_id and hero.cost.basis == "estimate" and hero.charged == hero.cost.amount > 0
    assert hero.submitted_at and hero.finished_at and hero.duration > 0
    assert session.item("clip").outputs[0].is_video and session.item("clip").outputs[0].file.is_file()
    session.set_pick(session.item("clip").outputs, Pick.PICKED)
    session.set_rating(session.item("clip").outputs, 5)
    session.close()  # flushes
    assert not (folder / ".batch-studio").exists()  # no store appears behind the user's back
    reopened = review.open_folder(folder)
    assert [(o.item.name, o.rating) for o in reopened.picked()] == [("clip", 5)]
    reopened.close()


def test_an_older_store_is_migrated_and_a_newer_store_or_manifest_refused(folder):
    # A store as the previous version wrote it: no review tables, version 1.
    with sqlite3.connect(folder / STORE_PATH) as db:
        db.execute("DROP TABLE reviews")
        db.execute("DROP TABLE links")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    session = review.open_folder(folder)
    assert len(session.items) == 4
    session.set_pick(session.item("hero").outputs, Pick.PICKED)
    session.close()
    store = JobStore(folder)
    assert store.meta("schema_version") == "2" and list(store.reviews()) == ["images/hero.png"]
    assert [job.state for job in store.load()] == [JobState.DONE] * 4
    store.set_meta("schema_version", "3")
    store.close()
    with pytest.raises(ReviewError, match="newer Batch Studio"):
        review.open_folder(folder)

    shutil.rmtree(folder / ".batch-studio")
    document = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**document, "schema_version": 2}))
    with pytest.raises(ReviewError, match="newer Batch Studio"):
        review.open_folder(folder)


def test_a_folder_that_is_no_batch_is_refused_with_a_sentence(tmp_path):
    with pytest.raises(ReviewError, match="is not a batch folder"):
        review.open_folder(tmp_path)
    with pytest.raises(ReviewError, match="is not a folder"):
        review.open_folder(tmp_path / "nowhere")
    (tmp_path / "manifest.json").write_text("{cut")
    with pytest.raises(ReviewError, match="cannot be read"):
        review.open_folder(tmp_path)


def test_ratings_are_one_to_five(folder):
    with review.open_folder(folder) as session:
        for wrong in (0, 6, True, "3"):
            with pytest.raises(ValueError):
                session.set_rating(session.outputs[:1], wrong)
        session.set_rating(session.outputs[:1], None)
        assert session.outputs[0].rating is None


# --- counts, filters and sorts -----------------------------------------------------------
def synthetic_manifest(folder: Path, count: int) -> None:
    """A fleet-sized manifest (no files needed to list it)."""
    models = ["google/imagen4", "black-forest-labs/flux-2-pro/text-to-image", "google/veo3.1/text-to-video"]
    results = []
    for i in range(count):
        status = "failed" if i % 10 == 9 else "done"
        model = models[i % 3]
        suffix = ".mp4" if "veo" in model else ".png"
        files = [] if status == "failed" else [{"path": f"out/job {i}{suffix}", "url": "", "bytes": 1, "sha256": "",
                                                "review": {"pick": ["picked", "rejected", None][(i // 3) % 3],
                                                           "rating": None, "reviewed_at": None}}]
        results.append({"name": f"job {i}", "model": model, "status": status, "prediction_id": f"p{i}",
                        "inputs": {"prompt": "a lighthouse at night" if i % 7 == 0 else f"scene {i}"},
                        "files": files, "cost": {"estimated": (i % 5) / 100, "quoted": None, "charged": None},
                        "timings": {"finished_at": f"2026-01-01T00:{(count - i) % 60:02d}:00.000Z"}})
    (folder / "manifest.json").write_text(json.dumps({"schema_version": 1, "batch": {"max_spend": 12.5},
                                                      "results": results}))


def test_counts_filters_and_sorts_over_a_thousand_outputs(tmp_path):
    synthetic_manifest(tmp_path, 1000)
    session = review.open_folder(tmp_path)
    assert len(session.items) == 1000 and len(session.outputs) == 1000  # a failed job keeps an empty tile
    counts = session.counts()
    assert counts.total == 900 and counts.picked + counts.rejected + counts.unrated == 900
    assert counts.picked == sum(1 for o in session.outputs if o.reviewable and o.pick is Pick.PICKED) > 0
    assert session.statuses() == ["done", "failed"] and len(session.models()) == 3
    assert session.max_spend == Decimal("12.5")

    failed = session.view(ReviewQuery(statuses=frozenset({"failed"})))
    assert len(failed) == 100 and all(not o.reviewable for o in failed)
    veo_picked = session.view(ReviewQuery(models=frozenset({"google/veo3.1/text-to-video"}),
                                          picks=frozenset({Pick.PICKED})))
    assert veo_picked and all(o.is_video and o.pick is Pick.PICKED for o in veo_picked)
    unrated = session.view(ReviewQuery(picks=frozenset({Pick.UNRATED}), statuses=frozenset({"done"})))
    assert len(unrated) == counts.unrated
    lighthouse = session.view(ReviewQuery(text="  LIGHTHOUSE "))
    assert [o.item.name for o in lighthouse] == [f"job {i}" for i in range(0, 1000, 7)]

    by_cost = session.view(ReviewQuery(sort="cost", descending=True))
    assert [o.item.cost.amount for o in by_cost] == sorted((o.item.cost.amount for o in by_cost), reverse=True)
    by_time = session.view(ReviewQuery(sort="time"))
    times = [o.item.finished_at for o in by_time]
    assert times == sorted(times)
    by_model = session.view(ReviewQuery(sort="model"))
    assert [o.item.model for o in by_model] == sorted(o.item.model for o in by_model)
    assert [o.item.name for o in session.view()] == [f"job {i}" for i in range(1000)]
    with pytest.raises(ValueError, match="unknown sort"):
        session.view(ReviewQuery(sort="colour"))
    session.close()


# --- re-roll and vary ----------------------------------------------------------------------
def test_a_reroll_draws_a_new_seed_in_range_and_is_named_and_linked_beside_its_original(folder):
    catalog = Catalog.snapshot()
    with review.open_folder(folder) as session:
        hero, series = session.item("hero"), session.item("series")
        plan = plan_reroll([hero, hero, series], catalog, taken_names=session.names(), rng=random.Random(7))
    first, second, again = plan.jobs
    assert [job.spec.name for job in plan.jobs] == ["hero (re-roll 1)", "hero (re-roll 2)", "series (re-roll 1)"]
    seed_schema = catalog.get(hero.model).properties["seed"]
    for job in (first, second):
        assert job.spec.inputs["seed"] != 42 and 0 <= job.spec.inputs["seed"] <= seed_schema["maximum"]
        assert job.spec.inputs["seed"] != seed_schema["default"]
        assert {k: v for k, v in job.spec.inputs.items() if k != "seed"} == {"prompt": hero.prompt,
                                                                              "size": "640*480"}
        assert (job.link.kind, job.link.origin_batch, job.link.origin_position, job.link.origin_name) == \
            ("reroll", 1, 0, "hero")
    assert first.spec.inputs["seed"] != second.spec.inputs["seed"]
    # No seed input: the same body again.
    assert again.spec.inputs == series.spec.inputs and "seed" not in again.spec.inputs
    assert hero.spec.inputs["seed"] == 42  # the original's spec is not touched
    assert plan.fits and plan.basis == "estimate" and plan.total == sum(job.cost.amount for job in plan.jobs) > 0


def test_the_budget_refuses_a_reroll_before_anything_is_queued(folder, tmp_path):
    catalog = Catalog.snapshot()
    session = review.open_folder(folder)
    clip = session.item("clip")
    spent = session.spent
    assert spent > 0
    plan = plan_reroll([clip], catalog, taken_names=session.names(),
                       budget=session.budget(max_spend=spent + Decimal("0.01")))
    assert not plan.fits
    assert "spend cap of $" in plan.problem and f"${spent.quantize(Decimal('0.01'))}" in plan.problem
    assert plan.total_label() in plan.problem and "Nothing was queued" in plan.problem
    with pytest.raises(BudgetExceeded, match="spend cap"):
        append_to_batch(session, plan, catalog)

    ledger = SpendLedger(tmp_path / "spend.json")
    ledger.add(Decimal("9.95"))
    daily = plan_reroll([clip], catalog, taken_names=session.names(),
                        budget=session.budget(daily_cap=Decimal("10"), ledger=ledger))
    assert "daily cap of $10.00" in daily.problem and "$9.95 spent today" in daily.problem
    with pytest.raises(BudgetExceeded, match="daily cap"):
        append_to_batch(session, daily, catalog)
    roomy = plan_reroll([clip], catalog, taken_names=session.names(),
                        budget=session.budget(max_spend=spent + Decimal("5"), daily_cap=Decimal("20"),
                                              ledger=ledger))
    assert roomy.fits
    store = JobStore(folder)
    assert len(store.load()) == 4  # nothing was added by the refusals
    store.close()
    session.close()


def test_vary_is_an_editable_copy_that_joins_the_batch_after_pricing(folder):
    catalog = Catalog.snapshot()
    session = review.open_folder(folder)
    seoul = session.item("서울 야경")
    planned = plan_vary(seoul, taken_names=session.names())
    assert planned.spec.name == "서울 야경 (variation 1)" and planned.link.kind == "vary"
    planned.spec.inputs["prompt"] = "부산의 야경"
    assert seoul.spec.inputs["prompt"] == "서울의 야경, 한강"
    plan = price_plan([planned], catalog, budget=session.budget())
    records = append_to_batch(session, plan, catalog)
    assert [r.index for r in records] == [4] and records[0].state == JobState.QUEUED
    varied = session.item("서울 야경 (variation 1)")
    assert varied.status == "queued" and varied.group == seoul.key
    assert [item.name for item in session.group(seoul)] == ["서울 야경", "서울 야경 (variation 1)"]
    with pytest.raises(RerollError, match="already has a job named"):
        append_to_batch(session, plan, catalog)
    session.close()


def test_new_jobs_join_only_the_latest_batch(folder):
    catalog = Catalog.snapshot()
    store = JobStore(folder)
    hero = next(job for job in store.load() if job.spec.name == "hero")
    from app.engine.run.records import JobRecord

    store.new_batch([JobRecord(0, JobSpec("later", hero.spec.model, {"prompt": "x"}), catalog.get(hero.spec.model),
                               hero.estimate)])
    store.close()
    with review.open_folder(folder) as latest:
        assert latest.batch == 2 and [item.name for item in latest.items] == ["later"]
        assert latest.manifest_path == folder / "manifest.json"
    with review.open_folder(folder, batch=1) as older:
        assert older.manifest_path == folder / "manifest-batch-1.json" and len(older.items) == 4
        plan = plan_reroll([older.item("hero")], catalog, taken_names=older.names())
        with pytest.raises(RerollError, match="latest batch"):
            append_to_batch(older, plan, catalog)
    with pytest.raises(ReviewError, match="has no batch 7"):
        review.open_folder(folder, batch=7)


def test_a_manifest_only_folder_cannot_take_new_jobs(folder):
    shutil.rmtree(folder / ".batch-studio")
    catalog = Catalog.snapshot()
    with review.open_folder(folder) as session:
        plan = plan_reroll([session.item("hero")], catalog, taken_names=session.names())
        with pytest.raises(RerollError, match="no job store"):
            append_to_batch(session, plan, catalog)


def test_rerolls_join_a_finished_batch_and_run_beside_untouched_originals(sim, folder):
    catalog = Catalog.snapshot()
    session = review.open_folder(folder)
    session.set_pick(session.item("hero").outputs, Pick.PICKED)
    session.set_rating(session.item("hero").outputs, 3)
    session.flush()
    originals = {item.name: (item.prediction_id, [o.path for o in item.outputs]) for item in session.items}
    hashes = file_hashes(folder)
    plan = plan_reroll([session.item("hero"), session.item("series")], catalog, taken_names=session.names(),
                       budget=session.budget(max_spend=Decimal("5")), rng=random.Random(3))
    append_to_batch(session, plan, catalog)
    assert [item.name for item in session.items] == ["hero", "hero (re-roll 1)", "서울 야경", "series",
                                                     "series (re-roll 1)", "clip"]
    session.close()

    result = sim.resume(Limits(max_spend=Decimal("5")))
    assert result.status == "finished" and [r.state for r in result.records] == [JobState.DONE] * 6
    submitted = [entry for entry in sim.server.log_entries() if entry.get("kind") == "submit"]
    assert len(submitted) == 4 + 2  # the originals were not submitted again

    with review.open_folder(folder) as reopened:
        for name, (prediction_id, paths) in originals.items():
            item = reopened.item(name)
            assert item.prediction_id == prediction_id and [o.path for o in item.outputs] == paths
        reroll = reopened.item("hero (re-roll 1)")
        assert reroll.status == "done" and reroll.outputs[0].path == "images/hero (re-roll 1).png"
        assert reroll.seed not in (None, 42) and reroll.group == JobKey(1, 0)
        assert reroll.link.kind == "reroll" and reroll.link.origin_name == "hero"
        assert len(reopened.item("series (re-roll 1)").outputs) == 3
        assert reopened.item("hero").outputs[0].pick is Pick.PICKED and reopened.item("hero").outputs[0].rating == 3
    # The files the originals made are byte for byte the same; the runner's manifest kept the
    # verdicts it knows nothing of, and the links.
    assert {k: v for k, v in file_hashes(folder).items() if k in hashes} == hashes
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    by_name = {entry["name"]: entry for entry in document["results"]}
    assert by_name["hero"]["files"][0]["review"]["pick"] == "picked"
    assert by_name["hero (re-roll 1)"]["link"] == {"kind": "reroll",
                                                   "original": {"batch": 1, "position": 0, "name": "hero"}}
    assert by_name["hero"]["link"] is None and document["successful"] == 6


# --- thumbnails ----------------------------------------------------------------------------
def test_thumbnails_are_made_once_per_file_version_and_size(tmp_path, monkeypatch):
    picture = tmp_path / "wide.png"
    Image.new("RGBA", (400, 200), (200, 10, 10, 128)).save(picture)
    made = []
    real_render = thumbcache.render
    monkeypatch.setattr(thumbcache, "render", lambda path, size: made.append((path, size)) or real_render(path, size))
    first = thumbcache.thumbnail(picture, 64)
    assert first.is_relative_to(tmp_path / "home" / ".cache")  # the user cache folder, moved by the test setup
    with Image.open(first) as thumb:
        assert thumb.size == (64, 32) and thumb.mode == "RGB"
    assert thumbcache.thumbnail(picture, 64) == first and len(made) == 1
    assert thumbcache.thumbnail(picture, 128) != first and len(made) == 2
    Image.new("RGB", (100, 300), (0, 0, 255)).save(picture)
    changed = thumbcache.thumbnail(picture, 64)
    with Image.open(changed) as thumb:
        assert changed != first and thumb.size == (21, 64)


def test_a_video_thumbnail_is_its_poster_frame(folder):
    clip = folder / "videos" / "clip.mp4"
    path = thumbcache.thumbnail(clip, 96)
    with Image.open(path) as thumb:
        assert max(thumb.size) == 96 and path.read_bytes()[:2] == b"\xff\xd8"


def test_thumbnails_from_many_threads_are_made_once_and_bad_files_say_why(tmp_path, monkeypatch):
    picture = tmp_path / "p.jpg"
    Image.new("RGB", (300, 300), (0, 120, 0)).save(picture)
    calls = []
    gate = threading.Barrier(6)
    real_render = thumbcache.render
    monkeypatch.setattr(thumbcache, "render", lambda path, size: calls.append(1) or real_render(path, size))
    results = []

    def ask():
        gate.wait()
        results.append(thumbcache.thumbnail(picture, 50))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(calls) == 1
    assert not [p for p in results[0].parent.iterdir() if p.name.startswith(".thumb-")]

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with pytest.raises(thumbcache.ThumbnailError, match="broken.png cannot be read as an image"):
        thumbcache.thumbnail(broken, 50)
    bad_video = tmp_path / "bad.mp4"
    bad_video.write_bytes(b"\x00" * 64)
    with pytest.raises(thumbcache.ThumbnailError, match="bad.mp4"):
        thumbcache.thumbnail(bad_video, 50)
    with pytest.raises(thumbcache.ThumbnailError, match="gone.png cannot be read"):
        thumbcache.thumbnail(tmp_path / "gone.png", 50)
