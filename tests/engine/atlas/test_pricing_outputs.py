"""Estimates, quotes and their labels; safe and unique output names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.outputs import OutputPlanner, safe_stem
from app.engine.atlas.pricing import ESTIMATE, QUOTE, Cost, PriceTable, quote_bodies, summarize
from tests.fakes.atlas import FakeAtlas


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


@pytest.fixture(scope="module")
def prices():
    return PriceTable.load()


@pytest.mark.parametrize("model, inputs, expected", [
    ("google/imagen4-ultra", {}, "0.06"),
    ("black-forest-labs/flux-2-pro/text-to-image", {}, "0.04"),
    ("bytedance/seedance-v1.5-pro/text-to-video", {"duration": 10, "resolution": "480p"}, "0.47"),
    ("bytedance/seedance-v1.5-pro/text-to-video", {"duration": 10, "resolution": "480p", "generate_audio": False},
     "0.235"),
    ("google/veo3.1/text-to-video", {"duration": 8}, "3.20"),
    ("google/veo3.1/text-to-video", {"duration": 8, "generate_audio": False}, "1.60"),
    ("google/veo3.1/text-to-video", {"duration": 8, "resolution": "4k"}, "4.80"),
])
def test_estimates_per_image_and_per_second_with_multipliers(catalog, prices, model, inputs, expected):
    cost = prices.estimate(catalog.get(model), {"prompt": "x", **inputs})
    assert cost.amount == Decimal(expected) and cost.basis == ESTIMATE


def test_labels_never_pass_an_estimate_off_as_a_price():
    assert Cost(Decimal("0.4"), ESTIMATE).label() == "≈$0.40 (estimate)"
    assert Cost(Decimal("0.4"), QUOTE).label() == "$0.40 (quote)"
    summary = summarize(["a", "b"], [Cost(Decimal(1), QUOTE), Cost(Decimal(2), ESTIMATE)])
    assert summary.total == 3 and summary.basis == "mixed" and "partly quoted" in summary.total_label()
    assert summary.per_model["a"] == (1, Decimal(1), QUOTE)


def test_running_totals_match_a_fresh_summary_through_reprices_and_removals():
    import random

    from app.engine.atlas.pricing import CostTotals

    shuffle = random.Random(7)
    costs = [Cost(Decimal("0.05"), ESTIMATE), Cost(Decimal("0.04"), QUOTE), Cost(Decimal("3.20"), ESTIMATE)]
    totals, held = CostTotals(), []
    for _ in range(500):
        if held and shuffle.random() < 0.4:
            model_id, cost = held.pop(shuffle.randrange(len(held)))
            totals.remove(model_id, cost)
        else:
            held.append((shuffle.choice("abc"), shuffle.choice(costs)))
            totals.add(*held[-1])
        assert totals.summary() == summarize([m for m, _ in held], [c for _, c in held])
    for model_id, cost in held:
        totals.remove(model_id, cost)
    assert totals.summary() == summarize([], []) and totals.summary().basis == ESTIMATE


def test_quotes_are_asked_once_per_distinct_price(monkeypatch):
    fake = FakeAtlas()
    asked = []
    original = fake.quote
    monkeypatch.setattr(fake, "quote", lambda body: asked.append(body) or original(body))
    bodies = [{"model": "google/imagen4", "prompt": f"p{i}", "seed": i} for i in range(50)]
    bodies.append({"model": "google/veo3.1/text-to-video", "prompt": "v", "duration": 8})
    quotes, problem = quote_bodies(fake, bodies)
    assert problem is None and len(quotes) == 51 and len(asked) == 2
    assert all(q.basis == QUOTE for q in quotes.values())


@pytest.mark.parametrize("name, stem", [
    ("서울 야경", "서울 야경"), ("../../etc/passwd", "etc_passwd"), ("a/b\\c", "a_b_c"), ("CON", "_CON"),
    ("  .hidden. ", "hidden"), ("", "job"), ("x" * 300, "x" * 80), ("café: 1/2?", "café_ 1_2"),
])
def test_safe_names_keep_letters_and_refuse_traversal(name, stem):
    assert safe_stem(name) == stem


def test_planner_keeps_everything_inside_and_unique(tmp_path):
    planner = OutputPlanner(tmp_path)
    first = planner.reserve("hero", "../../up", False, "https://cdn/x.png")
    second = planner.reserve("hero", "../../up", False, "https://cdn/y.png")
    video = planner.reserve("hero", None, True, "https://cdn/z")
    assert first == tmp_path / "images" / "up" / "hero.png"
    assert second.name == "hero (2).png" and video == tmp_path / "videos" / "hero.mp4"


def test_a_missing_keyring_package_means_no_stored_key(monkeypatch):
    import builtins

    from app.engine.atlas import secrets

    real_import = builtins.__import__

    def no_keyring(name, *args, **kwargs):
        if name.startswith("keyring"):
            raise ImportError("no keyring here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_keyring)
    assert secrets.key_from_keyring() is None and secrets.webhook_secret() is None
    assert secrets.api_key() == (None, "none")


def test_an_estimate_counts_every_image_a_job_asks_for(catalog, prices):
    model = catalog.get("bytedance/seedream-v4.5/sequential")
    one = prices.estimate(model, {"prompt": "x", "max_images": 1}).amount
    assert prices.estimate(model, {"prompt": "x", "max_images": 4}).amount == one * 4


def test_string_float_and_missing_durations_are_priced_by_their_length(catalog, prices):
    kling = catalog.get("kwaivgi/kling-v2.1-t2v-master")
    assert prices.estimate(kling, {"prompt": "x", "duration": "10"}).amount == \
        2 * prices.estimate(kling, {"prompt": "x", "duration": "5"}).amount
    vidu = catalog.get("vidu/q2-pro-fast/reference-to-video")
    assert prices.estimate(vidu, {"prompt": "x", "duration": 2.5}).amount == \
        prices.estimate(vidu, {"prompt": "x", "duration": 5}).amount / 2
    hailuo = catalog.get("minimax/hailuo-2.3/t2v-pro")
    assert "duration" not in hailuo.properties
    assert prices.estimate(hailuo, {"prompt": "x"}).amount > 0
