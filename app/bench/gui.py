"""GUI figures: the longest event-loop stall while 500 demo jobs run, and loading and
scrolling a 10,000-row job set. Runs offscreen."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


class StallMeter:
    """A fast timer; any gap well beyond its interval is time the event loop was blocked."""

    def __init__(self, interval_ms: int = 5):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.longest = 0.0
        self.ticks = 0
        self.stalls: list[tuple[float, float]] = []
        self._origin = time.perf_counter()
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last - self.interval
        self.longest = max(self.longest, gap)
        if gap > 0.03:
            self.stalls.append((now - self._origin, gap))
        self._last = now
        self.ticks += 1


def write_jobset(path: Path, count: int) -> None:
    models = ["google/imagen4", "google/imagen4-fast", "black-forest-labs/flux-2-pro/text-to-image",
              "bytedance/seedance-v1.5-pro-fast/text-to-video", "google/veo3.1-fast/text-to-video"]
    lines = ["schema_version: 1", "jobs:"]
    for i in range(count):
        model = models[i % len(models)]
        extra = ", duration: 4" if "video" in model else ""
        lines.append(f"- {{name: 'row {i}', model: {model}, inputs: {{prompt: 'Scene {i} of the catalogue'{extra}}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench gui")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.setswitchinterval(0.001)  # as app.ui.main does
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.backend import Backend
    from app.ui.settings import AppSettings, use_scratch_profile
    from app.ui.window import MainWindow

    scratch = use_scratch_profile("batch-studio-bench-")
    app = QApplication([])
    backend = Backend(demo=True, demo_speed=args.speed)
    window = MainWindow(AppSettings(), backend)
    window.resize(1400, 860)
    window.show()
    window.settings.concurrency = args.concurrency

    small = scratch / "run.yaml"
    write_jobset(small, args.jobs)
    window.open_document(small)
    window.set_output_dir(scratch / "out")
    meter = StallMeter()
    loop = QEventLoop()
    window.controller.finished.connect(lambda _: loop.quit())
    meter.start()
    started = time.perf_counter()
    window.run_batch()
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    meter.stop()
    elapsed = time.perf_counter() - started
    done = sum(1 for job in window.jobs.rows if job.state == "done")
    print(f"Running {args.jobs} demo jobs (concurrency {args.concurrency}, simulator x{args.speed:g}): "
          f"{done} done in {elapsed:.1f} s")
    print(f"  longest event-loop stall  {meter.longest * 1000:.1f} ms   (target <= 50 ms)")

    big = scratch / "big.yaml"
    write_jobset(big, args.rows)
    window.dirty = False
    started = time.perf_counter()
    window.open_document(big)
    app.processEvents()
    loaded = time.perf_counter() - started
    scrollbar = window.table.verticalScrollBar()
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    steps = 0
    while scrollbar.value() < scrollbar.maximum():
        scrollbar.setValue(scrollbar.value() + scrollbar.pageStep())
        window.table.viewport().repaint()
        app.processEvents()
        steps += 1
    scrolled = time.perf_counter() - started
    meter.stop()
    print(f"Job set of {args.rows} rows: load, validate and price {loaded:.2f} s; scroll top to bottom "
          f"({steps} pages, each repainted) {scrolled:.2f} s, {scrolled / max(1, steps) * 1000:.1f} ms a page")
    window.shutdown()
    backend.close()
    return 0
