"""Suite-wide isolation: offscreen Qt, no real keyring, fresh dirs, no leaked threads."""

from __future__ import annotations

import os
import threading

# Before anything imports Qt or keyring.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
for _name in ("ATLASCLOUD_API_KEY", "ATLAS_CLOUD_API_KEY", "ATLASCLOUD_BASE_URL"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Each test gets its own settings and data folders."""
    home = tmp_path / "home"
    for variable, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                          ("XDG_CACHE_HOME", ".cache"), ("XDG_STATE_HOME", ".local/state")):
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(path))
    return home


@pytest.fixture(autouse=True)
def no_leaked_threads():
    before = set(threading.enumerate())
    yield
    leaked = []
    for thread in threading.enumerate():
        # Qt's pool threads appear as dummies; the UI tests check their pools drained.
        if thread in before or not thread.is_alive() or isinstance(thread, threading._DummyThread):
            continue
        # A thread that is already on its way out gets a moment to finish.
        thread.join(timeout=2.0)
        if thread.is_alive():
            leaked.append(thread.name)
    assert not leaked, f"test leaked threads: {leaked}"


@pytest.fixture
def app_settings_dir(tmp_path, qapp):
    """The app's QSettings go to an INI file in this test's folder, never the user's or
    another test's (Qt caches the native settings path for the whole process)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    qapp.setOrganizationName("BatchStudioTests")
    qapp.setApplicationName("Batch Studio Tests")
    yield folder
    QSettings().clear()
