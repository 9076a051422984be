"""The window at 10,000 to 50,000 rows (issue 20): open a job set (parse, validate, price), bulk
edits on all of it (select all, edit a field, totals, undo), the longest event-loop stall while an
N-job batch runs (demo simulator, cheap media), and opening the review of N outputs with their
thumbnails cached. Runs offscreen; prints figures, asserts nothing."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def _timed(app, action) -> float:
    started = time.perf_counter()
    action()
    app.processEvents()
    return time.perf_counter() - started


def load_figure(app, window, path) -> float:
    window.dirty = False
    return _timed(app, lambda: window.open_document(path))


def edit_figures(app, window) -> list[tuple[str, float]]:
    """Each step on the whole open set, timed with the events it queues."""
    rows = len(window.jobs)
    figures = [("select all", _timed(app, window.table.selectAll))]
    assert len(window.selected_rows()) == rows, "select all did not reach every row"
    figures.append(("edit a field of every row (output subfolder)", _timed(app, lambda: window._edit_subfolder("scaled"))))
    figures.append(("edit the prompt of every row", _timed(app, lambda: window._edit_field("prompt", "one prompt for all"))))
    figures.append(("cost totals", _timed(app, lambda: window.costs.summary().total_label())))
    figures.append(("undo the prompt edit", _timed(app, window.undo_stack.undo)))
    figures.append(("undo the subfolder edit", _timed(app, window.undo_stack.undo)))
    figures.append(("redo both", _timed(app, lambda: (window.undo_stack.redo(), window.undo_stack.redo()))))
    return figures


def batch_figure(app, window, scratch, path, diagnose: bool = False, draft: bool = False) -> dict:
    """While an N-job batch runs to its end: the longest stall in ms, the stalls over 50 ms, the
    Run click's own time, seconds, jobs done; with ``diagnose``, the longest stall split into the
    GUI thread's own work, its wait for a CPU and its wait for the interpreter lock. With
    ``draft``, the batch runs in draft mode, and the switch's own time is measured first."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.bench.gui import StallMeter, StallWatch

    window.dirty = False
    window.open_document(path)
    window.set_output_dir(scratch / f"out-{path.stem}")
    settle = QEventLoop()  # the live quotes' walk after the load, as a user would wait for it
    QTimer.singleShot(2000, settle.quit)
    settle.exec()
    switched = None
    if draft:
        switched = _timed(app, lambda: window.draft_mode.set_enabled(True))
        settle = QEventLoop()  # the draft tiers' schemas, if any were not loaded yet
        QTimer.singleShot(2000, settle.quit)
        settle.exec()
    meter = StallMeter()
    watch = StallWatch(meter) if diagnose else None
    loop = QEventLoop()
    ended = []
    # Measured a little past the end too: what the window does as a batch ends is part of the run.
    window.controller.finished.connect(
        lambda _: (ended.append(time.perf_counter()), QTimer.singleShot(1500, loop.quit)))
    meter.start()
    if watch:
        watch.start()
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    window.run_batch()
    click = time.perf_counter() - started
    QTimer.singleShot(3_600_000, loop.quit)
    loop.exec()
    meter.stop()
    if watch:
        watch.stop()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"window_cpu": (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
               "longest": meter.longest * 1000, "over50": sum(1 for gap in meter.gaps if gap > 0.05),
               "click": click * 1000, "seconds": (ended[0] if ended else time.perf_counter()) - started,
               "done": sum(1 for job in window.jobs.rows if job.state == "done"), "draft_switch": switched}
    if watch and watch.stalls:
        _, length, ran, waited = max(watch.stalls, key=lambda stall: stall[1])
        figures["split"] = (length * 1000, ran * 1000, waited * 1000, max(0.0, length - ran - waited) * 1000)
        figures["where"] = "\n".join([watch.longest_stalls(), watch.collection_report(),
                                      watch.report(top=6)])
    return figures


def review_figure(app, window, scratch, outputs: int) -> float:
    from app.bench.gui import open_review_cached, write_review_folder

    folder = scratch / f"reviewed-{outputs}"
    write_review_folder(folder, outputs)
    opened = open_review_cached(app, window, folder, limit=30)
    view = window.review_mode.view
    view.loader.pool.waitForDone()
    app.processEvents()
    return opened


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.bench scalewindow")
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000], help="job-set sizes to open")
    parser.add_argument("--edits", action="store_true", help="bulk edits, totals and undo on each opened set")
    parser.add_argument("--batch", type=int, default=0, metavar="N", help="longest stall while an N-job batch runs")
    parser.add_argument("--speed", type=float, default=1000.0, help="the simulator's speed for --batch")
    parser.add_argument("--draft", action="store_true", help="run --batch in draft mode (the cheapest tiers)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--review", type=int, default=0, metavar="N", help="open the review of N outputs")
    parser.add_argument("--jobset", type=Path, help="open this job set (and run it, with --run) instead of made-up rows")
    parser.add_argument("--run", action="store_true", help="with --jobset: the longest stall while it runs")
    parser.add_argument("--json", action="store_true", help="with --jobset: the figures as one JSON line (for `scale`)")
    parser.add_argument("--diagnose", action="store_true",
                        help="split the batch's longest stall into the GUI thread's work, CPU wait and lock wait")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.setswitchinterval(0.001)  # as app.ui.main does
    from PySide6.QtWidgets import QApplication

    from app.bench.gui import write_jobset
    from app.ui.backend import Backend
    from app.ui.settings import AppSettings, use_scratch_profile
    from app.ui.window import MainWindow

    scratch = use_scratch_profile("batch-studio-scalewindow-")
    app = QApplication([])
    backend = Backend(demo=True, demo_speed=args.speed, demo_cheap_media=True)
    window = MainWindow(AppSettings(), backend)
    window.resize(1400, 860)
    window.show()
    window.settings.concurrency = args.concurrency
    app.processEvents()
    try:
        if args.jobset:
            return _jobset_figures(app, window, scratch, args)
        for rows in args.rows:
            path = scratch / f"rows-{rows}.yaml"
            write_jobset(path, rows)
            loaded = load_figure(app, window, path)
            target = " (target <= 0.7 s)" if rows == 10_000 else " (target <= 3 s)" if rows == 50_000 else ""
            print(f"{rows} rows: load, validate and price {loaded:.2f} s{target}; total {window.costs.summary().total_label()}",
                  flush=True)
            if args.edits:
                for what, seconds in edit_figures(app, window):
                    print(f"  {what}: {seconds:.2f} s", flush=True)
        if args.batch:
            path = scratch / f"batch-{args.batch}.yaml"
            write_jobset(path, args.batch)
            batch = batch_figure(app, window, scratch, path, args.diagnose, args.draft)
            if batch["draft_switch"] is not None:
                print(f"draft mode switched on at {args.batch} rows in {batch['draft_switch']:.2f} s", flush=True)
            print(f"batch of {args.batch} {'draft' if args.draft else 'demo'} jobs (x{args.speed:g}, cheap media, concurrency {args.concurrency}): "
                  f"{batch['done']} done in {batch['seconds']:.1f} s; longest event-loop stall {batch['longest']:.1f} ms "
                  f"(target <= 50 ms), {batch['over50']} stalls over 50 ms; the Run click itself {batch['click']:.1f} ms; "
                  f"the window's process used {batch['window_cpu']:.1f} s of CPU "
                  f"({batch['window_cpu'] / max(1, batch['done']) * 1000:.2f} ms a job)",
                  flush=True)
            if "split" in batch:
                print("  longest stall seen by the watch: {:.0f} ms = {:.0f} ran + {:.0f} waiting for a CPU + {:.0f} "
                      "blocked (the interpreter lock)".format(*batch["split"]), flush=True)
                if batch["where"]:
                    print(batch["where"], flush=True)
        if args.review:
            opened = review_figure(app, window, scratch, args.review)
            print(f"review of {args.review} outputs (thumbnails cached): open {opened:.2f} s (target <= 1 s)", flush=True)
    finally:
        window.dirty = False
        window.shutdown()
        backend.close()
    return 0


def _jobset_figures(app, window, scratch, args) -> int:
    """One given job set: its load time and, with --run, the stalls while it runs."""
    figures = {"window_load_s": load_figure(app, window, args.jobset)}
    if args.run:
        batch = batch_figure(app, window, scratch, args.jobset, args.diagnose)
        figures.update(window_stall_ms=batch["longest"], window_stalls_over_50=batch["over50"],
                       window_click_ms=batch["click"], window_done=batch["done"])
    print(json.dumps(figures) if args.json else figures, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
