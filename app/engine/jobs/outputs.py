"""Where each output file goes: safe, unique names inside the chosen folder.

Two jobs with one name never overwrite each other; Korean and other letters stay as
they are; nothing can climb out of the output folder.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from app.engine.core.i18n import translate

MAX_STEM = 80
_UNSAFE = re.compile(r"[^\w\-. ()]+", re.UNICODE)
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".mp4", ".mov", ".webm"}


def safe_stem(name: str) -> str:
    text = unicodedata.normalize("NFC", str(name))
    text = _UNSAFE.sub("_", text).strip(" ._")
    text = re.sub(r"_{2,}", "_", text)[:MAX_STEM].rstrip(" .")
    if not text:
        return "job"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text


def subfolder_problem(subfolder: str | None) -> str | None:
    """Why a job's output_subfolder is refused, or None when it is fine."""
    if not subfolder:
        return None
    if subfolder.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", subfolder):
        return translate("Validation", "output_subfolder {subfolder} must be a relative folder inside the output "
                                       "folder").format(subfolder=subfolder)
    if any(part == ".." for part in re.split(r"[\\/]", subfolder)):
        return translate("Validation", "output_subfolder {subfolder} must not contain '..'").format(
            subfolder=subfolder)
    return None


def folder_problem(folder: Path) -> str | None:
    """Why outputs cannot go to ``folder``, checked when it is chosen, not at the end of a run."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        return translate("Validation", "cannot write to the output folder {folder}: {reason}").format(
            folder=folder, reason=exc.strerror or exc)
    return None


def safe_subfolder(subfolder: str | None) -> Path:
    parts = [safe_stem(part) for part in re.split(r"[\\/]", subfolder or "") if part not in ("", ".", "..")]
    return Path(*parts) if parts else Path()


def suffix_for(url: str, is_video: bool) -> str:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    if suffix in MEDIA_SUFFIXES:
        return suffix
    return ".mp4" if is_video else ".png"


class OutputPlanner:
    def __init__(self, root: Path):
        self.root = root
        self._reserved: set[Path] = set()
        self._lock = threading.Lock()
        # Each output folder is made and resolved once per batch, not once per job: a 50,000-job
        # batch would otherwise spend a mkdir and two realpath walks (an lstat a part) on each.
        self._folders: dict[Path, Path] = {}
        self._resolved_root: Path | None = None

    def _folder(self, folder: Path) -> Path:
        """``folder`` made, resolved (under the lock); a name without separators goes below it."""
        resolved = self._folders.get(folder)
        if resolved is None:
            folder.mkdir(parents=True, exist_ok=True)
            if self._resolved_root is None:
                self._resolved_root = self.root.resolve()
            resolved = folder.resolve()
            if resolved != self._resolved_root and self._resolved_root not in resolved.parents:
                raise ValueError(f"{folder} would fall outside {self.root}")
            self._folders[folder] = resolved
        return resolved

    def reserve(self, job_name: str, subfolder: str | None, is_video: bool, url: str, part: int | None = None) -> Path:
        folder = self.root / ("videos" if is_video else "images") / safe_subfolder(subfolder)
        # One of several outputs: name-1, name-2, ... (the first is numbered too, so the set reads as one).
        stem = safe_stem(job_name) + (f"-{part + 1}" if part is not None else "")
        suffix = suffix_for(url, is_video)
        with self._lock:
            self._folder(folder)
            candidate = folder / f"{stem}{suffix}"
            counter = 2
            while candidate in self._reserved or os.path.lexists(candidate):
                candidate = folder / f"{stem} ({counter}){suffix}"
                counter += 1
            # The folder was resolved inside the root and safe_stem leaves no separator in the
            # name, so the file falls inside too: lexists passes over any symlink of that name.
            self._reserved.add(candidate)
            return candidate

    def made(self, folder: Path) -> None:
        """Makes ``folder`` once per batch (a resumed job's planned path was reserved in an
        earlier run, so its folder may be gone)."""
        with self._lock:
            if folder not in self._folders:
                folder.mkdir(parents=True, exist_ok=True)
                self._folders[folder] = folder

    def release(self, path: Path) -> None:
        with self._lock:
            self._reserved.discard(path)
