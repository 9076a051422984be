"""Per-user folders for settings, data and caches, following each platform's convention
(platformdirs: XDG on Linux, Application Support and Caches on macOS, AppData on Windows)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_DIR_NAME = "batch-studio"


def data_dir() -> Path:
    # Roaming on Windows: settings and learned timings follow the user between machines.
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=True))


def cache_dir() -> Path:
    # No "Cache" subfolder on Windows: the cache stays where earlier versions put it.
    return Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False, opinion=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False, roaming=True))
