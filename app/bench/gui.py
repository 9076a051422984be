"""GUI figures: the longest event-loop stall while 500 demo jobs run, loading and scrolling a
10,000-row job set, and opening and scrolling the review of a 1,000-output batch folder.
Runs offscreen."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


class StallMeter:
    """A fast timer; any gap well beyond its interval is time the event loop was blocked.
    Keeps every gap, so the figures are the longest, the 99th percentile and a histogram."""

    BUCKETS_MS = (4, 8, 16, 33, 50, 100)

    def __init__(self, interval_ms: int = 5):
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.longest = 0.0
        self.ticks = 0
        self.gaps: list[float] = []
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
        gap = max(0.0, now - self._last - self.interval)
        self.longest = max(self.longest, gap)
        self.gaps.append(gap)
        if gap > 0.03:
            self.stalls.append((now - self._origin, gap))
        self._last = now
        self.ticks += 1

    def percentile(self, share: float) -> float:
        if not self.gaps:
            return 0.0
        ordered = sorted(self.gaps)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def histogram(self) -> list[tuple[str, int]]:
        """(label, ticks) for each lateness bucket, in ms."""
        edges = (0, *self.BUCKETS_MS)
        counts = [0] * (len(edges))
        for gap in self.gaps:
            ms = gap * 1000
            counts[sum(1 for edge in self.BUCKETS_MS if ms >= edge)] += 1
        labels = [f"{low}-{high}" for low, high in zip(edges, self.BUCKETS_MS)] + [f">={self.BUCKETS_MS[-1]}"]
        return list(zip(labels, counts))

    def summary(self) -> str:
        return (f"longest {self.longest * 1000:.1f} ms, p99 {self.percentile(0.99) * 1000:.1f} ms, "
                f"p99.9 {self.percentile(0.999) * 1000:.1f} ms over {self.ticks} ticks")


class StallWatch:
    """Diagnosis: a thread that, while the event loop is late by more than ``threshold``,
    samples every thread's Python stack, and splits each stall of the GUI thread into time it
    ran, time it was runnable but had no CPU (the machine is busy) and time it was blocked
    (waiting for the GIL or a lock), from the kernel's per-thread scheduler figures."""

    def __init__(self, meter: StallMeter, threshold: float = 0.016, period: float = 0.002):
        import threading

        self.meter, self.threshold, self.period = meter, threshold, period
        self.samples: list[dict[str, str]] = []
        self.sampled_at: list[float] = []  # seconds since the meter's origin, one per sample
        self.stalls: list[tuple[float, float, float, float]] = []  # (at, length, ran, runnable) in s
        self._stop = threading.Event()
        self._gui = threading.get_ident()
        self._schedstat = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")
        self._thread = threading.Thread(target=self._watch, name="stall-watch", daemon=True)

    def start(self) -> None:
        import gc

        self.collections: list[tuple[float, int, float]] = []  # (at, generation, seconds)
        self._collecting: tuple[float, int] | None = None
        gc.callbacks.append(self._on_collection)
        self._thread.start()

    def stop(self) -> None:
        import gc

        gc.callbacks.remove(self._on_collection)
        self._stop.set()
        self._thread.join()

    def _on_collection(self, phase: str, info: dict) -> None:
        """Every cyclic collection in this process over 10 ms: a full one walks every tracked object."""
        now = time.perf_counter()
        if phase == "start":
            self._collecting = (now, info["generation"])
        elif self._collecting is not None:
            began, generation = self._collecting
            if now - began > 0.01:
                self.collections.append((began - self.meter._origin, generation, now - began))
            self._collecting = None

    def collection_report(self) -> str:
        if not self.collections:
            return "  no cyclic collection took over 10 ms"
        longest = max(self.collections, key=lambda c: c[2])
        return (f"  {len(self.collections)} cyclic collections over 10 ms; the longest {longest[2] * 1000:.0f} ms "
                f"(generation {longest[1]}, at {longest[0]:.1f} s); "
                f"{sum(1 for c in self.collections if c[2] > 0.05)} over 50 ms")

    def _sched(self) -> tuple[float, float]:
        """(seconds the GUI thread ran, seconds it waited runnable for a CPU) so far."""
        try:
            ran, waited, _ = self._schedstat.read_text().split()
            return int(ran) / 1e9, int(waited) / 1e9
        except (OSError, ValueError):
            return 0.0, 0.0

    def _watch(self) -> None:
        import threading

        names = {}
        before = self._sched()
        stall_tick = None
        while not self._stop.wait(self.period):
            last_tick = self.meter._last
            late = time.perf_counter() - last_tick - self.meter.interval
            if late < self.threshold:
                if stall_tick is not None:  # the stall that began after stall_tick is over
                    ran, waited = self._sched()
                    length = last_tick - stall_tick - self.meter.interval
                    self.stalls.append((stall_tick - self.meter._origin, length, ran - before[0], waited - before[1]))
                    stall_tick = None
                before = self._sched()
                continue
            stall_tick = last_tick
            names.update({t.ident: t.name for t in threading.enumerate()})
            sample = {}
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                who = "GUI" if ident == self._gui else names.get(ident, str(ident))
                sample[who] = _where(frame, depth=8 if ident == self._gui else 4)
            self.samples.append(sample)
            self.sampled_at.append(time.perf_counter() - self.meter._origin)

    def report(self, top: int = 12) -> str:
        from collections import Counter

        lines = [f"  stalls of {self.threshold * 1000:.0f} ms or more, split by the kernel's figures for the GUI "
                 "thread (at s: length = ran + runnable without a CPU + blocked, in ms):"]
        for at, length, ran, waited in sorted(self.stalls, key=lambda s: -s[1])[:top]:
            blocked = max(0.0, length - ran - waited)
            lines.append(f"    {at:7.2f}: {length * 1000:5.0f} = {ran * 1000:4.0f} + {waited * 1000:4.0f} + "
                         f"{blocked * 1000:4.0f}")
        gui = Counter(sample.get("GUI", "?") for sample in self.samples)
        others = Counter(where for sample in self.samples for who, where in sample.items()
                         if who != "GUI" and not where.startswith("idle"))
        lines.append(f"  {len(self.samples)} stack samples; the GUI thread was in:")
        lines += [f"    {count:5d}  {where}" for where, count in gui.most_common(top)]
        lines.append("  other threads were in (idle waits left out):")
        lines += [f"    {count:5d}  {where}" for where, count in others.most_common(top)]
        return "\n".join(lines)

    def longest_stalls(self, top: int = 5, over: float = 0.05) -> str:
        """Where the GUI thread was while each of the longest stalls lasted: its stack samples."""
        from collections import Counter

        lines = []
        for at, length, ran, waited in sorted(self.stalls, key=lambda s: -s[1])[:top]:
            if length < over:
                break
            inside = Counter(sample.get("GUI", "?") for sample, when in zip(self.samples, self.sampled_at)
                             if at <= when <= at + length + self.meter.interval * 2)
            lines.append(f"  stall at {at:.2f} s, {length * 1000:.0f} ms ({ran * 1000:.0f} ran): the GUI thread in")
            lines += [f"    {count:4d}  {where}" for where, count in inside.most_common(6)]
        return "\n".join(lines)


_IDLE = ("wait", "_wait_for_tstate_lock", "select", "poll", "accept", "readinto", "recv_into", "sleep", "get")


def _where(frame, depth: int = 4) -> str:
    """The innermost few frames, innermost first; 'idle' when the thread is blocked waiting."""
    parts = []
    innermost = frame.f_code.co_name
    while frame is not None and len(parts) < depth:
        parts.append(f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    text = " < ".join(parts)
    return f"idle {text}" if innermost in _IDLE else text


def write_jobset(path: Path, count: int) -> None:
    models = ["google/imagen4", "google/imagen4-fast", "black-forest-labs/flux-2-pro/text-to-image",
              "bytedance/seedance-v1.5-pro-fast/text-to-video", "google/veo3.1-fast/text-to-video"]
    lines = ["schema_version: 1", "jobs:"]
    for i in range(count):
        model = models[i % len(models)]
        extra = ", duration: 4" if "video" in model else ""
        lines.append(f"- {{name: 'row {i}', model: {model}, inputs: {{prompt: 'Scene {i} of the catalogue'{extra}}}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_review_folder(folder: Path, count: int) -> None:
    """A batch folder as a worker fleet leaves it: small pictures and a manifest.json, no store."""
    import json

    from PIL import Image

    models = ["google/imagen4", "black-forest-labs/flux-2-pro/text-to-image", "bytedance/seedream-v4.5"]
    (folder / "out").mkdir(parents=True, exist_ok=True)
    results = []
    for i in range(count):
        path = f"out/shot {i:04d}.png"
        Image.new("RGB", (96, 64), ((i * 37) % 256, (i * 91) % 256, (i * 53) % 256)).save(folder / path)
        results.append({"name": f"shot {i:04d}", "model": models[i % len(models)], "status": "done",
                        "prediction_id": f"p{i}", "inputs": {"prompt": f"scene {i} of the lookbook"},
                        "files": [{"path": path}], "cost": {"estimated": 0.03, "quoted": 0.03, "charged": 0.03},
                        "timings": {"finished_at": f"2026-01-01T00:{i % 60:02d}:00.000Z"}})
    (folder / "manifest.json").write_text(json.dumps({"schema_version": 1, "batch": {}, "results": results}))


def open_review_cached(app, window, folder: Path, limit: float = 10.0) -> float:
    """Seconds to open ``folder``'s review with its thumbnails already cached (as a first visit
    leaves them) until every visible tile has its picture."""
    from app.engine.review import thumbcache
    from app.ui.thumbcache import disk_size

    mode = window.review_mode
    view = mode.view
    for path in sorted((folder / "out").glob("*.png")):
        thumbcache.thumbnail(path, disk_size(view.model.tile))

    def visible_loaded() -> bool:
        grid = view.grid
        first = grid.indexAt(grid.viewport().rect().topLeft())
        rows = [r for r in range(max(0, first.row()), min(view.model.rowCount(), max(0, first.row()) + 400))
                if grid.visualRect(view.model.index(r)).intersects(grid.viewport().rect())]
        return all(view.loader.has(view.model.outputs[r].file, view.model.tile) for r in rows)

    started = time.perf_counter()
    mode.show_review(folder)
    view.grid.viewport().repaint()
    while not visible_loaded() and time.perf_counter() - started < limit:
        app.processEvents()
    view.grid.viewport().repaint()
    return time.perf_counter() - started


def review_figures(app, window, folder: Path) -> tuple[float, float, float, int]:
    """(seconds to open with cached thumbnails, longest stall while scrolling in ms, slowest
    page in ms, pages): the folder opens, its visible tiles have their pictures, then it is
    scrolled top to bottom a page at a time, each page repainted."""
    opened = open_review_cached(app, window, folder)
    view = window.review_mode.view

    scrollbar = view.grid.verticalScrollBar()
    meter = StallMeter()
    meter.start()
    slowest = 0.0
    pages = 0
    while scrollbar.value() < scrollbar.maximum():
        step = time.perf_counter()
        scrollbar.setValue(scrollbar.value() + scrollbar.pageStep())
        view.grid.viewport().repaint()
        app.processEvents()
        slowest = max(slowest, time.perf_counter() - step)
        pages += 1
    meter.stop()
    view.loader.pool.waitForDone()
    app.processEvents()
    return opened, max(meter.longest, slowest) * 1000, slowest * 1000, pages


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench gui")
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--outputs", type=int, default=1000, help="outputs in the reviewed folder")
    parser.add_argument("--review-only", action="store_true", help="only the review figures")
    parser.add_argument("--batch-only", action="store_true", help="only the 500-job batch figures")
    parser.add_argument("--diagnose", action="store_true",
                        help="sample every thread's stack while the event loop is late, and print where they were")
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

    if args.review_only:
        _print_review(app, window, scratch, args.outputs)
        window.shutdown()
        backend.close()
        return 0

    small = scratch / "run.yaml"
    write_jobset(small, args.jobs)
    window.open_document(small)
    window.set_output_dir(scratch / "out")
    meter = StallMeter()
    watch = StallWatch(meter) if args.diagnose else None
    loop = QEventLoop()
    window.controller.finished.connect(lambda _: loop.quit())
    meter.start()
    if watch is not None:
        watch.start()
    started = time.perf_counter()
    window.run_batch()
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    meter.stop()
    if watch is not None:
        watch.stop()
    elapsed = time.perf_counter() - started
    done = sum(1 for job in window.jobs.rows if job.state == "done")
    print(f"Running {args.jobs} demo jobs (concurrency {args.concurrency}, simulator x{args.speed:g}): "
          f"{done} done in {elapsed:.1f} s")
    print(f"  longest event-loop stall  {meter.longest * 1000:.1f} ms   (target <= 50 ms)")
    print(f"  p99 event-loop lateness   {meter.percentile(0.99) * 1000:.1f} ms   (target <= 16 ms; "
          f"{meter.ticks} ticks of {meter.interval * 1000:.0f} ms)")
    print("  lateness histogram (ms: ticks)  " + "  ".join(f"{label}: {count}" for label, count in meter.histogram()))
    print("  stalls over 30 ms (s into the batch: ms)  " + (", ".join(
        f"{at:.2f}: {gap * 1000:.0f}" for at, gap in meter.stalls[:20]) or "none"))
    if watch is not None:
        print(watch.report())
    if args.batch_only:
        window.shutdown()
        backend.close()
        return 0

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
    window.dirty = False
    _print_review(app, window, scratch, args.outputs)
    _print_preview(app, window, scratch)
    window.shutdown()
    backend.close()
    return 0


def _print_review(app, window, scratch: Path, count: int) -> None:
    folder = scratch / "reviewed"
    write_review_folder(folder, count)
    opened, stall, slowest, pages = review_figures(app, window, folder)
    print(f"Review of {count} outputs (thumbnails cached): open {opened:.2f} s   (target < 1 s); scroll top to "
          f"bottom ({pages} pages, each repainted): longest stall {stall:.1f} ms   (target <= 50 ms), "
          f"slowest page {slowest:.1f} ms")


# --- Preview stepping (issue 13) -------------------------------------------------------------

def write_large_pictures(folder: Path, count: int = 10, side: int = 2048) -> list[str]:
    """``count`` PNGs of side x side that cost what a generated 4 MP picture costs to decode:
    noise under a gradient, so PNG cannot compress them away."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        image = QImage(os.urandom(side * side * 4), side, side, side * 4, QImage.Format.Format_RGB32).copy()
        painter = QPainter(image)
        painter.setOpacity(0.8)
        gradient = QLinearGradient(0, 0, side, side)
        gradient.setColorAt(0, QColor.fromHsv(i * 36 % 360, 200, 220))
        gradient.setColorAt(1, QColor.fromHsv((i * 36 + 90) % 360, 200, 80))
        painter.fillRect(QRect(0, 0, side, side), gradient)
        painter.end()
        path = folder / f"output {i}.png"
        image.save(str(path))
        paths.append(str(path))
    return paths


def preview_figures(app, window, paths: list[str]) -> tuple[float, int]:
    """(longest event-loop stall in ms, pictures shown) while the preview steps through a job's
    outputs with "next", each shown before the next step."""
    from PySide6.QtCore import QEventLoop, QTimer

    def spin(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    pane = window.preview
    pane.show_files(paths)
    pane.outputs.thumbnails.wait()  # the strip's small pictures are another figure's concern
    pane.wait()
    spin(200)
    meter = StallMeter()
    meter.start()
    shown = 0
    for _ in paths[1:]:
        pane.outputs.next.click()
        deadline = time.perf_counter() + 5
        while pane.image.pixmap().isNull() and time.perf_counter() < deadline:
            spin(5)
        shown += not pane.image.pixmap().isNull()
        spin(100)
    meter.stop()
    pane.show_file(None)
    pane.wait()
    return meter.longest * 1000, shown + 1


def _print_preview(app, window, scratch: Path) -> None:
    paths = write_large_pictures(scratch / "large outputs")
    stall, shown = preview_figures(app, window, paths)
    print(f"Preview of {len(paths)} outputs of 2048x2048 PNG, stepped through with next: {shown} shown, "
          f"longest stall {stall:.1f} ms   (target <= 50 ms)")
