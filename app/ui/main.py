"""The desktop app's entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app import __version__
from app.engine.atlas import secrets


def choose_mode(settings, parent=None) -> bool:
    """True for demo mode. Without a key, the first start offers the demo or a key."""
    from app.ui.dialogs import FirstRunDialog, SettingsDialog

    key, _ = secrets.api_key()
    if key:
        return settings.demo_mode
    if not settings.first_run_done:
        dialog = FirstRunDialog(parent)
        dialog.exec()
        settings.first_run_done = True
        if dialog.choice == FirstRunDialog.ENTER_KEY:
            SettingsDialog(settings, parent).exec()
            key, _ = secrets.api_key()
            return not key
    return True


NO_DISPLAY = ("Batch Studio cannot open its window because this session has no display (neither DISPLAY nor "
              "WAYLAND_DISPLAY is set): run a batch without a window with `batch-studio run JOBSET --demo --out DIR`, "
              "or start the app on a virtual display with `xvfb-run -a bash packaging/dev.sh app`.")


def missing_display(environ=os.environ, platform: str = sys.platform) -> bool:
    """True where Qt would abort for want of a display: a Unix desktop session without X11 or
    Wayland, and no platform chosen explicitly (QT_QPA_PLATFORM=offscreen, vnc, ...)."""
    if platform.startswith(("win", "darwin")) or environ.get("QT_QPA_PLATFORM"):
        return False
    return not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")


def main(argv: list[str] | None = None) -> int:
    if missing_display():
        # Before Qt loads: its own message is a plugin abort that names no way forward.
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from app.ui.backend import Backend
    from app.ui.settings import APPLICATION, ORGANIZATION, AppSettings
    from app.ui.window import MainWindow

    # Worker threads (polls, downloads) hold the GIL in 5 ms slices by default; shorter
    # slices let the GUI thread in sooner, which keeps the window from stuttering.
    sys.setswitchinterval(0.001)
    from app.engine.run import logs

    logs.setup().info("app start", extra={"fields": {"version": __version__}})
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationVersion(__version__)
    settings = AppSettings()
    from app.ui import i18n, theme

    i18n.install(settings.language)
    theme.follow_system(app, settings.theme)
    demo = choose_mode(settings)
    backend = Backend(demo=demo, base_url=settings.base_url, demo_speed=settings.demo_speed)
    window = MainWindow(settings, backend)
    window.show()
    files = [Path(arg) for arg in (argv or []) if Path(arg).suffix.lower() in (".yaml", ".yml", ".json", ".csv")]
    if files and files[0].is_file():
        window.open_document(files[0].resolve())
    try:
        return app.exec()
    finally:
        backend.close()


if __name__ == "__main__":
    sys.exit(main())
