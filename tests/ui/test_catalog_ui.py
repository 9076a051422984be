"""The window on a live catalog: cached list at once, refresh in the background (and on demand),
offline fallback said in words, schemas loaded lazily off the GUI thread; and a start without
a display that says what to do."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.engine.atlas.catalog import CatalogService
from app.engine.atlas.client import SchemaReply
from app.engine.atlas.errors import RetryableError
from app.engine.core.paths import catalog_dir, schema_file_name
from app.sim.synthetic import synthetic_catalog
from app.ui.backend import Backend
from app.ui.main import NO_DISPLAY, missing_display
from app.ui.settings import AppSettings
from app.ui.window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "https://atlas.test"
GONE = "google/imagen4-ultra"  # in the bundled snapshot, no longer in the live list


def _live_documents() -> tuple[list[dict], dict[str, dict]]:
    """The snapshot's models (but one) and 300 made-up ones, each row with its schema URL."""
    snapshot = json.loads((catalog_dir() / "models.json").read_text(encoding="utf-8"))["data"]
    schemas = {}
    rows = []
    for row in snapshot:
        path = catalog_dir() / "schemas" / schema_file_name(row["model"])
        if row["model"] != GONE and path.is_file():
            rows.append(row)
            schemas[row["model"]] = json.loads(path.read_text(encoding="utf-8"))
    made_up, made_up_schemas = synthetic_catalog(300)
    rows += made_up
    schemas.update(made_up_schemas)
    for row in rows:
        row["schema"] = f"https://schemas.test/{row['model']}.json"
    return rows, schemas


class FakeAtlas:
    """A client factory whose clients serve the model list and schema documents from memory.
    Gates hold a fetch until the test opens them, like a slow network; ``offline`` refuses all."""

    def __init__(self):
        self.rows, self.schemas = _live_documents()
        self.list_gate = threading.Event()
        self.schema_gate = threading.Event()
        self.list_gate.set()
        self.schema_gate.set()
        self.offline = False
        self.failing: set[str] = set()
        self.list_calls = 0
        self.schema_calls: list[str] = []

    def __call__(self):
        return _FakeClient(self)

    def open_all(self) -> None:
        self.list_gate.set()
        self.schema_gate.set()


class _FakeClient:
    base_url = BASE_URL

    def __init__(self, atlas: FakeAtlas):
        self.atlas = atlas

    def list_models(self) -> list[dict]:
        assert self.atlas.list_gate.wait(30)
        self.atlas.list_calls += 1
        if self.atlas.offline:
            raise RetryableError("network error: the connection was refused")
        return copy.deepcopy(self.atlas.rows)

    def fetch_schema_if_changed(self, url: str, *, etag=None, last_modified=None) -> SchemaReply:
        assert self.atlas.schema_gate.wait(30)
        model_id = url.removeprefix("https://schemas.test/").removesuffix(".json")
        self.atlas.schema_calls.append(model_id)
        if self.atlas.offline or model_id in self.atlas.failing:
            raise RetryableError("network error: the schema host did not answer")
        return SchemaReply(copy.deepcopy(self.atlas.schemas[model_id]), None, None)

    def close(self) -> None:
        pass


@pytest.fixture
def atlas():
    return FakeAtlas()


@pytest.fixture
def live_window(qtbot, answers, atlas, tmp_path):
    made = []

    def make() -> MainWindow:
        service = CatalogService(atlas, tmp_path / "cache", base_url=BASE_URL)
        backend = Backend(demo=False, catalog_service=service)
        win = MainWindow(AppSettings(), backend)
        qtbot.addWidget(win, before_close_func=MainWindow.shutdown)
        win.show()
        made.append(win)
        return win

    yield make
    atlas.open_all()  # a held fetch must finish before the window's pools can drain
    for win in made:
        win.shutdown()
        win.backend.close()


def type_prompt(window, text):
    window.editor.form.fields["prompt"].widget.setPlainText(text)


def pick(window, model_id):
    browser = window.editor.picker.open_browser()
    browser.search.setText(model_id)
    QTest.keyClick(browser.search, Qt.Key.Key_Return)


def made_up_model(window, task: str) -> str:
    """A live-only model of this task whose schema is not loaded yet (a bundled model would fall
    back to its bundled schema when the fetch fails)."""
    bundled = {row["model"] for row in json.loads((catalog_dir() / "models.json").read_text(encoding="utf-8"))["data"]}
    return next(m.model_id for m in window.backend.catalog.models.values()
                if m.task == task and not m.schema_loaded and m.model_id not in bundled)


def refreshed(qtbot, window):
    qtbot.waitUntil(lambda: not window.catalogs.refreshing, timeout=15000)


# --- the list ------------------------------------------------------------------------------

def test_the_cached_list_shows_at_once_and_a_background_refresh_swaps_it(qtbot, live_window, atlas):
    atlas.list_gate.clear()  # the network is slow: the window must not wait for it
    window = live_window()
    assert window.catalogs.refreshing and not window.act_refresh_catalog.isEnabled()
    assert window.backend.catalog.source == "snapshot"
    # The window works meanwhile: a job with a model the live list has dropped, and one it keeps.
    window.add_job("Image")
    pick(window, GONE)
    type_prompt(window, "a fox")
    window.add_job("Image")
    type_prompt(window, "a hare")
    assert [job.state for job in window.jobs.rows] == ["ready", "ready"]
    assert atlas.list_calls == 0

    with qtbot.waitSignal(window.catalogs.changed, timeout=15000):
        atlas.list_gate.set()
    live = window.backend.catalog
    assert live.source == "live" and len(live.models) > 250
    assert window.model.catalog is live and window.editor.catalog is live and window.editor.picker.catalog is live
    assert window.costs.catalog is live and window.act_refresh_catalog.isEnabled()
    gone = window.jobs.rows[0]
    assert gone.state == "invalid" and any(f"unknown model {GONE}" in p for p in gone.problems), gone.problems
    # The kept model's schema is fetched lazily, off the GUI thread; the row says so meanwhile.
    qtbot.waitUntil(lambda: window.jobs.rows[1].state == "ready", timeout=15000)
    assert window.jobs.rows[1].cost is not None
    assert window.editor.picker.open_browser().source.text().startswith("live catalog, ")


def test_models_refresh_fetches_the_list_again_on_demand(qtbot, live_window, atlas):
    window = live_window()
    refreshed(qtbot, window)
    assert atlas.list_calls == 1
    assert not window.catalogs.refresh_if_stale()  # fresh: nothing is fetched at start or on the timer
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Models")
    action = next(a for a in menu.actions() if a.text() == "Refresh catalog")
    with qtbot.waitSignal(window.catalogs.changed, timeout=15000):
        action.trigger()
    assert atlas.list_calls == 2 and window.backend.catalog.source == "live"


def test_offline_the_bundled_list_then_the_cached_one_serve_and_the_user_is_told(qtbot, live_window, atlas):
    atlas.offline = True
    window = live_window()
    refreshed(qtbot, window)
    assert window.backend.catalog.source == "snapshot"
    browser = window.editor.picker.open_browser()
    assert browser.problem.isVisibleTo(browser)
    assert "could not be fetched" in browser.problem.text() and "bundled snapshot" in browser.problem.text()
    assert "bundled snapshot" in window.statusBar().currentMessage()
    browser.reject()

    atlas.offline = False
    with qtbot.waitSignal(window.catalogs.changed, timeout=15000):
        window.refresh_catalog()
    assert not window.editor.picker.open_browser().problem.isVisibleTo(window.editor.picker.browser())
    window.editor.picker.browser().reject()

    atlas.offline = True
    window.refresh_catalog()
    refreshed(qtbot, window)
    assert window.backend.catalog.source == "cache"
    browser = window.editor.picker.open_browser()
    assert "showing the catalog cached" in browser.problem.text()
    assert browser.source.text().startswith("cached catalog, ")


def test_demo_mode_keeps_the_simulators_catalog(window):
    assert window.backend.catalog_service is None and not window.catalogs.refresh()
    assert window.backend.catalog.source == "demo"
    assert window.editor.picker.open_browser().source.text().startswith("demo simulator catalog, ")
    assert not window.refresh_catalog()
    assert "Demo mode" in window.statusBar().currentMessage()


# --- schemas -------------------------------------------------------------------------------

def test_a_picked_model_loads_its_inputs_first_then_shows_the_form(qtbot, live_window, atlas):
    window = live_window()
    refreshed(qtbot, window)
    window.add_job("Video")
    qtbot.waitUntil(lambda: window.editor.form is not None, timeout=15000)
    type_prompt(window, "waves")
    model_id = made_up_model(window, "image-to-video")
    atlas.schema_gate.clear()
    pick(window, model_id)
    status = window.editor.schema_status
    assert window.editor.form is None and status.isVisibleTo(window)
    name = window.backend.catalog.get(model_id).display_name
    assert status.text() == f"Loading the inputs of {name}…"
    assert window.jobs.rows[0].spec.model != model_id  # the job changes once the inputs are known

    atlas.schema_gate.set()
    qtbot.waitUntil(lambda: window.editor.form is not None, timeout=15000)
    assert window.editor.form.model is window.backend.catalog.get(model_id)
    assert window.jobs.rows[0].spec.model == model_id
    assert window.jobs.rows[0].spec.inputs == {"prompt": "waves"}


def test_a_schema_that_cannot_be_had_says_why_and_retry_loads_it(qtbot, live_window, atlas):
    window = live_window()
    refreshed(qtbot, window)
    window.add_job("Image")
    model_id = made_up_model(window, "image-edit")
    atlas.failing.add(model_id)
    pick(window, model_id)
    qtbot.waitUntil(lambda: window.editor.retry.isVisibleTo(window), timeout=15000)
    assert "could not be loaded" in window.editor.schema_status.text()
    assert "did not answer" in window.editor.schema_status.text()
    assert window.editor.form is None

    atlas.failing.clear()
    QTest.mouseClick(window.editor.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor.form is not None, timeout=15000)
    assert window.editor.form.model.model_id == model_id == window.jobs.rows[0].spec.model


def test_an_opened_job_set_validates_once_its_schemas_arrive(qtbot, live_window, atlas, tmp_path):
    window = live_window()
    refreshed(qtbot, window)
    first, second = made_up_model(window, "text-to-image"), made_up_model(window, "text-to-video")
    path = tmp_path / "live.yaml"
    path.write_text(f"schema_version: 1\njobs:\n"
                    f"  - name: one\n    model: {first}\n    inputs: {{prompt: a fox}}\n"
                    f"  - name: two\n    model: {second}\n    inputs: {{prompt: a hare, no_such_input: 1}}\n",
                    encoding="utf-8")
    atlas.schema_gate.clear()
    assert window.open_document(path)
    assert [job.spec.name for job in window.jobs.rows] == ["one", "two"]
    assert all(job.state == "invalid" and "loading the inputs" in job.problems[0] for job in window.jobs.rows)
    assert window.editor.schema_status is not None and "Loading the inputs of" in window.editor.schema_status.text()
    window.set_output_dir(tmp_path / "out")
    assert not window.run_batch()  # says to wait rather than listing "loading" as problems to fix
    assert "still loading" in window.statusBar().currentMessage()

    atlas.schema_gate.set()
    qtbot.waitUntil(lambda: not any("loading" in p for job in window.jobs.rows for p in job.problems), timeout=15000)
    one, two = window.jobs.rows
    assert one.problems == [] or all("no_such_input" not in p for p in one.problems)
    assert any("unknown input no_such_input" in p for p in two.problems), two.problems
    qtbot.waitUntil(lambda: window.editor.form is not None, timeout=15000)
    assert window.editor.form.model.model_id == first
    assert sorted(set(atlas.schema_calls)) == sorted({first, second})


def test_a_csv_job_set_waits_for_its_schemas_before_reading_and_says_when_one_cannot_be_had(
        qtbot, live_window, atlas, tmp_path, monkeypatch):
    window = live_window()
    refreshed(qtbot, window)
    first, second = made_up_model(window, "text-to-image"), made_up_model(window, "image-to-video")
    path = tmp_path / "live.csv"
    path.write_text(f"name,model,prompt\none,{first},a fox\ntwo,{second},a hare\n", encoding="utf-8")
    atlas.schema_gate.clear()
    assert window.open_document(path)
    assert len(window.jobs) == 0  # typing the columns needs the schemas: nothing is read yet
    assert "Loading the inputs of 2 model" in window.statusBar().currentMessage()
    atlas.schema_gate.set()
    qtbot.waitUntil(lambda: len(window.jobs) == 2, timeout=15000)
    assert [job.spec.model for job in window.jobs.rows] == [first, second]

    shown = []
    monkeypatch.setattr("app.ui.window_documents.show_problems", lambda parent, title, heading, problems: shown.append(problems))
    window.new_document()
    third = made_up_model(window, "text-to-image")  # the first one is loaded now: another one
    atlas.failing.add(third)
    path.write_text(f"name,model,prompt\nthree,{third},a stoat\n", encoding="utf-8")
    assert window.open_document(path)
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert "did not answer" in shown[0][0] and len(window.jobs) == 0


# --- a start without a display -------------------------------------------------------------

def test_without_a_display_the_app_says_how_to_run_and_exits_2(tmp_path):
    scrubbed = {name: value for name, value in os.environ.items()
                if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    scrubbed["HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "app"], cwd=ROOT, env=scrubbed, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == NO_DISPLAY
    assert "batch-studio run JOBSET --demo --out DIR" in NO_DISPLAY
    assert "xvfb-run -a bash packaging/dev.sh app" in NO_DISPLAY


def test_a_display_or_a_chosen_platform_lets_qt_start():
    assert missing_display({}, "linux")
    assert not missing_display({"DISPLAY": ":0"}, "linux")
    assert not missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not missing_display({}, "win32") and not missing_display({}, "darwin")
