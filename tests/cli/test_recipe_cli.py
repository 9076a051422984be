"""The demo pack's outputs carry their recipes, and `batch-studio recipe` gives the jobs back."""

from __future__ import annotations

import json

import yaml

from app.engine.jobs import jobset
from app.engine.core import mediatags
from app.engine.jobs import recipes
from tests.cli.test_cli import EXAMPLES, cli
from tests.fakes import media


def test_the_demo_pack_outputs_all_carry_their_recipes_and_run_again(tmp_path):
    out = tmp_path / "out"
    made = cli("run", EXAMPLES / "weekly-social-pack.yaml", "--demo", "--out", out, "--demo-speed", "40",
               "--concurrency", "8")
    assert made.returncode == 0, made.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    outputs = sorted(p for p in out.rglob("*") if p.suffix in (".png", ".mp4"))
    assert len(outputs) == 15 and not list(out.rglob("*.recipe.json"))
    by_path = {r["local_path"]: r for r in manifest["results"]}
    original = {spec.name: spec for spec in jobset.load(EXAMPLES / "weekly-social-pack.yaml").resolved_jobs()}
    for output in outputs:
        entry = by_path[output.relative_to(out).as_posix()]
        found = recipes.read_file(output)
        assert found.notes == [] and len(found.recipes) == 1, output
        recipe = found.recipes[0]
        assert recipe["job"]["prediction_id"] == entry["prediction_id"] and recipe["model"] == entry["model"]
        assert entry["files"][0]["recipe"] == "embedded" and entry["sha256_written"] != entry["sha256"]
        if not original[recipe["job"]["name"]].image_from:
            assert recipe["inputs"] == entry["inputs"]
    # The PyAV that plays the clips reads their recipe back.
    clip = next(p for p in outputs if p.suffix == ".mp4")
    assert recipes.RECIPE_KEY in mediatags.read_tags(clip).texts

    printed = cli("recipe", *outputs[:2])
    assert printed.returncode == 0, printed.stderr
    assert "Batch Studio recipe (version 1" in printed.stdout and "prediction" in printed.stdout

    again = tmp_path / "again.yaml"
    wrote = cli("recipe", *outputs, "--jobset", again)
    assert wrote.returncode == 0, wrote.stderr
    assert f"Wrote 15 job(s) to {again}" in wrote.stdout
    document = yaml.safe_load(again.read_text())
    assert sorted(j["name"] for j in document["jobs"]) == sorted(r["name"] for r in manifest["results"])
    rerun = cli("run", again, "--demo", "--estimate", "--out", tmp_path / "out2")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "Total for 15 job(s)" in rerun.stdout


def test_the_recipe_command_reads_other_tools_and_says_what_is_missing(tmp_path):
    made = media.samples(tmp_path / "samples")
    plain = media.png_with_texts(tmp_path / "plain.png", {})
    result = cli("recipe", made["comfyui"], plain, "--json")
    assert result.returncode == 1  # one of the two had nothing
    document = json.loads(result.stdout)
    assert document[0]["other_tool"][0]["seed"] == 99887766 and document[1]["notes"]
    assert "plain.png carries no recipe" in result.stderr and "Traceback" not in result.stderr

    jobs = tmp_path / "from-comfy.yaml"
    without_model = cli("recipe", made["comfyui"], "--jobset", jobs)
    assert without_model.returncode == 2 and "--model" in without_model.stderr and not jobs.exists()
    with_model = cli("recipe", made["comfyui"], made["a1111-jpeg"], "--jobset", jobs, "--model", "google/imagen4")
    assert with_model.returncode == 0, with_model.stderr
    written = yaml.safe_load(jobs.read_text())["jobs"]
    assert [j["inputs"]["seed"] for j in written] == [99887766, 1234567]
    assert "best effort" in with_model.stderr

    nothing = cli("recipe", plain)
    assert nothing.returncode == 2 and "Traceback" not in nothing.stderr


def test_run_no_embed_keeps_files_as_downloaded_with_sidecars(tmp_path):
    out = tmp_path / "out"
    made = cli("run", EXAMPLES / "product-launch.yaml", "--demo", "--out", out, "--demo-speed", "40", "--no-embed")
    assert made.returncode == 0, made.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["results"] and all(r["status"] == "done" for r in manifest["results"])
    for result in manifest["results"]:
        for listed in result["files"]:
            path = out / listed["path"]
            assert listed["recipe"] == "sidecar" and listed["written_sha256"] == listed["sha256"]
            assert (path.parent / listed["sidecar"]).is_file()
            assert recipes.read_file(path).recipes[0]["job"]["prediction_id"] == result["prediction_id"]
