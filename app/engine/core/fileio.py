"""Atomic writes and versioned files: what users keep must never be half-written."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from app.engine.core.i18n import translate


class NewerVersionError(ValueError):
    pass


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, then os.replace: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); a job set or manifest is an ordinary file.
        os.chmod(temp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text_writer(path: Path):
    """As atomic_write_bytes, for a document written piece by piece (a 50,000-job manifest):
    yields a text stream; the file appears, complete, only when the block ends without error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp_name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(handle, "w", encoding="utf-8", buffering=1 << 20) as temp:
            yield temp
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, document: object) -> None:
    atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


def check_version(document: dict, supported: int, what: str, where: object) -> int:
    version = document.get("schema_version", 1)
    if not isinstance(version, int) or version < 1:
        raise ValueError(translate("JobSet", "{where}: schema_version must be a positive whole "
                                             "number, not {version}").format(
                             where=where, version=repr(version)))
    if version > supported:
        raise NewerVersionError(
            translate("JobSet", "{where} is a version {version} {what}, written by a newer Batch "
                                "Studio; this version reads up to version {supported}. Update Batch "
                                "Studio to open it.").format(
                where=where, version=version, what=what, supported=supported))
    return version


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
