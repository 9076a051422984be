"""Typed access to the app's settings (QSettings). The API key is never stored here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "BatchStudio"
APPLICATION = "Batch Studio"


class _Setting:
    """One typed, bounded value under a QSettings key."""

    def __init__(self, key: str, default, kind=str, low=None, high=None):
        self.key, self.default, self.kind, self.low, self.high = key, default, kind, low, high

    def __get__(self, owner, owner_type=None):
        if owner is None:
            return self
        raw = owner.qsettings.value(self.key, self.default)
        try:
            if self.kind is bool:
                value = raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
            else:
                value = self.kind(raw)
        except (TypeError, ValueError):
            value = self.default
        if self.low is not None:
            value = max(self.low, value)
        if self.high is not None:
            value = min(self.high, value)
        return value

    def __set__(self, owner, value) -> None:
        owner.qsettings.setValue(self.key, self.kind(value) if self.kind is not str else str(value).strip())


class AppSettings:
    base_url = _Setting("connection/base_url", "")
    demo_mode = _Setting("connection/demo_mode", False, bool)
    first_run_done = _Setting("app/first_run_done", False, bool)
    concurrency = _Setting("run/concurrency", 4, int, 1, 64)
    image_limit_minutes = _Setting("run/image_limit_minutes", 5, int, 1)
    video_limit_minutes = _Setting("run/video_limit_minutes", 30, int, 1)
    budget = _Setting("run/budget", 0.0, float, 0.0)
    strict_budget = _Setting("run/strict_budget", False, bool)
    daily_cap = _Setting("run/daily_cap", 0.0, float, 0.0)
    # A submit whose reply was lost and which the account's history shows was never created.
    resubmit_lost = _Setting("run/resubmit_lost", True, bool)
    demo_speed = _Setting("run/demo_speed", 10.0, float, 0.1)
    last_folder = _Setting("folders/last_folder", str(Path.home()))
    webhook_url = _Setting("notify/webhook_url", "")
    executor = _Setting("run/executor", "local")
    broker_url = _Setting("run/broker_url", "")
    _output_dir = _Setting("folders/output_dir", "")
    language = _Setting("app/language", "system")  # system, or a code in app.ui.i18n.LANGUAGES
    theme = _Setting("app/theme", "system")  # system, light or dark
    embed_recipes = _Setting("outputs/embed_recipes", True, bool)  # False: files stay as downloaded, sidecars
    prompts_in_files = _Setting("outputs/prompts_in_files", True, bool)  # False: prompts stay out of file metadata

    def __init__(self, settings: QSettings | None = None):
        # The application's names and default format (set by app.ui.main); tests and the
        # screenshot command point the default format at a scratch folder instead.
        self.qsettings = settings or QSettings()

    @property
    def output_dir(self) -> Path:
        return Path(self._output_dir) if self._output_dir else Path.home() / "BatchStudio"

    @output_dir.setter
    def output_dir(self, value: Path) -> None:
        self._output_dir = str(value)

    def window_geometry(self) -> QByteArray | None:
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", geometry)
        self.qsettings.setValue("window/state", state)

    def sync(self) -> None:
        self.qsettings.sync()


def use_scratch_profile(prefix: str) -> Path:
    """Settings and app data in a new temporary folder, for the screenshot command and the
    GUI benchmark: a picture or a figure must not depend on, or change, the user's setup."""
    import os
    import tempfile

    from PySide6.QtCore import QCoreApplication

    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch / "settings"))
    os.environ["XDG_DATA_HOME"] = str(scratch / "data")  # the demo simulator's journal, timing history
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    return scratch
