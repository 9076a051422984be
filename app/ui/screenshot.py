"""python -m app.ui.screenshot OUT.png: the app after a finished demo batch, a video playing
(or, with ``--view review``, the review of that batch with a few picks and rejects; with
``--view promote``, a draft beside the final promoted from it: use the draft example,
``--jobset resources/examples/draft-explore.yaml``; with ``--view recipe``, File › Open recipe…
run on some of its outputs and an A1111 picture).

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

from app.engine.core.paths import resources_dir

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
    parser.add_argument("--jobset", type=Path, default=resources_dir() / "examples" / "weekly-social-pack.yaml")
    parser.add_argument("--language", choices=["en", "ko"], default="en", help="interface language (default en)")
    parser.add_argument("--theme", choices=["light", "dark"], default="light", help="palette (default light)")
    parser.add_argument("--view", choices=["jobs", "review", "promote", "recipe", "assist"], default="jobs",
                        help="the job list with a video playing, the review grid, a draft and its final "
                             "compared, jobs restored from their outputs' recipes, or prompt help translating "
                             "Korean prompts (default jobs)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("BATCH_STUDIO_SCREENSHOT_CHILD"):
        return _reexec_under_xvfb(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui import i18n, theme
    from app.ui.autopilot import Autopilot
    from app.ui.backend import Backend
    from app.ui.settings import AppSettings, use_scratch_profile
    from app.ui.window import MainWindow

    scratch = use_scratch_profile("batch-studio-shot-")
    app = QApplication([sys.argv[0]])
    i18n.install(args.language)
    theme.apply(app, args.theme)
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

    def review_then_capture() -> None:
        """The batch's review with a few verdicts, captured once every tile has its picture."""
        window.review_mode.show_review(window.output_dir)
        view = window.review_mode.view
        outputs = [o for o in view.model.outputs if o.reviewable]
        from app.engine.review.session import Pick

        view.session.set_pick(outputs[0:5:2], Pick.PICKED)
        view.session.set_rating(outputs[0:1], 5)
        view.session.set_rating(outputs[2:3], 4)
        view.session.set_pick(outputs[1:2] + outputs[5:6], Pick.REJECTED)
        view.refresh()
        view.select_outputs(outputs[2:3])
        waited = {"ms": 0}

        def wait_for_pictures() -> None:
            loaded = all(view.loader.has(o.file, view.model.tile) for o in outputs[:12])
            if loaded or waited["ms"] > 15000:
                QTimer.singleShot(300, capture)
            else:
                waited["ms"] += 100
                QTimer.singleShot(100, wait_for_pictures)

        wait_for_pictures()

    def promote_then_compare() -> None:
        """The first picture promoted to its final (as Promote does, without the question),
        then the draft and the final side by side once the final has run."""
        from app.engine.review.session.promote import plan_promote
        from app.engine.review.reroll import append_to_batch

        window.review_mode.show_review(window.output_dir)
        view = window.review_mode.view
        draft = next(o for o in view.model.outputs if o.reviewable and not o.is_video)
        plan = plan_promote(view.session, [draft.item], backend.catalog, window.review_mode.promoter.ladders()).plan
        append_to_batch(view.session, plan, backend.catalog)
        window.controller.finished.connect(lambda _result: QTimer.singleShot(1500, compare_final))
        window.review_mode.run_added_jobs(window.output_dir)

    def compare_final() -> None:
        window.review_mode.show_review(window.output_dir)
        view = window.review_mode.view
        final = next(o for o in view.model.outputs if o.item.link is not None and o.file is not None)
        view.select_outputs([final])
        dialog = view.compare_selected()
        if dialog is None:
            return fail("the final could not be compared with its draft")
        dialog.resize(1200, 700)
        dialog.move(120, 100)
        QTimer.singleShot(1500, lambda: capture(dialog))

    def capture(target=None) -> None:
        frame = (target or window).frameGeometry()
        shot = app.primaryScreen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        args.output.parent.mkdir(parents=True, exist_ok=True)
        if shot.save(str(args.output)):
            print(f"saved {args.output} ({shot.width()}x{shot.height()})")
            result["code"] = 0
        app.quit()

    def recipe_then_capture() -> None:
        """A new list, then the recipes of a few outputs and of a picture another tool made."""
        from PIL import Image
        from PIL.PngImagePlugin import PngInfo

        outputs = sorted((window.output_dir / "images").glob("*.png"))[:3] + \
            sorted((window.output_dir / "videos").glob("*.mp4"))[:1]
        other = scratch / "lighthouse-a1111.png"
        info = PngInfo()
        info.add_text("parameters", "a lighthouse at dusk, oil painting\nNegative prompt: blurry, text\n"
                                    "Steps: 30, Sampler: DPM++ 2M Karras, Seed: 1234567, Size: 768x512, "
                                    "Model: v1-5-pruned-emaonly, Version: v1.9.4")
        Image.new("RGB", (768, 512), (40, 60, 90)).save(other, pnginfo=info)
        window.jobs.replace_all([])
        window.dirty = False
        opener = window.recipe_opener
        opener.choose_model = lambda count: opener.DEFAULT_MODEL

        def restored(rows) -> None:
            window.select_rows([rows[-1]])  # the editor shows what came over from the other tool
            if opener.notes_box is not None:  # below the restored rows, clear of the editor
                from PySide6.QtCore import QPoint
                opener.notes_box.move(window.mapToGlobal(QPoint(40, 420)))
            QTimer.singleShot(1500, capture)
        opener.restored.connect(restored)
        opener.open(outputs + [other])

    def assist_then_capture() -> None:
        """Prompt help translating the example's Korean and Japanese prompts, the original shown."""
        from app.ui.promptassist import capture_after_translating

        capture_after_translating(window, capture)

    if args.view == "assist":
        if args.jobset == parser.get_default("jobset"):
            args.jobset = resources_dir() / "examples" / "korean-prompts.yaml"
        window.open_document(args.jobset)
        QTimer.singleShot(500, assist_then_capture)
    else:
        then = {"review": review_then_capture, "promote": promote_then_compare, "recipe": recipe_then_capture}
        Autopilot(window, then.get(args.view, capture), fail)
    app.exec()
    window.shutdown()
    backend.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
