"""Runs a demo batch in the real window and says READY once every job is submitted, so a
test can SIGKILL this process mid-batch."""

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.engine.jobs.spec import JobSpec
from app.ui.backend import Backend
from app.ui.settings import AppSettings
from app.ui.window import MainWindow


def main() -> None:
    app = QApplication([])
    backend = Backend(demo=True, demo_speed=3)
    window = MainWindow(AppSettings(), backend)
    window.show()
    window.set_output_dir(Path(sys.argv[1]))
    window.jobs.insert([JobSpec(f"clip {i}", "bytedance/seedance-v1.5-pro-fast/text-to-video",
                                {"prompt": f"scene {i}", "duration": 4}) for i in range(3)])
    window.costs.refresh_all()
    window.run_batch()

    def check():
        if all(job.state in ("submitted", "running") for job in window.jobs.rows):
            print("READY", flush=True)
        else:
            QTimer.singleShot(50, check)

    check()
    app.exec()


main()
