"""Review verdicts for photo tools: ``xmp:Rating`` on exported picks (1 to 5 stars, -1 rejected).

Lightroom, Bridge, darktable and XnView read the rating from the file's own XMP; a file that
must not change (C2PA-signed) or that has no XMP place we write (video) gets ``NAME.xmp``
beside it, the sidecar those tools also read.
"""

from __future__ import annotations

from pathlib import Path

from app.engine.core import mediatags

EMBEDDED, SIDECAR = "embedded", "sidecar"


def xmp_rating(pick: str | None, stars: int | None) -> int | None:
    """The XMP value for a review mark: -1 for a rejected output, else its stars, else none."""
    if pick == "rejected":
        return -1
    if stars:
        return max(1, min(5, int(stars)))
    return None


def write_rating(path: Path, rating: int) -> str:
    """Writes ``rating`` into ``path`` (EMBEDDED) or into NAME.xmp beside it (SIDECAR).

    The embedded write replaces the file through a new one, so a hard link to the batch's own
    output is never written through: the batch folder keeps its file as it was."""
    kind = mediatags.kind_of(path)
    if kind in ("png", "jpeg", "webp") and not mediatags.has_c2pa(path):
        tags = mediatags.read_tags(path)
        # What the file already says (our recipe, a description) stays; the rating is added.
        fields = mediatags.parse_xmp(tags.xmp) if tags.xmp else mediatags.XmpFields()
        fields.rating = rating
        try:
            mediatags.embed(path, mediatags.Embedding(xmp=fields))
            return EMBEDDED
        except mediatags.TagError:
            pass  # an odd file: the sidecar below says the same
    sidecar = path.with_suffix(".xmp")
    fields = mediatags.XmpFields(rating=rating)
    if sidecar.is_file():
        try:
            fields = mediatags.parse_xmp(sidecar.read_text(encoding="utf-8", errors="replace"))
            fields.rating = rating
        except OSError:
            pass
    mediatags.write_xmp_sidecar(path, fields)
    return SIDECAR


def read_rating(path: Path) -> int | None:
    """The rating a file (or its NAME.xmp) carries, for tests and for showing it."""
    sidecar = path.with_suffix(".xmp")
    if sidecar.is_file():
        return mediatags.parse_xmp(sidecar.read_text(encoding="utf-8", errors="replace")).rating
    tags = mediatags.read_tags(path)
    return mediatags.parse_xmp(tags.xmp).rating if tags.xmp else None
