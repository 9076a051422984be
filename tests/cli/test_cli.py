"""batch-studio run, as a user or cron runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def cli(*args, env=None, timeout=240):
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=environment)


def test_the_engine_and_cli_import_no_qt():
    code = ("import sys, app.cli, app.cli.run, app.engine.run.runner, app.engine.atlas.client, app.engine.jobs.jobset, "
            "app.engine.jobs.tutorial, app.engine.run.manifest, app.engine.atlas.secrets; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_client_imports_requests():
    offenders = [p.name for p in (ROOT / "app" / "engine").rglob("*.py")
                 if p.name != "client.py" and "import requests" in p.read_text()]
    assert offenders == []


def test_weekly_pack_in_demo_mode_makes_real_files_and_a_complete_manifest(tmp_path):
    result = cli("run", EXAMPLES / "weekly-social-pack.yaml", "--demo", "--out", tmp_path / "out",
                 "--demo-speed", "40", "--concurrency", "8")
    assert result.returncode == 0, result.stderr
    assert "DEMO MODE" in result.stderr and "nothing is billed" in result.stderr
    assert "Batch finished" in result.stdout and "succeeded 15" in result.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["successful"] == 15 and manifest["mode"] == "demo"
    assert len(list((tmp_path / "out" / "images").glob("*.png"))) == 10
    assert len(list((tmp_path / "out" / "videos").glob("*.mp4"))) == 5
    assert (tmp_path / "out" / "images" / "서울 야경.png").is_file()


def test_no_key_means_demo_mode_and_says_so(tmp_path):
    result = cli("run", EXAMPLES / "product-launch.yaml", "--estimate")
    assert result.returncode == 0
    assert "No API key is set" in result.stderr and "Total for 5 job(s)" in result.stdout
    assert "(quote)" in result.stdout


def test_estimate_submits_nothing(tmp_path):
    result = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--estimate", "--out", tmp_path / "out")
    assert result.returncode == 0 and "Cost by model" in result.stdout
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["bad-indent.yaml", "retired-sora.yaml", "newer-version.yaml", "binary.yaml"])
def test_broken_files_exit_2_with_a_sentence(tmp_path, name):
    result = cli("run", ROOT / "tests" / "engine" / "jobs" / "broken" / name, "--demo", "--out", tmp_path)
    assert result.returncode == 2
    assert "nothing was submitted" in result.stderr and "Traceback" not in result.stderr


def test_invalid_jobs_exit_2_and_list_every_problem(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("schema_version: 1\njobs:\n- {name: a, model: google/veo3.1/text-to-video, inputs: {prompt: x, "
                    "duration: 5}}\n- {name: b, model: google/imagen, inputs: {prompt: y}}\n")
    result = cli("run", jobs, "--demo", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert 'jobs[0] "a": duration 5 is not one of 4, 6, 8' in result.stderr
    assert 'jobs[1] "b": unknown model google/imagen' in result.stderr


def test_spend_cap_stops_with_exit_3(tmp_path):
    result = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--out", tmp_path / "out", "--max-spend",
                 "1", "--concurrency", "1", "--demo-speed", "40")
    assert result.returncode == 3, result.stdout + result.stderr
    assert "spend cap" in result.stdout


def test_an_unwritable_output_folder_is_refused_before_anything_runs(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--out", blocker / "sub")
    assert result.returncode == 2 and "cannot write to the output folder" in result.stderr


def test_missing_output_folder_is_asked_for(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("schema_version: 1\njobs:\n- {name: a, model: google/imagen4, inputs: {prompt: x}}\n")
    result = cli("run", jobs, "--demo")
    assert result.returncode == 2 and "--out" in result.stderr


def test_version():
    result = cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("Batch Studio ")


def test_an_unreachable_broker_is_a_sentence_and_submits_nothing(tmp_path):
    result = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--out", tmp_path / "out", "--executor", "celery",
                 env={"BATCH_STUDIO_BROKER_URL": "redis://127.0.0.1:9/0"})
    assert result.returncode == 2 and "does not answer" in result.stderr and "Nothing was submitted" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out" / ".batch-studio").exists()


def test_draft_then_promote_from_the_command_line(tmp_path):
    import sqlite3

    full = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--estimate", "--json")
    draft = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--estimate", "--json", "--draft")
    assert full.returncode == draft.returncode == 0, draft.stderr
    assert json.loads(draft.stdout.splitlines()[0])["total"] < json.loads(full.stdout.splitlines()[0])["total"]
    assert "Draft mode:" in draft.stderr and "runs as itself" in draft.stderr

    out = tmp_path / "out"
    run = cli("run", EXAMPLES / "draft-explore.yaml", "--demo", "--out", out, "--demo-speed", "40")
    assert run.returncode == 0, run.stderr
    assert "saved $" in run.stdout
    assert cli("promote", out, "--demo", "--yes").returncode == 2  # nothing picked yet
    promoted = cli("promote", out, "--demo", "--yes", "--demo-speed", "40", "--job", "fox a")
    assert promoted.returncode == 0, promoted.stderr
    assert "Promote 1 draft(s) to final" in promoted.stdout
    with sqlite3.connect(out / ".batch-studio" / "jobs.sqlite") as db:
        assert db.execute("SELECT kind, origin_name FROM links").fetchall() == [("promote", "fox a")]
    document = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    final = next(entry for entry in document["results"] if entry["link"])
    assert final["link"]["kind"] == "promote" and final["status"] == "done"


def test_models_ladders_as_json(tmp_path):
    result = cli("models", "--ladders", "--json", env={"ATLASCLOUD_BASE_URL": "http://127.0.0.1:9",
                                                       "XDG_CACHE_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    ladders = json.loads(result.stdout)
    assert ["google/imagen4-fast", "google/imagen4", "google/imagen4-ultra"] in ladders
    assert ["google/veo3.1-fast/text-to-video", "google/veo3.1/text-to-video"] in ladders
    text = cli("models", "--ladders", env={"ATLASCLOUD_BASE_URL": "http://127.0.0.1:9",
                                           "XDG_CACHE_HOME": str(tmp_path)})
    assert "cheapest first" in text.stdout and "ultra" in text.stdout
