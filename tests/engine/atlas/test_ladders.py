from decimal import Decimal

from app.engine.atlas.catalog import Catalog
from app.engine.atlas.ladders import Overrides, build_ladders, family_key, tier_words
from tests.fakes.tiers import tiered_catalog


def _ladders_by_key(catalog):
    return {ladder.key: ladder.ids for ladder in build_ladders(catalog).ladders}


def test_the_real_families_come_out_cheapest_first():
    ladders = _ladders_by_key(tiered_catalog())
    assert ladders["google/veo3.1/text-to-video"] == ["google/veo3.1-fast/text-to-video", "google/veo3.1/text-to-video"]
    assert ladders["google/veo3/image-to-video"] == ["google/veo3-fast/image-to-video", "google/veo3/image-to-video"]
    assert ladders["kwaivgi/kling-v2.1-i2v"] == ["kwaivgi/kling-v2.1-i2v-standard", "kwaivgi/kling-v2.1-i2v-pro",
                                                 "kwaivgi/kling-v2.1-i2v-master"]
    assert ladders["kwaivgi/kling-v3.0/text-to-video"] == ["kwaivgi/kling-v3.0-std/text-to-video",
                                                           "kwaivgi/kling-v3.0-pro/text-to-video"]
    assert ladders["minimax/hailuo-02/t2v"] == ["minimax/hailuo-02/t2v-standard", "minimax/hailuo-02/t2v-pro"]
    assert ladders["vidu/q3/text-to-video"] == ["vidu/q3-turbo/text-to-video", "vidu/q3/text-to-video",
                                                "vidu/q3-pro/text-to-video"]
    assert ladders["google/nano-banana/text-to-image"] == ["google/nano-banana/text-to-image",
                                                           "google/nano-banana-pro/text-to-image"]
    assert ladders["google/imagen4"] == ["google/imagen4-fast", "google/imagen4", "google/imagen4-ultra"]
    # Both words in one id: the price decides, not the words.
    assert ladders["bytedance/seedance-v1.5/text-to-video"] == ["bytedance/seedance-v1.5-pro-fast/text-to-video",
                                                                "bytedance/seedance-v1.5-pro/text-to-video"]


def test_a_task_or_a_version_apart_is_another_family():
    ladders = build_ladders(tiered_catalog())
    assert ladders.of("google/veo2") is None
    assert ladders.of("black-forest-labs/flux-2-pro/text-to-image") is None
    assert ladders.of("kwaivgi/kling-v2.1-t2v-master") is None  # text-to-video: no sibling tier listed
    assert ladders.of("kwaivgi/kling-v2.1-i2v-pro/start-end-frame") is None  # two frames: another task
    assert "google/veo3/image-to-video" not in ladders.of("google/veo3.1/image-to-video").ids
    assert ladders.of("bytedance/seedream-v5.0-lite/edit-sequential") is None


def test_irregular_names_come_from_the_override_table():
    ladders = build_ladders(tiered_catalog())
    assert ladders.of("minimax/hailuo-02/fast").ids == ["minimax/hailuo-02/fast", "minimax/hailuo-02/i2v-standard"]
    bare = build_ladders(tiered_catalog(), Overrides({}, frozenset()))
    assert bare.of("minimax/hailuo-02/fast") is None


def test_draft_and_final_tiers():
    ladders = build_ladders(tiered_catalog())
    assert ladders.draft_model("google/veo3.1/text-to-video") == "google/veo3.1-fast/text-to-video"
    assert ladders.final_model("google/veo3.1/text-to-video") == "google/veo3.1/text-to-video"
    # A job written on the cheapest tier is finished on the top one.
    assert ladders.final_model("google/imagen4-fast") == "google/imagen4-ultra"
    assert ladders.draft_model("google/veo2") == "google/veo2" == ladders.final_model("google/veo2")
    assert [m.model_id for m in ladders.same_line("google/veo3.1/text-to-video", ("image-to-video",))] == [
        "google/veo3.1/image-to-video"]
    assert ladders.of("vidu/q3-pro/text-to-video").tier("vidu/q3-turbo/text-to-video").price == Decimal("0.20")


def test_words_and_keys():
    assert tier_words("vidu/q2-pro-fast/reference-to-video") == ["pro", "fast"]
    assert family_key("minimax/hailuo-02/t2v-standard") == "minimax/hailuo-02/t2v"
    assert family_key("google/imagen4-ultra") == "google/imagen4"


def test_the_shaped_snapshot():
    ladders = _ladders_by_key(Catalog.snapshot())
    assert ladders == {
        "bytedance/seedance-v1.5/image-to-video": ["bytedance/seedance-v1.5-pro-fast/image-to-video",
                                                   "bytedance/seedance-v1.5-pro/image-to-video"],
        "bytedance/seedance-v1.5/text-to-video": ["bytedance/seedance-v1.5-pro-fast/text-to-video",
                                                  "bytedance/seedance-v1.5-pro/text-to-video"],
        "google/imagen4": ["google/imagen4-fast", "google/imagen4", "google/imagen4-ultra"],
        "google/veo3.1/text-to-video": ["google/veo3.1-fast/text-to-video", "google/veo3.1/text-to-video"],
    }


def test_a_large_synthetic_catalog_finds_many_ladders_and_no_mixed_types():
    from app.sim.synthetic import synthetic_catalog

    rows, schemas = synthetic_catalog(400)
    catalog = Catalog.from_documents({"data": rows}, schemas, "test")
    ladders = build_ladders(catalog)
    assert len(ladders) >= 30
    for ladder in ladders.ladders:
        assert len({catalog.get(m).type for m in ladder.ids}) == 1
        prices = [tier.price for tier in ladder.tiers if tier.price is not None]
        assert prices == sorted(prices)
