"""Per-user folders for settings, data and caches, following each platform's convention."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "batch-studio"


def _base(kind: str) -> Path:
    home = Path.home()
    if sys.platform == "win32":
        root = os.environ.get("LOCALAPPDATA" if kind == "cache" else "APPDATA") or str(home / "AppData" / "Roaming")
        return Path(root)
    if sys.platform == "darwin":
        return home / "Library" / ("Caches" if kind == "cache" else "Application Support")
    variable, fallback = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share"),
                          "cache": ("XDG_CACHE_HOME", ".cache")}[kind]
    return Path(os.environ.get(variable) or home / fallback)


def data_dir() -> Path:
    return _base("data") / APP_DIR_NAME


def cache_dir() -> Path:
    return _base("cache") / APP_DIR_NAME


def config_dir() -> Path:
    return _base("config") / APP_DIR_NAME
