"""Hand-off: exporting the picks (files, picks.csv, contact sheet) and ``batch-studio picks``."""

from __future__ import annotations

import csv
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.engine.review import picks
from app.engine.review import session as review
from app.engine.review.picks import CSV_COLUMNS, ExportError, export_picks, sheet_size
from app.engine.review.session import Pick
from tests.engine.review.test_review import folder, sim  # noqa: F401 - fixtures shared with the review tests
from app.engine.review.ratings import read_rating

ROOT = Path(__file__).resolve().parents[3]


def pick(folder: Path, choices: dict[str, tuple[list[int], int | None]]) -> None:
    """{job name: (output parts to pick, rating)}"""
    with review.open_folder(folder) as session:
        for name, (parts, rating) in choices.items():
            outputs = [session.item(name).outputs[part] for part in parts]
            session.set_pick(outputs, Pick.PICKED)
            session.set_rating(outputs, rating)


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8, marked so spreadsheets read Korean right
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        assert reader.fieldnames == CSV_COLUMNS
        return list(reader)


def test_export_hard_links_names_readably_and_writes_the_csv_and_the_contact_sheet(folder, tmp_path):
    pick(folder, {"hero": ([0], 5), "서울 야경": ([0], None), "series": ([0, 2], 3), "clip": ([0], 4)})
    dest = tmp_path / "client"
    with review.open_folder(folder) as session:
        result = export_picks(session, dest)
    names = [p.file for p in result.picks]
    assert names == ["01 hero - flux-2-pro.png", "02 서울 야경 - imagen4.png",
                     "03 series - seedream-v4.5 part 1.png", "04 series - seedream-v4.5 part 3.png",
                     "05 clip - seedance-v1.5-pro-fast.mp4"]
    # A rated picture is its own copy with xmp:Rating inside; the batch's file is left as it was.
    # The unrated one stays a hard link, and the rated video's rating is in NAME.xmp beside it.
    assert [p.how for p in result.picks] == ["copied", "linked", "copied", "copied", "linked"] and not result.missing
    for exported in result.picks:
        stars = exported.output.rating
        assert read_rating(dest / exported.file) == stars
        assert read_rating(exported.output.file) is None
        if exported.how == "linked":
            assert os.path.samefile(dest / exported.file, exported.output.file)
    assert (dest / "05 clip - seedance-v1.5-pro-fast.xmp").is_file()

    rows = read_csv(dest / "picks.csv")
    assert [row["file"] for row in rows] == names
    hero, seoul = rows[0], rows[1]
    assert hero["prompt"] == 'a red fox, "studio" light, 50mm' and hero["seed"] == "42" and hero["rating"] == "5"
    assert hero["model"] == "black-forest-labs/flux-2-pro/text-to-image" and hero["source_file"] == "images/hero.png"
    assert hero["cost"] == "0.04" and hero["cost_basis"] == "estimate" and len(hero["prediction_id"]) >= 8
    assert seoul["name"] == "서울 야경" and seoul["prompt"] == "서울의 야경, 한강" and seoul["seed"] == seoul["rating"] == ""
    assert '"a red fox, ""studio"" light, 50mm"' in (dest / "picks.csv").read_text(encoding="utf-8-sig")

    sheet = dest / "contact-sheet.png"
    assert result.sheets == [sheet] and sheet.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(sheet) as image:
        assert image.size == sheet_size(5) == (16 + 5 * (240 + 16), 44 + 16 + 240 + 52 + 16)
        # The video's cell shows its poster frame, not the empty grey of a missing preview.
        x, y = 16 + 4 * (240 + 16) + 120, 44 + 16 + 120
        assert image.convert("RGB").getpixel((x, y)) != (236, 236, 236)
    assert sheet_size(7) == (16 + 5 * 256, 44 + 16 + 2 * (240 + 52 + 16))


def test_a_copy_when_asked_or_when_links_are_impossible_and_nothing_is_overwritten(folder, tmp_path, monkeypatch):
    pick(folder, {"hero": ([0], None)})
    dest = tmp_path / "copies"
    with review.open_folder(folder) as session:
        copied = export_picks(session, dest, link=False)
    target = dest / "01 hero - flux-2-pro.png"
    assert copied.count("copied") == 1 and not os.path.samefile(target, folder / "images" / "hero.png")
    assert target.read_bytes() == (folder / "images" / "hero.png").read_bytes()

    # Another disk: os.link fails with EXDEV, and the file is copied instead.
    other = tmp_path / "other-disk"
    other.mkdir()
    (other / "01 hero - flux-2-pro.png").write_bytes(b"someone else's file")
    real_link = os.link

    def cross_device(source, target, *args, **kwargs):
        if Path(source).parent == folder / "images":
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "link", cross_device)
    with review.open_folder(folder) as session:
        result = export_picks(session, other)
    assert result.picks[0].how == "copied" and result.picks[0].file == "01 hero - flux-2-pro (2).png"
    assert (other / "01 hero - flux-2-pro.png").read_bytes() == b"someone else's file"
    assert not [p for p in other.iterdir() if p.name.endswith(".part")]


def test_a_second_export_adds_the_new_picks_and_keeps_the_first(folder, tmp_path):
    dest = tmp_path / "dest"
    pick(folder, {"clip": ([0], 2)})
    with review.open_folder(folder) as session:
        first = export_picks(session, dest)
    assert [p.file for p in first.picks] == ["01 clip - seedance-v1.5-pro-fast.mp4"]
    pick(folder, {"hero": ([0], 4)})
    with review.open_folder(folder) as session:
        second = export_picks(session, dest)
    assert [(p.file, p.how) for p in second.picks] == [("01 hero - flux-2-pro.png", "copied"),
                                                      ("01 clip - seedance-v1.5-pro-fast.mp4", "already there")]
    assert sorted(row["file"] for row in read_csv(dest / "picks.csv")) == sorted(p.file for p in second.picks)
    assert sorted(p.name for p in dest.iterdir()) == ["01 clip - seedance-v1.5-pro-fast.mp4",
                                                      "01 clip - seedance-v1.5-pro-fast.xmp",
                                                      "01 hero - flux-2-pro.png", "contact-sheet.png", "picks.csv"]
    # Rated again and exported again: the same file takes the new rating, no second copy.
    pick(folder, {"hero": ([0], 2)})
    with review.open_folder(folder) as session:
        third = export_picks(session, dest)
    assert [(p.file, p.how) for p in third.picks][0] == ("01 hero - flux-2-pro.png", "already there")
    assert read_rating(dest / "01 hero - flux-2-pro.png") == 2
    with Image.open(dest / "contact-sheet.png") as image:
        assert image.size == sheet_size(2)


def test_nothing_picked_or_a_foreign_csv_is_refused(folder, tmp_path):
    with review.open_folder(folder) as session:
        with pytest.raises(ExportError, match="nothing is picked"):
            export_picks(session, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()
    pick(folder, {"hero": ([0], None)})
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "picks.csv").write_text("invoice,amount\n1,2\n")
    with review.open_folder(folder) as session:
        with pytest.raises(ExportError, match="not written by Batch Studio"):
            export_picks(session, foreign)
        with pytest.raises(ExportError, match="another folder than the batch folder"):
            export_picks(session, folder)
    assert (foreign / "picks.csv").read_text() == "invoice,amount\n1,2\n"


def test_captions_use_a_font_with_korean_letters():
    font = picks.find_font()
    assert font is not None and Path(font).is_file()  # dev.sh installs fonts-nanum


def cli(*args, timeout=240):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ})


def test_the_picks_command_summarises_and_exports_a_folder_the_cli_made(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text("schema_version: 1\njobs:\n"
                    "- {name: hero, model: google/imagen4, inputs: {prompt: 'a fox, at dawn'}}\n"
                    "- {name: 서울 야경, model: google/imagen4, inputs: {prompt: 서울의 야경}}\n"
                    "- {name: clip, model: bytedance/seedance-v1.5-pro-fast/text-to-video, "
                    "inputs: {prompt: waves, duration: 4}}\n", encoding="utf-8")
    out = tmp_path / "out"
    made = cli("run", jobs, "--demo", "--out", out, "--demo-speed", "50")
    assert made.returncode == 0, made.stderr

    nothing = cli("picks", out, "--export", tmp_path / "dest")
    assert nothing.returncode == 2 and "nothing is picked" in nothing.stderr and "Traceback" not in nothing.stderr
    assert "0 picked, 0 rejected, 3 unrated" in nothing.stdout

    pick(out, {"서울 야경": ([0], 5), "clip": ([0], None)})
    with review.open_folder(out) as session:
        session.set_pick(session.item("hero").outputs, Pick.REJECTED)
    summary = cli("picks", out)
    assert summary.returncode == 0, summary.stderr
    assert "3 job(s), 3 output(s)" in summary.stdout and "2 picked, 1 rejected, 0 unrated" in summary.stdout
    assert "서울 야경" in summary.stdout and "images/서울 야경.png" in summary.stdout and "*****" in summary.stdout
    assert "videos/clip.mp4" in summary.stdout and "hero" not in summary.stdout.split("Picked:")[1]

    exported = cli("picks", out, "--export", tmp_path / "dest")
    assert exported.returncode == 0, exported.stderr
    assert "2 pick(s)" in exported.stdout and "1 hard-linked, 1 copied" in exported.stdout
    assert sorted(p.name for p in (tmp_path / "dest").iterdir()) == [
        "01 서울 야경 - imagen4.png", "02 clip - seedance-v1.5-pro-fast.mp4", "contact-sheet.png", "picks.csv"]
    assert [row["name"] for row in read_csv(tmp_path / "dest" / "picks.csv")] == ["서울 야경", "clip"]

    empty = tmp_path / "empty"
    empty.mkdir()
    bad = cli("picks", empty)
    assert bad.returncode == 2 and "is not a batch folder" in bad.stderr and "Traceback" not in bad.stderr
