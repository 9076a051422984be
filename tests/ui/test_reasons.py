"""Engine reasons stay English on disk and are shown in the interface language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.engine.atlas.client import _error_for
from app.ui import i18n, reasons

ROOT = Path(__file__).resolve().parents[2]
# Composed from two literals: "cancelled by the user" + "; nothing was charged", an error's
# message + " (request id …)", the fleet's LOST + "; " + the history's verdict (their wording is
# held by test_a_fleet_submit_settled_from_the_history_is_shown_in_each_of_its_three_endings).
LOST_SAID = "the worker submitting this job stopped answering before Atlas Cloud's reply was saved; {reason}"
COMPOSED = {"{error} (request id {id})", LOST_SAID, LOST_SAID + "; submitting it once more",
            LOST_SAID + ". Check the dashboard, then resubmit or drop it.",
            "cancelled by the user; nothing was charged",
            "cancelled by the user; Atlas Cloud has no cancel call, so the submitted task still runs and its "
            "charge stands"}


def _shape(text: str) -> str:
    return re.sub(r"\{\w*\}", "{}", text)


def _engine_sentences() -> set[str]:
    """Every string literal of the engine, the fleet and the run controller, values as {}."""
    found = set()
    for path in [*(ROOT / "app" / "engine").rglob("*.py"), *(ROOT / "app" / "distributed").glob("*.py"),
                 ROOT / "app" / "ui" / "controller.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                found.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
    return found


def test_every_template_is_a_sentence_the_engine_writes():
    """When the engine's wording changes, its template here must follow (or the reason
    silently shows in English)."""
    sentences = _engine_sentences()
    stale = [t for t in reasons.TEMPLATES
             if t not in COMPOSED and _shape(t) not in sentences
             and not any(_shape(t) in s for s in sentences)]
    assert not stale, stale


@pytest.fixture
def korean(qapp):
    i18n.install("ko")
    yield
    i18n.uninstall()


def test_reasons_are_translated_with_their_values_nested(korean):
    error = str(_error_for(401, "invalid key", "req-123"))
    assert reasons.shown(error) == "Atlas Cloud가 API 키를 거부했습니다(401: invalid key). 올바른 키를 입력하세요 (요청 ID req-123)"
    assert reasons.shown("the task ended as failed (refunded automatically)") == \
        "작업이 failed 상태로 끝났습니다 (자동 환불됨)"
    assert reasons.shown("all jobs ended") == "모든 작업이 끝났습니다"


def test_a_fleet_submit_settled_from_the_history_is_shown_in_each_of_its_three_endings(korean):
    from app.distributed.tasks import LOST

    said = "이 작업을 제출하던 워커가 Atlas Cloud의 응답이 저장되기 전에 응답을 멈췄습니다. "
    verdict = "the account's history could not be read (timeout)"
    assert reasons.shown(f"{LOST}; {verdict}. Check the dashboard, then resubmit or drop it.") == \
        f"{said}{verdict}. 대시보드를 확인한 뒤 다시 제출하거나 버리세요."
    assert reasons.shown(f"{LOST}; {verdict}; submitting it once more") == f"{said}{verdict}. 한 번 더 제출합니다"
    assert reasons.shown(f"{LOST}; {verdict}") == f"{said}{verdict}"


def test_unknown_text_and_english_pass_through(qapp):
    assert reasons.shown("the model exploded") == "the model exploded"
    assert reasons.shown("all jobs ended") == "all jobs ended"  # no catalogue installed: English
    assert reasons.shown(None) == ""
