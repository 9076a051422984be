"""batch-studio --self-check: proves an installed copy or a bundle works end to end.

It opens the window (offscreen works) in demo mode with a scratch profile, runs a short
demo batch (an image and a video) through the bundled simulator, plays the video, and
checks the pieces a bundler can silently leave out: the Korean catalogue, the keyring
backends and Qt's multimedia backend. Exit status 0 means every check passed.
"""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import entry_points

from app.engine.jobs.spec import JobSpec

# A string of Qt's own catalogue, held in a tuple so lupdate does not take it for ours.
QT_OWN_STRING = ("QPlatformTheme", "Cancel")
CHECK_JOBS = [
    JobSpec("check image", "black-forest-labs/flux-2-pro/text-to-image", {"prompt": "a lighthouse at dawn"}),
    JobSpec("check video", "bytedance/seedance-v1.5-pro-fast/text-to-video",
            {"prompt": "waves rolling in", "duration": 5}),
]


def keyring_problem() -> str | None:
    """Each keyring backend is found through an entry point: a bundle must carry both."""
    points = list(entry_points(group="keyring.backends"))
    if not points:
        return "no keyring backends are registered (package metadata missing)"
    for point in points:
        try:
            point.load()
        except Exception as exc:  # noqa: BLE001 - a backend that cannot load is what this reports
            if point.name in ("SecretService", "libsecret", "KWallet") and sys.platform.startswith("linux"):
                return f"the {point.name} keyring backend does not load: {exc}"
    return None


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtMultimedia import QMediaFormat
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n
    from app.ui.autopilot import Autopilot
    from app.ui.backend import Backend
    from app.ui.settings import AppSettings, use_scratch_profile
    from app.ui.window import MainWindow

    scratch = use_scratch_profile("batch-studio-check-")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    problems: list[str] = []
    if i18n.install("ko") != "ko" or QApplication.translate("MainWindow", "Run") != "실행":
        problems.append("the Korean catalogue did not load")
    elif QApplication.translate(*QT_OWN_STRING) != "취소":
        problems.append("Qt's own Korean catalogue (qtbase_ko) did not load")
    i18n.install("en")
    if problem := keyring_problem():
        problems.append(problem)
    if not QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode):
        problems.append("Qt's multimedia backend decodes no format (FFmpeg plugin missing)")

    backend = Backend(demo=True, demo_speed=40)
    window = MainWindow(AppSettings(), backend)
    window.show()
    window.jobs.replace_all(CHECK_JOBS)
    window.costs.refresh_all()
    window.set_output_dir(scratch / "out")

    def played() -> None:
        done = sum(1 for job in window.jobs.rows if job.state == "done")
        print(f"self-check: demo batch done ({done}/{len(window.jobs)} jobs), video played")
        app.quit()

    def failed(message: str) -> None:
        problems.append(message)
        app.quit()

    Autopilot(window, played, failed, start_after_ms=500, play_ms=500, timeout_ms=120_000)
    app.exec()
    window.shutdown()
    backend.close()
    shutil.rmtree(scratch, ignore_errors=True)
    for problem in problems:
        print(f"self-check: FAILED: {problem}", file=sys.stderr)
    if not problems:
        print("self-check: passed (window, demo simulator, downloads, video playback, Korean, keyring)")
    return 1 if problems else 0
