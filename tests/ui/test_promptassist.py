"""Prompt help and Recover from Atlas in the window, in demo mode (the simulator's LLM and history)."""

from __future__ import annotations

import yaml

from app.engine.jobs.spec import JobSpec


def ready(qtbot, window):
    qtbot.waitUntil(lambda: window.assist.model_box.count() > 0, timeout=20000)
    return window.assist


def test_translate_keeps_the_original_streams_and_counts_the_cost(qtbot, window, tmp_path):
    panel = ready(qtbot, window)
    assert panel.current_model().model_id == "qwen/qwen3-8b"  # the cheap default
    window.jobs.replace_all([JobSpec("cat", "google/imagen4", {"prompt": "바다 위에서 달리는 귀여운 고양이"}),
                             JobSpec("clip", "google/veo3.1-fast/text-to-video",
                                     {"prompt": "夕焼けの海を走る少女", "duration": 4})])
    window.select_rows([0, 1])
    panel.translate_button.click()
    qtbot.waitUntil(lambda: panel._work is None and panel.cancel_button.isEnabled() is False, timeout=20000)
    assert [row.spec.inputs["prompt"] for row in window.jobs.rows] == [
        "sea from above running cute cat [sim]", "sunset sea running girl [sim]"]
    assert "[sim]" in panel.reply.toPlainText() and panel.spent > 0
    window.select_rows([0])
    assert "바다 위에서 달리는 귀여운 고양이" in panel.original.text() and "Korean" in panel.original.text()
    assert window.backend.ledger().today() >= panel.spent
    window.undo_stack.undo()
    assert window.jobs.rows[1].spec.inputs["prompt"] == "夕焼けの海を走る少女"
    window.undo_stack.redo()
    path = tmp_path / "saved.yaml"
    assert window._write(path, adopt=True)
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["prompts_as_written"] == {"cat": "바다 위에서 달리는 귀여운 고양이", "clip": "夕焼けの海を走る少女"}
    assert saved["jobs"][0]["inputs"]["prompt"] == "sea from above running cute cat [sim]"


def test_variations_show_their_cost_first_and_become_new_rows(qtbot, window, answers):
    panel = ready(qtbot, window)
    window.jobs.replace_all([JobSpec("cat", "google/imagen4", {"prompt": "a cat on a roof"})])
    window.select_rows([0])
    panel.vary_count.setValue(3)
    panel.vary_button.click()
    qtbot.waitUntil(lambda: panel._work is None and len(window.jobs) == 4, timeout=20000)
    asked = [text for kind, _, text in answers if kind == "question"]
    assert asked and "3 variations" in asked[-1] and "$" in asked[-1]
    names = [row.spec.name for row in window.jobs.rows]
    assert names == ["cat", "cat v1", "cat v2", "cat v3"]
    assert len({row.spec.inputs["prompt"] for row in window.jobs.rows}) == 4


def test_a_bad_reply_changes_nothing_and_cancel_stops_a_stream(qtbot, window):
    panel = ready(qtbot, window)
    window.jobs.replace_all([JobSpec("odd", "google/imagen4", {"prompt": "<<chatter>> 고양이"}),
                             JobSpec("long", "google/veo3.1-fast/text-to-video",
                                     {"prompt": "고양이 " * 40, "duration": 4})])
    window.select_rows([0])
    panel.improve_button.click()
    qtbot.waitUntil(lambda: panel._work is None and "talk around a prompt" in panel.status.text(), timeout=20000)
    assert window.jobs.rows[0].spec.inputs["prompt"] == "<<chatter>> 고양이"
    window.select_rows([1])
    panel.improve_button.click()
    qtbot.waitUntil(lambda: panel.reply.toPlainText() != "", timeout=20000)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel._work is None, timeout=20000)
    assert window.jobs.rows[1].spec.inputs["prompt"] == "고양이 " * 40
    assert "Cancelled" in panel.status.text()


def test_recover_from_atlas_downloads_what_the_history_lists(qtbot, window, tmp_path, monkeypatch):
    from app.sim import DEMO_KEY, SimServer
    from app.ui.recover import RecoverDialog

    with SimServer(port=0, speed=50, history_seed=3) as server:
        server.state.wait_media_idle()
        monkeypatch.setattr(window.backend, "base_url", server.base_url)
        monkeypatch.setattr(window.backend, "_key", DEMO_KEY)
        dialog = RecoverDialog(window)
        qtbot.waitUntil(lambda: dialog.listing.count() == 3, timeout=20000)
        assert dialog.download.isEnabled()
        folder = tmp_path / "recovered"
        assert dialog.download_chosen(folder)
        qtbot.waitUntil(lambda: [row.state for row in window.jobs.rows] == ["done"] * 3, timeout=30000)
        assert (folder / "manifest.json").is_file() and server.stats()["submit_attempts"] == 0


def test_a_batch_run_after_translate_keeps_the_original_in_the_manifest_and_the_recipe(qtbot, window, tmp_path):
    import json

    from app.engine.jobs import recipes

    panel = ready(qtbot, window)
    window.set_output_dir(tmp_path / "out")
    window.jobs.replace_all([JobSpec("cat", "google/imagen4", {"prompt": "바다 위에서 달리는 귀여운 고양이"}),
                             JobSpec("dog", "google/imagen4", {"prompt": "a dog on a beach"})])
    window.select_rows([0])
    panel.translate_button.click()
    qtbot.waitUntil(lambda: panel._work is None and panel.cancel_button.isEnabled() is False, timeout=20000)
    sent = window.jobs.rows[0].spec.inputs["prompt"]
    assert sent == "sea from above running cute cat [sim]"
    window.costs.refresh_all()
    window.costs.wait()
    assert window.run_batch()
    qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    assert [job.state for job in window.jobs.rows] == ["done", "done"]
    entries = {e["name"]: e for e in json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))["results"]}
    assert entries["cat"]["prompt_as_written"] == "바다 위에서 달리는 귀여운 고양이"
    assert "prompt_as_written" not in entries["dog"]
    recipe = recipes.read_file(tmp_path / "out" / entries["cat"]["local_path"]).recipes[0]
    assert recipe["prompt"] == {"written": "바다 위에서 달리는 귀여운 고양이", "sent": sent}
