"""The model browser at the live catalog's size: search, provider filter, task groups, recent first."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.engine.atlas.catalog import Catalog
from app.sim.synthetic import synthetic_catalog
from app.ui.modelbrowser import MODEL_ID, MODEL_ROLE, NAME, PRICE, ModelPicker, recent_models, remember_model


@pytest.fixture(scope="module")
def big_catalog() -> Catalog:
    rows, schemas = synthetic_catalog(450)
    for row in rows:
        row["schema"] = f"https://schemas.test/{row['model']}.json"
    catalog = Catalog.from_documents({"data": rows}, schemas, "live", "2026-01-01T00:00:00+00:00")
    assert len(catalog.models) >= 400
    return catalog


@pytest.fixture
def picker(qtbot, big_catalog):
    widget = ModelPicker(big_catalog)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def groups(browser) -> dict[str, list[str]]:
    """Heading -> the model ids shown under it, top to bottom."""
    shown = {}
    view = browser.filter
    for group_row in range(view.rowCount()):
        group = view.index(group_row, NAME)
        shown[group.data()] = [view.index(row, NAME, group).data(MODEL_ROLE) for row in range(view.rowCount(group))]
    return shown


def shown_ids(browser) -> list[str]:
    return [model_id for ids in groups(browser).values() for model_id in ids]


def test_every_model_is_listed_once_under_its_task_heading(picker, big_catalog):
    started = time.perf_counter()
    browser = picker.open_browser()
    opened = time.perf_counter() - started
    shown = groups(browser)
    assert "Recently used" not in shown  # nothing chosen yet: an empty group is hidden
    headings = list(shown)
    assert headings == [h for h in ("Text to image", "Image editing", "Image to image", "Text to video",
                                    "Image to video", "Reference to video", "Video to video", "Other")
                        if h in headings]
    assert len(headings) >= 6
    assert sorted(shown_ids(browser)) == sorted(big_catalog.models)
    for heading, ids in shown.items():
        tasks = {big_catalog.get(model_id).task for model_id in ids}
        assert len(tasks) == 1, (heading, tasks)
    # Opening builds the items once; a second opening reuses them (and is instant).
    items = browser.items
    browser.reject()
    again = time.perf_counter()
    assert picker.open_browser().items is items
    assert time.perf_counter() - again < 0.5 and opened < 3.0, (opened, time.perf_counter() - again)


def test_search_narrows_over_id_name_and_category(picker, big_catalog, qtbot):
    browser = picker.open_browser()
    items = browser.items
    QTest.keyClicks(browser.search, "kling")
    ids = shown_ids(browser)
    assert ids and all("kling" in (m := big_catalog.get(i)).model_id.lower() or "kling" in m.display_name.lower()
                       for i in ids)
    assert len(ids) < len(big_catalog.models) / 2
    browser.search.setText("kling image-to-video")
    narrower = shown_ids(browser)
    assert narrower and set(narrower) < set(ids)
    assert all(big_catalog.get(i).task == "image-to-video" for i in narrower)
    browser.search.setText("Reference-to-Video")  # a catalog category, not in every id
    by_category = shown_ids(browser)
    assert by_category and all(
        any("reference" in c.lower() for c in big_catalog.get(i).categories) or "reference" in i for i in by_category)
    browser.search.setText("no such model anywhere")
    assert shown_ids(browser) == []
    assert browser.items is items  # typing filters; it never rebuilds the items


def test_the_provider_filter_keeps_one_provider(picker, big_catalog):
    browser = picker.open_browser()
    providers = [browser.provider.itemData(i) for i in range(1, browser.provider.count())]
    assert "google" in providers and "kwaivgi" in providers and providers == sorted(providers)
    browser.provider.setCurrentIndex(browser.provider.findData("google"))
    ids = shown_ids(browser)
    assert ids and {big_catalog.get(i).provider for i in ids} == {"google"}
    assert len(ids) == sum(1 for m in big_catalog.models.values() if m.provider == "google")
    browser.search.setText("video")
    assert set(shown_ids(browser)) < set(ids)


def test_rows_show_name_id_and_the_catalog_price(picker, big_catalog):
    browser = picker.open_browser()
    group = browser.filter.index(0, NAME)
    first = browser.filter.index(0, NAME, group)
    model = big_catalog.get(first.data(MODEL_ROLE))
    assert first.data() == model.display_name
    assert first.siblingAtColumn(MODEL_ID).data() == model.model_id
    if model.list_price is not None:
        assert first.siblingAtColumn(PRICE).data() == f"${model.list_price.normalize():f}"
    header = browser.filter.headerData(PRICE, Qt.Orientation.Horizontal)
    assert header == "Catalog price"
    assert "catalog" in browser.filter.headerData(PRICE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_enter_chooses_arrows_move_and_escape_closes(picker, qtbot):
    browser = picker.open_browser()
    browser.search.setText("veo")
    ids = shown_ids(browser)
    assert len(ids) >= 2
    assert browser.tree.currentIndex().data(MODEL_ROLE) == ids[0]  # the best match is ready for Enter
    QTest.keyClick(browser.search, Qt.Key.Key_Down)
    assert browser.tree.currentIndex().data(MODEL_ROLE) == ids[1]
    QTest.keyClick(browser.search, Qt.Key.Key_Up)
    QTest.keyClick(browser.search, Qt.Key.Key_Up)  # stays on the first model, never on a heading
    assert browser.tree.currentIndex().data(MODEL_ROLE) == ids[0]
    QTest.keyClick(browser.search, Qt.Key.Key_Down)
    with qtbot.waitSignal(picker.model_chosen) as chosen:
        QTest.keyClick(browser.search, Qt.Key.Key_Return)
    assert chosen.args == [ids[1]]
    assert picker.current() == ids[1] and not browser.isVisible()
    assert ids[1] in picker.button.text()

    browser = picker.open_browser()
    assert browser.search.text() == ""  # each opening starts afresh, on the current model
    assert browser.tree.currentIndex().data(MODEL_ROLE) == ids[1]
    with qtbot.assertNotEmitted(picker.model_chosen):
        QTest.keyClick(browser, Qt.Key.Key_Escape)
    assert not browser.isVisible() and picker.current() == ids[1]


def test_recently_used_models_come_first_newest_first(picker, big_catalog, qtbot):
    chosen = sorted(big_catalog.models)[:10]
    for model_id in chosen:
        remember_model(model_id)
    remember_model(chosen[3])  # chosen again: moves to the front, not listed twice
    recent = recent_models()
    assert recent[0] == chosen[3] and len(recent) == 8 and len(set(recent)) == 8
    browser = picker.open_browser()
    first_heading = next(iter(groups(browser)))
    assert first_heading == "Recently used"
    assert groups(browser)["Recently used"] == recent
    # Choosing in the browser remembers too.
    browser.search.setText(chosen[9])
    with qtbot.waitSignal(picker.model_chosen):
        QTest.keyClick(browser.search, Qt.Key.Key_Return)
    assert recent_models()[0] == chosen[9]


def test_a_new_catalog_rebuilds_the_items_and_says_where_it_came_from(picker):
    browser = picker.open_browser()
    assert browser.source.text().startswith("live catalog, ")
    assert not browser.problem.isVisibleTo(browser)
    snapshot = Catalog.snapshot()
    offline = snapshot.with_problem("the live model list could not be fetched (offline); showing the bundled "
                                    "snapshot")
    picker.set_catalog(offline, offline.problem)
    assert sorted(shown_ids(browser)) == sorted(snapshot.models)
    assert browser.source.text().startswith("bundled snapshot, ")
    assert browser.problem.isVisibleTo(browser) and "showing the bundled snapshot" in browser.problem.text()
    picker.set_current("google/veo3.1/text-to-video")
    assert "Veo" in picker.button.text()
    picker.set_current("gone/model")
    assert "not in the catalog" in picker.button.text()


def test_the_browser_shows_the_tiers_of_the_model_under_the_cursor(qtbot):
    widget = ModelPicker(Catalog.snapshot())
    qtbot.addWidget(widget)
    widget.show()
    browser = widget.open_browser()
    browser.search.setText("imagen4")
    assert browser.tree.currentIndex().data(MODEL_ROLE).startswith("google/imagen4")
    text = browser.tiers.text()
    assert browser.tiers.isVisible() and "cheapest first" in text
    assert text.index("Fast") < text.index("Ultra") and "<b>" in text
    browser.search.setText("flux-2-pro")
    assert "no other tier" in browser.tiers.text()
