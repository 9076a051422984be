"""batch-studio prompts and batch-studio history, as a user runs them."""

from __future__ import annotations

import json

import yaml

from app.sim import DEMO_KEY, SimServer
from tests.cli.test_cli import cli

KOREAN_SET = """schema_version: 1
jobs:
- {name: cat, model: google/imagen4, inputs: {prompt: "바다 위에서 달리는 귀여운 고양이"}}
- {name: clip, model: google/veo3.1-fast/text-to-video, inputs: {prompt: "夕焼けの海を走る少女", duration: 4}}
- {name: english, model: google/imagen4, inputs: {prompt: "a red bicycle"}}
"""


def test_prompts_translate_in_demo_mode_keeps_the_originals_and_counts_the_cost(tmp_path):
    source = tmp_path / "ko.yaml"
    source.write_text(KOREAN_SET, encoding="utf-8")
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "ATLASCLOUD_API_KEY": ""}
    result = cli("prompts", "translate", source, "-o", tmp_path / "en.yaml", "--demo", env=env)
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((tmp_path / "en.yaml").read_text(encoding="utf-8"))
    prompts = {job["name"]: job["inputs"]["prompt"] for job in written["jobs"]}
    assert prompts == {"cat": "sea from above running cute cat [sim]", "clip": "sunset sea running girl [sim]",
                       "english": "a red bicycle"}
    assert written["prompts_as_written"] == {"cat": "바다 위에서 달리는 귀여운 고양이", "clip": "夕焼けの海を走る少女"}
    assert source.read_text(encoding="utf-8") == KOREAN_SET
    ledger = json.loads((tmp_path / "data" / "batch-studio" / "spend-demo.json").read_text())
    assert "counted in today's spend" in result.stderr and float(next(iter(ledger["days"].values()))) > 0
    improved = cli("prompts", "improve", tmp_path / "en.yaml", "-o", tmp_path / "better.yaml", "--demo", env=env)
    assert improved.returncode == 0, improved.stderr
    better = yaml.safe_load((tmp_path / "better.yaml").read_text(encoding="utf-8"))
    clip = next(job for job in better["jobs"] if job["name"] == "clip")
    assert "dolly" in clip["inputs"]["prompt"]
    assert better["prompts_as_written"]["clip"] == "夕焼けの海を走る少女"  # the first original stays


def test_a_key_without_llm_access_is_a_sentence_and_nothing_is_written(tmp_path):
    source = tmp_path / "ko.yaml"
    source.write_text(KOREAN_SET, encoding="utf-8")
    with SimServer(port=0, faults="llm401=1") as server:
        result = cli("prompts", "translate", source, "-o", tmp_path / "en.yaml",
                     env={"ATLASCLOUD_API_KEY": DEMO_KEY, "ATLASCLOUD_BASE_URL": server.base_url,
                          "XDG_DATA_HOME": str(tmp_path / "data")})
    assert result.returncode == 3 and "cannot use Atlas Cloud's LLMs" in result.stderr
    assert not (tmp_path / "en.yaml").exists()


def test_history_lists_and_downloads_generations_made_elsewhere(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "ATLASCLOUD_API_KEY": ""}
    listed = cli("history", "--demo", "--since", "1d", env=env)
    assert listed.returncode == 0 and len(listed.stdout.strip().splitlines()) == 4, listed.stderr
    assert "made on another machine" in listed.stdout
    out = tmp_path / "recovered"
    fetched = cli("history", "--demo", "--out", out, env=env)
    assert fetched.returncode == 0, fetched.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["results"]] == ["done"] * 4
    assert {r["inputs"]["prompt"] for r in manifest["results"]} >= {"바다 위를 나는 갈매기"}
    assert all((out / r["local_path"]).is_file() for r in manifest["results"])
    bad = cli("history", "--demo", "--since", "soon", env=env)
    assert bad.returncode == 2 and "30m, 12h, 7d or 2w" in bad.stderr
