"""The interface in English and Korean: every string wrapped, translated and compiled."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec, validate_job
from app.engine.atlas.pricing import ESTIMATE, format_cost
from app.ui import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{\w*(?::[^{}]*)?\}|%n")


def _lupdate_into(ts: Path, *extra: str) -> None:
    sources = sorted(str(p) for p in (ROOT / "app").rglob("*.py") if "bench" not in p.parts)
    subprocess.run([str(BIN / "pyside6-lupdate"), "-silent", "-locations", "none", "-no-obsolete",
                    "-source-language", "en", *extra, *sources, "-ts", str(ts)], check=True, capture_output=True)


def _messages(ts: Path):
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            yield context.findtext("name"), message.findtext("source"), translation.get("type"), forms


@pytest.fixture
def korean(qapp):
    assert i18n.install("ko") == "ko"
    yield
    i18n.uninstall()


def test_every_source_string_has_a_korean_translation(tmp_path):
    """Collects the strings from today's sources, as the update script does, into a copy of
    the committed catalogue: a new or changed string arrives there unfinished."""
    ts = tmp_path / "ko.ts"
    shutil.copy(TRANSLATIONS / "batch_studio_ko.ts", ts)
    _lupdate_into(ts, "-target-language", "ko")
    messages = list(_messages(ts))
    assert len(messages) > 250
    untranslated = [f"{context}: {source!r}" for context, source, kind, forms in messages
                    if kind in ("unfinished", "vanished", "obsolete") or not all(f.strip() for f in forms)]
    assert not untranslated, ("no Korean translation; run `bash packaging/update-translations.sh` and translate "
                              "them in resources/translations/batch_studio_ko.ts:\n" + "\n".join(untranslated))


def test_translations_keep_every_placeholder():
    for name in ("batch_studio_ko.ts", "batch_studio_en.ts"):
        for context, source, _, forms in _messages(TRANSLATIONS / name):
            wanted = sorted(set(PLACEHOLDER.findall(source)))
            for form in forms:
                assert sorted(set(PLACEHOLDER.findall(form))) == wanted, f"{name} {context}: {source!r} -> {form!r}"


def test_english_plural_forms_cover_every_plural_string(tmp_path):
    ts = tmp_path / "en.ts"
    shutil.copy(TRANSLATIONS / "batch_studio_en.ts", ts)
    _lupdate_into(ts, "-target-language", "en", "-pluralonly")
    missing = [source for _, source, kind, forms in _messages(ts) if kind or len(forms) != 2 or not all(forms)]
    assert not missing


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_compiled_catalogues_match_their_sources(tmp_path, language):
    compiled = tmp_path / "out.qm"
    subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(TRANSLATIONS / f"batch_studio_{language}.ts"),
                    "-qm", str(compiled)], check=True)
    assert compiled.read_bytes() == (TRANSLATIONS / f"batch_studio_{language}.qm").read_bytes(), \
        "stale .qm: run `bash packaging/update-translations.sh --release`"


# Calls whose string arguments a user reads; the index says which arguments.
_SHOWN = {"setText": (0,), "setToolTip": (0,), "setPlaceholderText": (0,), "setWindowTitle": (0,),
          "showMessage": (0,), "addMenu": (0,), "addToolBar": (0,), "setSuffix": (0,), "setSpecialValueText": (0,),
          "addItem": (0,), "addRow": (0,), "QLabel": (0,), "QPushButton": (0,), "QCheckBox": (0,), "QAction": (0,),
          "warning": (1, 2), "question": (1, 2), "information": (1, 2), "critical": (1, 2), "notify": (0, 1),
          "getOpenFileName": (1, 3), "getSaveFileName": (1, 3), "getExistingDirectory": (1,), "_action": (0, 3),
          "show_problems": (1, 2), "_undoable": (0,), "showMessage_": (0,)}


# Shown, but the same in every language: the shape of an Atlas Cloud key.
NOT_LANGUAGE = {"apikey-…"}


def _literal_words(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    else:
        return ""
    if text in NOT_LANGUAGE:
        return ""
    return re.sub(r"[^A-Za-z]", "", text.replace("Batch Studio", ""))  # the product name stays as it is


def test_no_interface_text_bypasses_translation():
    unwrapped = []
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        if path.name == "screenshot.py":  # a developer's command-line tool
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for position in _SHOWN.get(name, ()):
                if position < len(node.args) and _literal_words(node.args[position]):
                    unwrapped.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not unwrapped, "wrap these in tr()/translate():\n" + "\n".join(unwrapped)


def test_the_language_follows_the_system_unless_chosen():
    assert i18n.resolve("system", QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)) == "ko"
    assert i18n.resolve("system", QLocale(QLocale.Language.French, QLocale.Country.France)) == "en"
    assert i18n.resolve("en", QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)) == "en"
    assert i18n.resolve("ko", QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) == "ko"


def test_the_window_speaks_korean(window_in_korean):
    window = window_in_korean
    assert window.act_run.text() == "실행"
    assert window.act_run.toolTip().startswith("끝나지 않은 모든 작업을 실행합니다")
    assert window.menuBar().actions()[0].text() == "파일(&F)"
    assert window.model.headerData(2, Qt.Orientation.Horizontal) == "상태"
    window.add_job("Image")
    assert window.model.data(window.model.index(0, 2)) == "잘못됨"  # no prompt yet
    assert "필수" in window.editor.problems.text()
    assert window.status_jobs.text() == "작업 1개"
    assert "(추정)" in window.model.data(window.model.index(0, 5))
    assert window.act_undo.text() == "실행 취소: 이미지 작업 추가"
    # Qt's own buttons come from Qt's Korean catalogue.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"


@pytest.fixture
def window_in_korean(qtbot, korean, answers):
    from app.ui.backend import Backend
    from app.ui.settings import AppSettings
    from app.ui.window import MainWindow

    backend = Backend(demo=True, demo_speed=50)
    win = MainWindow(AppSettings(), backend)
    qtbot.addWidget(win, before_close_func=MainWindow.shutdown)
    yield win
    win.shutdown()
    backend.close()


def test_engine_messages_follow_the_interface_language(korean):
    catalog = Catalog.snapshot()
    problems = validate_job(JobSpec("a", "google/veo3.1-fast/text-to-video", {"prompt": "x", "duration": 3}),
                            catalog)
    assert problems and all("duration" in p.message for p in problems)
    assert any("중 하나가 아닙니다" in p.message or "최솟값" in p.message for p in problems), problems
    assert format_cost(Decimal("0.5"), ESTIMATE) == "≈$0.50 (추정)"
    i18n.uninstall()
    assert format_cost(Decimal("0.5"), ESTIMATE) == "≈$0.50 (estimate)"


def test_english_says_one_job_and_two_jobs(qapp):
    i18n.install("en")
    try:
        one = QCoreApplication.translate("MainWindow", "%n job(s)", "", 1)
        two = QCoreApplication.translate("MainWindow", "%n job(s)", "", 2)
    finally:
        i18n.uninstall()
    assert (one, two) == ("1 job", "2 jobs")


def test_a_broken_job_set_is_explained_in_korean(korean, tmp_path):
    from app.engine.jobs import jobset

    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\njobs:\n  - model: google/imagen4\n    inputs: {prompt: x}\n", encoding="utf-8")
    with pytest.raises(jobset.JobSetError) as caught:
        jobset.load(path, Catalog.snapshot())
    assert any("name은 필수입니다" in message for message in caught.value.messages), caught.value.messages
