"""Hand-off: the picked outputs of a review, put in a folder for a client or an editor.

Each pick arrives under a readable name ("01 hero - flux-2-pro.png"), hard-linked when the
folder is on the same disk (instant, no extra space) or copied, beside ``picks.csv`` and a
contact sheet. Exporting again adds the new picks: a file already there is recognised by its
content and kept, and no existing file is ever replaced by a different one.
"""

from __future__ import annotations

import csv
import errno
import io
import math
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from app.engine.core.fileio import atomic_write_bytes, file_sha256
from app.engine.core.i18n import translate
from app.engine.jobs.outputs import safe_stem
from app.engine.review.session import ReviewOutput, ReviewSession
from app.engine.review.ratings import EMBEDDED, write_rating, xmp_rating

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

CSV_NAME = "picks.csv"
SHEET_NAME = "contact-sheet.png"
CSV_COLUMNS = ["file", "name", "model", "prompt", "seed", "cost", "cost_basis", "rating", "source_file",
               "prediction_id"]

# The contact sheet's grid, in pixels.
CELL = 240  # the box a thumbnail fits in
CAPTION = 52  # two lines of text under it
PAD = 16
HEADER = 44
MAX_COLUMNS = 5
PER_SHEET = 60  # more picks go on contact-sheet-2.png, -3 and so on
FONT_SIZE = 15

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/AppleSDGothicNeo.ttc",
    "C:/Windows/Fonts/malgun.ttf",
)


class ExportError(ValueError):
    """An export that cannot be done; the message is a sentence for the user."""


@dataclass
class ExportedPick:
    file: str  # its name in the destination folder
    how: str  # "linked", "copied" or "already there"
    output: ReviewOutput


@dataclass
class ExportResult:
    dest: Path
    picks: list[ExportedPick]
    csv_path: Path
    sheets: list[Path]
    missing: list[ReviewOutput] = field(default_factory=list)  # picked, but the file is gone

    def count(self, how: str) -> int:
        return sum(1 for pick in self.picks if pick.how == how)

    def summary(self) -> str:
        text = translate("Review", "{count} pick(s) in {dest}: {linked} hard-linked, {copied} copied, {kept} already "
                                   "there").format(count=len(self.picks), dest=self.dest, linked=self.count("linked"),
                                                   copied=self.count("copied"), kept=self.count("already there"))
        if self.missing:
            text += translate("Review", "; {count} picked file(s) no longer exist and were left out").format(
                count=len(self.missing))
        return text


def short_model(model_id: str) -> str:
    """"black-forest-labs/flux-2-pro/text-to-image" -> "flux-2-pro": the part people call it by."""
    parts = [part for part in model_id.split("/") if part]
    return parts[1] if len(parts) > 1 else (parts[0] if parts else "model")


def export_name(number: int, width: int, output: ReviewOutput) -> str:
    item = output.item
    stem = f"{number:0{width}d} {item.name} - {short_model(item.model)}"
    if len(item.outputs) > 1:
        stem += f" part {output.part + 1}"
    return safe_stem(stem) + Path(output.path).suffix.lower()


class _Destination:
    """The destination's files, indexed by length, to recognise one already exported."""

    def __init__(self, dest: Path):
        self.dest = dest
        self._by_size: dict[int, list[Path]] = {}
        for path in dest.iterdir():
            if path.is_file() and not path.name.startswith(".") and path.name != CSV_NAME \
                    and not path.name.startswith("contact-sheet"):
                self._by_size.setdefault(path.stat().st_size, []).append(path)

    def same_as(self, source: Path) -> Path | None:
        stat = source.stat()
        candidates = self._by_size.get(stat.st_size, [])
        if not candidates:
            return None
        source_hash = None
        for candidate in candidates:
            if os.path.samefile(candidate, source):
                return candidate
            source_hash = source_hash or file_sha256(source)
            if file_sha256(candidate) == source_hash:
                return candidate
        return None

    def place(self, source: Path, name: str, link: bool) -> tuple[str, str]:
        """(file name, how): the file put under ``name`` (or "name (2)" if that is taken by
        another file), never replacing anything."""
        existing = self.same_as(source)
        if existing is not None:
            return existing.name, "already there"
        stem, suffix = Path(name).stem, Path(name).suffix
        counter = 1
        while True:
            target = self.dest / (name if counter == 1 else f"{stem} ({counter}){suffix}")
            counter += 1
            if target.exists():
                continue
            try:
                how = _put(source, target, link)
            except FileExistsError:
                continue  # taken between the check and the write: try the next name
            self._by_size.setdefault(target.stat().st_size, []).append(target)
            return target.name, how


def _put(source: Path, target: Path, link: bool) -> str:
    if link:
        try:
            os.link(source, target)
            return "linked"
        except FileExistsError:
            raise
        except OSError as exc:
            # Another disk, or a file system without hard links (FAT, some network shares).
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP,
                                 errno.EACCES, errno.ENOSYS):
                raise
    # Copied beside the target and linked into place: the name appears whole or not at all,
    # and an existing file is never replaced.
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    try:
        shutil.copy2(source, temp)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError:
            if target.exists():
                raise FileExistsError(target) from None
            os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return "copied"


def _rows_already_exported(dest: Path) -> list[dict]:
    path = dest / CSV_NAME
    if not path.is_file():
        return []
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            if reader.fieldnames != CSV_COLUMNS:
                raise ExportError(translate("Review", "{path} was not written by Batch Studio; choose another folder "
                                                      "so it is not replaced").format(path=path))
            return [row for row in reader if row.get("file") and (dest / row["file"]).is_file()]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(translate("Review", "{path} cannot be read ({reason})").format(path=path, reason=exc)) \
            from None


def _row(file: str, output: ReviewOutput) -> dict:
    item = output.item
    cost: Decimal = item.charged if item.charged is not None else item.cost.amount
    basis = item.cost.basis
    return {"file": file, "name": item.name, "model": item.model, "prompt": item.prompt,
            "seed": "" if item.seed is None else str(item.seed), "cost": f"{cost.normalize():f}",
            "cost_basis": basis, "rating": "" if output.rating is None else str(output.rating),
            "source_file": output.path, "prediction_id": item.prediction_id or ""}


def export_picks(session: ReviewSession, dest: Path | str, link: bool = True) -> ExportResult:
    """Puts the session's picks in ``dest`` (created if needed), with picks.csv and a contact
    sheet of everything exported there. Raises ExportError when nothing is picked."""
    dest = Path(dest).expanduser()
    picked = session.picked()
    if not picked:
        raise ExportError(translate("Review", "nothing is picked in {folder}; pick outputs in the review first").format(
            folder=session.folder))
    present = [o for o in picked if o.file is not None and o.file.is_file()]
    missing = [o for o in picked if o not in present]
    if not present:
        raise ExportError(translate("Review", "none of the {count} picked file(s) exist any more in {folder}").format(
            count=len(picked), folder=session.folder))
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(translate("Review", "cannot create {dest}: {reason}").format(
            dest=dest, reason=exc.strerror or exc)) from None
    if dest.resolve() == session.folder.resolve():
        raise ExportError(translate("Review", "export the picks to another folder than the batch folder itself"))
    earlier = _rows_already_exported(dest)
    destination = _Destination(dest)
    width = max(2, len(str(len(present))))
    exported = []
    for number, output in enumerate(present, start=1):
        try:
            # Exported before and rated since (so its bytes differ from the source): the same pick.
            earlier_file = next((row["file"] for row in earlier if row.get("source_file") == output.path
                                 and row.get("prediction_id") == (output.item.prediction_id or "")), None)
            if earlier_file is not None:
                file, how = earlier_file, "already there"
            else:
                file, how = destination.place(output.file, export_name(number, width, output), link)
            rating = xmp_rating(output.pick.value, output.rating)
            if rating is not None and write_rating(dest / file, rating) == EMBEDDED and how == "linked":
                how = "copied"  # its own copy now, with the rating: the batch's file is left as it was
        except OSError as exc:
            raise ExportError(translate("Review", "cannot write to {dest}: {reason}").format(
                dest=dest, reason=exc.strerror or exc)) from None
        exported.append(ExportedPick(file, how, output))
    now = {pick.file for pick in exported}
    rows = [row for row in earlier if row["file"] not in now] + [_row(pick.file, pick.output) for pick in exported]
    csv_path = dest / CSV_NAME
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # With a byte-order mark, so spreadsheet programs read Korean and other letters as UTF-8.
    atomic_write_bytes(csv_path, buffer.getvalue().encode("utf-8-sig"))
    sheets = write_contact_sheets(dest, rows, title=session.folder.name)
    return ExportResult(dest, exported, csv_path, sheets, missing)


# --- the contact sheet ---------------------------------------------------------------------
@lru_cache(maxsize=1)
def find_font() -> str | None:
    """A font with Korean letters: what fontconfig suggests, else a known path."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "NanumGothic:lang=ko"], capture_output=True, text=True,
                               timeout=5).stdout.strip()
        if found and Path(found).is_file() and Path(found).suffix.lower() in (".ttf", ".otf", ".ttc"):
            return found
    except (OSError, subprocess.SubprocessError):
        pass
    return next((path for path in FONT_CANDIDATES if Path(path).is_file()), None)


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """(font, whether it is a full font with Korean letters and stars)."""
    from PIL import ImageFont

    path = find_font()
    if path:
        try:
            return ImageFont.truetype(path, size), True
        except OSError:
            pass
    return ImageFont.load_default(size), False


def sheet_size(count: int) -> tuple[int, int]:
    columns = min(count, MAX_COLUMNS)
    rows = math.ceil(count / columns)
    return PAD + columns * (CELL + PAD), HEADER + PAD + rows * (CELL + CAPTION + PAD)


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _stars(rating: str, full_font: bool) -> str:
    if not rating:
        return ""
    value = int(rating)
    return "★" * value + "☆" * (5 - value) if full_font else f"{value}/5"


def contact_sheet(dest: Path, rows: list[dict], title: str) -> Image.Image:
    # Imaging and video decoding are only for an export: `batch-studio picks` lists a folder
    # without loading them.
    from PIL import Image, ImageDraw

    from app.engine.review import thumbcache

    width, height = sheet_size(len(rows))
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    font, full_font = _font(FONT_SIZE)
    heading, _ = _font(FONT_SIZE + 5)
    header = translate("Review", "{title} · {count} pick(s) · {date}").format(
        title=title, count=len(rows), date=datetime.now().strftime("%Y-%m-%d"))
    draw.text((PAD, PAD // 2 + 4), _fit(draw, header, heading, width - 2 * PAD), font=heading, fill=(20, 20, 20))
    columns = min(len(rows), MAX_COLUMNS)
    for index, row in enumerate(rows):
        x = PAD + (index % columns) * (CELL + PAD)
        y = HEADER + PAD + (index // columns) * (CELL + CAPTION + PAD)
        draw.rectangle((x, y, x + CELL - 1, y + CELL - 1), fill=(236, 236, 236))
        try:
            with Image.open(thumbcache.thumbnail(dest / row["file"], CELL)) as thumb:
                thumb.load()
                sheet.paste(thumb, (x + (CELL - thumb.width) // 2, y + (CELL - thumb.height) // 2))
        except (thumbcache.ThumbnailError, OSError):
            draw.text((x + 8, y + CELL // 2 - 8), translate("Review", "no preview"), font=font, fill=(120, 120, 120))
        first = f"{row['file'].split(' ', 1)[0]} {row['name']}"
        second = " · ".join(part for part in (short_model(row["model"]), _stars(row["rating"], full_font)) if part)
        draw.text((x, y + CELL + 6), _fit(draw, first, font, CELL), font=font, fill=(20, 20, 20))
        draw.text((x, y + CELL + 6 + FONT_SIZE + 8), _fit(draw, second, font, CELL), font=font, fill=(90, 90, 90))
    return sheet


def write_contact_sheets(dest: Path, rows: list[dict], title: str) -> list[Path]:
    """contact-sheet.png, and -2, -3... when there are more than PER_SHEET picks; stale later
    pages of a bigger earlier export are removed."""
    paths = []
    for page, start in enumerate(range(0, len(rows), PER_SHEET), start=1):
        path = dest / (SHEET_NAME if page == 1 else f"contact-sheet-{page}.png")
        buffer = io.BytesIO()
        contact_sheet(dest, rows[start:start + PER_SHEET], title).save(buffer, "PNG", optimize=False)
        atomic_write_bytes(path, buffer.getvalue())
        paths.append(path)
    page = len(paths) + 1
    while (stale := dest / f"contact-sheet-{page}.png").is_file():
        stale.unlink()
        page += 1
    return paths
