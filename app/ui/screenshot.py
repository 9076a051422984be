"""python -m app.ui.screenshot OUT.png: the app after a finished demo batch, a video playing.

Without a display it re-runs itself under xvfb-run, since QWidget.grab() cannot capture a
QVideoWidget but a real (virtual) screen can.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREEN = "1440x900x24"


def _reexec_under_xvfb(argv: list[str]) -> int:
    if shutil.which("xvfb-run") is None:
        print("error: no display and no xvfb-run; install xvfb (bash packaging/dev.sh installs it)", file=sys.stderr)
        return 2
    env = {**os.environ, "BATCH_STUDIO_SCREENSHOT_CHILD": "1", "QT_QPA_PLATFORM": "xcb"}
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", sys.executable, "-m", "app.ui.screenshot", *argv]
    return subprocess.run(command, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m app.ui.screenshot")
    parser.add_argument("output", type=Path, help="where to save the PNG")
    parser.add_argument("--jobset", type=Path, default=ROOT / "resources" / "examples" / "weekly-social-pack.yaml")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("BATCH_STUDIO_SCREENSHOT_CHILD"):
        return _reexec_under_xvfb(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtMultimedia import QMediaPlayer
    from PySide6.QtWidgets import QApplication

    from app.ui.backend import Backend
    from app.ui.settings import AppSettings, use_scratch_profile
    from app.ui.window import MainWindow

    scratch = use_scratch_profile("batch-studio-shot-")
    app = QApplication([sys.argv[0]])
    backend = Backend(demo=True, demo_speed=40)
    window = MainWindow(AppSettings(), backend)
    window.resize(1400, 860)
    window.move(20, 20)
    window.show()
    window.open_document(args.jobset)
    window.set_output_dir(scratch / "out")
    result = {"code": 1}

    def fail(message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        app.quit()

    def pick_video() -> None:
        rows = [i for i, job in enumerate(window.jobs.rows) if job.output_path and job.output_path.endswith(".mp4")]
        if not rows:
            return fail("the demo batch produced no video")
        window.select_rows([rows[-1]])
        window.table.scrollToBottom()
        wait_for_playing(0)

    def wait_for_playing(attempt: int) -> None:
        player = window.preview.video.player
        if player.playbackState() == QMediaPlayer.PlaybackState.PlayingState and player.position() > 1500:
            QTimer.singleShot(200, capture)
        elif attempt > 100:
            fail("the video never started playing")
        else:
            QTimer.singleShot(100, lambda: wait_for_playing(attempt + 1))

    def capture() -> None:
        frame = window.frameGeometry()
        shot = app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if shot.save(str(args.output)):
            print(f"saved {args.output} ({shot.width()}x{shot.height()})")
            result["code"] = 0
        app.quit()

    window.controller.finished.connect(lambda _: QTimer.singleShot(1500, pick_video))
    # After the live quotes have replaced the estimates, as a user would see it.
    QTimer.singleShot(2500, window.run_batch)
    QTimer.singleShot(180_000, lambda: fail("timed out"))
    app.exec()
    window.shutdown()
    backend.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
