"""Typed access to the app's settings (QSettings). The API key is never stored here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "BatchStudio"
APPLICATION = "Batch Studio"


class AppSettings:
    def __init__(self, settings: QSettings | None = None):
        self.qsettings = settings or QSettings(ORGANIZATION, APPLICATION)

    def _get(self, key: str, default, kind=str):
        value = self.qsettings.value(key, default)
        if value is None:
            return default
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)

    # Connection --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._get("connection/base_url", "")

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._set("connection/base_url", value.strip())

    @property
    def demo_mode(self) -> bool:
        return self._get("connection/demo_mode", False, bool)

    @demo_mode.setter
    def demo_mode(self, value: bool) -> None:
        self._set("connection/demo_mode", bool(value))

    @property
    def first_run_done(self) -> bool:
        return self._get("app/first_run_done", False, bool)

    @first_run_done.setter
    def first_run_done(self, value: bool) -> None:
        self._set("app/first_run_done", bool(value))

    # Running -----------------------------------------------------------------------
    @property
    def concurrency(self) -> int:
        return max(1, min(64, self._get("run/concurrency", 4, int)))

    @concurrency.setter
    def concurrency(self, value: int) -> None:
        self._set("run/concurrency", int(value))

    @property
    def image_limit_minutes(self) -> int:
        return max(1, self._get("run/image_limit_minutes", 5, int))

    @image_limit_minutes.setter
    def image_limit_minutes(self, value: int) -> None:
        self._set("run/image_limit_minutes", int(value))

    @property
    def video_limit_minutes(self) -> int:
        return max(1, self._get("run/video_limit_minutes", 30, int))

    @video_limit_minutes.setter
    def video_limit_minutes(self, value: int) -> None:
        self._set("run/video_limit_minutes", int(value))

    @property
    def budget(self) -> float:
        return max(0.0, self._get("run/budget", 0.0, float))

    @budget.setter
    def budget(self, value: float) -> None:
        self._set("run/budget", float(value))

    @property
    def strict_budget(self) -> bool:
        return self._get("run/strict_budget", False, bool)

    @strict_budget.setter
    def strict_budget(self, value: bool) -> None:
        self._set("run/strict_budget", bool(value))

    @property
    def demo_speed(self) -> float:
        return max(0.1, self._get("run/demo_speed", 10.0, float))

    # Folders -----------------------------------------------------------------------
    @property
    def output_dir(self) -> Path:
        value = self._get("folders/output_dir", "")
        return Path(value) if value else Path.home() / "BatchStudio"

    @output_dir.setter
    def output_dir(self, value: Path) -> None:
        self._set("folders/output_dir", str(value))

    @property
    def last_folder(self) -> str:
        return self._get("folders/last_folder", str(Path.home()))

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._set("folders/last_folder", value)

    # Window ------------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._set("window/geometry", geometry)
        self._set("window/state", state)

    def window_state(self) -> QByteArray | None:
        value = self.qsettings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def sync(self) -> None:
        self.qsettings.sync()
