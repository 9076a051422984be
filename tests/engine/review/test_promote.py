"""Draft, then final: drafts cost less, picks are promoted with their lineage, budgets hold."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.ladders import build_ladders
from app.engine.atlas.pricing import PriceTable
from app.engine.jobs.draft import draft_jobs, finals_from_json, finals_meta_key, finals_to_json, joined_json_objects
from app.engine.jobs.spec import JobSpec, validate_jobs
from app.engine.review import session as review
from app.engine.review.promote import items_to_promote, plan_promote
from app.engine.review.reroll import BudgetExceeded, append_to_batch
from app.engine.review.savings import batch_saving
from app.engine.review.session import Pick
from app.engine.run.ledger import SpendLedger
from app.engine.run.records import JobState
from app.engine.run.store import JobStore
from tests.engine.review.test_review import SimBatch
from tests.fakes.runs import new_runner
from tests.fakes.tiers import tiered_catalog

VEO = "google/veo3.1/text-to-video"


def written_jobs() -> list[JobSpec]:
    return [
        JobSpec("film", VEO, {"prompt": "a speaker rises from mist", "duration": 8, "resolution": "1080p",
                              "seed": 7}),
        JobSpec("still", "google/imagen4-ultra", {"prompt": "a speaker on stone", "aspect_ratio": "16:9",
                                                  "seed": 3}),
        JobSpec("loop", "bytedance/seedance-v1.5-pro/text-to-video",
                {"prompt": "fabric macro", "duration": 10, "resolution": "480p", "generate_audio": False}),
        JobSpec("flux", "black-forest-labs/flux-2-pro/text-to-image", {"prompt": "a speaker", "seed": 42}),
        JobSpec("film b", VEO, {"prompt": "a speaker in the rain", "duration": 8, "resolution": "1080p"}),
        JobSpec("film c", VEO, {"prompt": "a speaker on a beach", "duration": 8, "resolution": "1080p"}),
    ]


@pytest.fixture
def catalog():
    return Catalog.snapshot()


def test_drafts_take_the_cheapest_tier_at_draft_settings_and_keep_prompt_and_seed(catalog):
    drafts = draft_jobs(written_jobs(), catalog, build_ladders(catalog))
    film, still, loop, flux = drafts[:4]
    assert film.draft.model == "google/veo3.1-fast/text-to-video"
    assert film.draft.inputs == {"prompt": "a speaker rises from mist", "duration": 4, "resolution": "720p",
                                 "seed": 7}
    assert still.draft.model == "google/imagen4-fast" and still.draft.inputs["seed"] == 3
    assert loop.draft.model == "bytedance/seedance-v1.5-pro-fast/text-to-video"
    assert loop.draft.inputs["resolution"] == "720p" and loop.draft.inputs["duration"] == 4  # fast: 720p only
    assert not flux.laddered and flux.draft == flux.final and "runs as itself" in flux.notices[0]
    assert film.final == written_jobs()[0]
    assert not validate_jobs([d.draft for d in drafts], catalog)


def test_finals_encoded_a_slice_at_a_time_read_back_as_one_document(catalog):
    drafts = draft_jobs(written_jobs(), catalog, build_ladders(catalog))
    parts = [finals_to_json(drafts[first:first + 4], first) for first in range(0, len(drafts), 4)]
    joined = joined_json_objects(parts + [finals_to_json([], len(drafts))])
    assert json.loads(joined) == json.loads(finals_to_json(drafts))
    assert finals_from_json(joined) == finals_from_json(finals_to_json(drafts))
    assert json.loads(joined_json_objects([])) == {}


def test_an_input_the_tier_lacks_is_carried_to_the_closest_or_dropped():
    from app.engine.jobs.draft import carry_inputs

    catalog = Catalog.snapshot()
    fast = catalog.get("google/imagen4-fast")
    inputs, notices = carry_inputs({"prompt": "x", "generate_audio": True, "aspect_ratio": "21:9"}, fast, "a")
    assert "generate_audio" not in inputs and "nothing like it" in notices[0]
    assert inputs["aspect_ratio"] in fast.properties["aspect_ratio"]["enum"] and "does not offer" in notices[1]


def test_a_draft_run_costs_less_than_the_full_run(catalog):
    prices = PriceTable.load()
    jobs = written_jobs()
    drafts = draft_jobs(jobs, catalog, build_ladders(catalog))
    full = sum(prices.estimate(catalog.get(j.model), j.inputs).amount for j in jobs)
    drafted = sum(prices.estimate(catalog.get(d.draft.model), d.draft.inputs).amount for d in drafts)
    assert drafted < full / 3


def test_the_real_catalog_drafts_every_tiered_family_on_its_cheapest_tier():
    catalog = tiered_catalog()
    ladders = build_ladders(catalog)
    for ladder in ladders.ladders:
        for draft in draft_jobs([JobSpec("j", ladder.top, {"prompt": "p"})], catalog, ladders):
            assert draft.draft.model == ladder.cheapest and draft.final.model == ladder.top


@pytest.fixture
def draft_folder(tmp_path, catalog):
    sim = SimBatch(tmp_path / "batch")
    drafts = draft_jobs(written_jobs(), catalog, build_ladders(catalog))
    store = JobStore(sim.folder)
    runner = new_runner([d.draft for d in drafts], catalog, sim.folder, mode="demo", store=store,
                        **sim.connections())
    store.set_meta(finals_meta_key(1), finals_to_json(drafts))
    result = runner.run()
    store.close()
    assert all(r.state == JobState.DONE for r in result.records)
    yield sim
    sim.close()


def test_promote_renders_picks_on_the_final_tier_linked_to_their_drafts(draft_folder, catalog):
    sim, folder = draft_folder, draft_folder.folder
    ladders = build_ladders(catalog)
    with review.open_folder(folder) as session:
        session.set_pick(session.item("film").outputs + session.item("still").outputs, Pick.PICKED)
        session.flush()
        items = items_to_promote(session)
        assert [item.name for item in items] == ["film", "still"]
        promotion = plan_promote(session, items, catalog, ladders, budget=session.budget(max_spend=Decimal(20)))
        film, still = promotion.plan.jobs
        assert film.spec.model == VEO and film.spec.inputs == written_jobs()[0].inputs  # 8 s at 1080p, seed 7
        assert still.spec.model == "google/imagen4-ultra" and still.spec.inputs["seed"] == 3
        assert film.link.kind == "promote" and film.link.origin_name == "film"
        append_to_batch(session, promotion.plan, catalog)
    result = sim.resume()
    assert [r.state for r in result.records] == [JobState.DONE] * 8
    store = JobStore(folder)
    links = store.links()
    assert {(key[1], link.kind, link.origin_position) for key, link in links.items()} == {(6, "promote", 0),
                                                                                          (7, "promote", 1)}
    saving = batch_saving(store, 1, catalog)
    store.close()
    document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    by_name = {entry["name"]: entry for entry in document["results"]}
    assert by_name["film (final 1)"]["link"] == {"kind": "promote",
                                                 "original": {"batch": 1, "position": 0, "name": "film"}}
    assert by_name["film (final 1)"]["model"] == VEO
    # Drafts of six jobs plus two finals cost less than all six on their final tiers.
    assert saving.promoted == 2 and saving.spent < saving.all_final and saving.percent > 0
    assert "saved $" in saving.sentence()


def test_keep_composition_starts_the_final_from_the_drafts_picture(draft_folder, catalog):
    ladders = build_ladders(catalog)
    with review.open_folder(draft_folder.folder) as session:
        film, still = session.item("film"), session.item("loop")
        promotion = plan_promote(session, [film, still], catalog, ladders, keep_composition=True)
        film_final, loop_final = promotion.plan.jobs
        # Veo 3.1 has an image-to-video model of the same tier: its first frame starts the final.
        assert film_final.spec.model == "google/veo3.1/image-to-video"
        frame = film_final.spec.inputs["image"]
        assert frame.endswith(".png") and (draft_folder.folder / ".batch-studio" / "frames").is_dir()
        assert loop_final.spec.model == "bytedance/seedance-v1.5-pro/image-to-video"
        assert not [p for job in promotion.plan.jobs for p in validate_jobs([job.spec], catalog)]


def test_budgets_hold_before_anything_is_queued(draft_folder, catalog, tmp_path):
    ladders = build_ladders(catalog)
    with review.open_folder(draft_folder.folder) as session:
        items = items_to_promote(session, picks=False)
        tight = plan_promote(session, items, catalog, ladders, budget=session.budget(max_spend=session.spent + 1))
        assert not tight.plan.fits and "spend cap" in tight.plan.problem
        with pytest.raises(BudgetExceeded):
            append_to_batch(session, tight.plan, catalog)
        ledger = SpendLedger(tmp_path / "spend.json")
        ledger.add(Decimal("9.50"))
        daily = plan_promote(session, items, catalog, ladders, budget=session.budget(daily_cap=Decimal(10),
                                                                                    ledger=ledger))
        assert "daily cap" in daily.plan.problem
        assert len(session.items) == 6


def test_a_draft_promoted_before_is_left_out_unless_named(draft_folder, catalog):
    ladders = build_ladders(catalog)
    with review.open_folder(draft_folder.folder) as session:
        session.set_pick(session.item("still").outputs, Pick.PICKED)
        promotion = plan_promote(session, items_to_promote(session), catalog, ladders)
        append_to_batch(session, promotion.plan, catalog)
        assert items_to_promote(session) == []
        assert [item.name for item in items_to_promote(session, picks=False)] == [
            "film", "loop", "flux", "film b", "film c"]
        assert [item.name for item in items_to_promote(session, names=["still"])] == ["still"]


def test_a_job_written_on_the_cheapest_tier_drafts_there_and_finishes_on_the_top_tier(catalog):
    job = JobSpec("clip", "google/veo3.1-fast/text-to-video", {"prompt": "waves", "duration": 8,
                                                               "resolution": "1080p", "seed": 4})
    draft = draft_jobs([job], catalog, build_ladders(catalog))[0]
    assert draft.draft.model == job.model and draft.draft.inputs["duration"] == 4
    assert draft.final.model == VEO and draft.final.inputs == job.inputs and draft.laddered
