"""The main window's batches: run, retry, cancel, hold, reopen and resubmit, and what the
window says when a batch finishes, halts or is throttled. A mixin of MainWindow."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QSystemTrayIcon

from app.engine.atlas.pricing import format_money
from app.engine.jobs.recipes import RecipePolicy
from app.engine.run.runner import TimeLimits
from app.ui import reasons
from app.ui.dialogs import folder_problem, show_problems
from app.ui.preview import open_with_system, show_in_folder

RUNNABLE_STATES = ("ready", "invalid", "queued", "cancelled")

# These texts keep the window's translation context, "MainWindow", under which the catalogues hold
# them; lupdate reads each call's literal context. Texts that count (%n) come from the window's
# _text_* methods instead: lupdate reads a count only from self.tr().
translate = QCoreApplication.translate


class WindowRuns:
    """Starting, following and ending batches; the run controller's signals arrive here.
    A mixin of MainWindow, which builds what it uses."""

    def choose_output_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Output folder"), str(self.output_dir))
        if folder:
            self.set_output_dir(Path(folder))

    def set_output_dir(self, folder: Path) -> bool:
        problem = folder_problem(folder)
        if problem:
            QMessageBox.warning(self, translate("MainWindow", "Output folder"), problem)
            return False
        self.output_dir = folder
        self.settings.output_dir = folder
        self._update_status()
        return True

    def open_output_dir(self) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output_dir)))

    def run_batch(self, rows: list[int] | None = None) -> bool:
        if self.controller.running:
            return False
        if not self.controller.session_unfinished(self.output_dir) and self.controller.unfinished_in(self.output_dir):
            answer = QMessageBox.question(self, translate("MainWindow", "Unfinished batch in this folder"), translate(
                "MainWindow",
                "{folder} holds a batch that has not finished. Reopen it to continue (nothing is paid twice)? "
                "Choose No to pick another folder.").format(folder=self.output_dir))
            if answer == QMessageBox.StandardButton.Yes:
                self.reopen_folder(self.output_dir)
            return False
        every_row = self.jobs.rows
        if self.controller.session_unfinished(self.output_dir):
            kept = [r for r, job in enumerate(every_row) if job.batch_key and job.state == "queued"]
            rows = kept or rows
        if rows is None:
            rows = [r for r, job in enumerate(every_row) if job.state in RUNNABLE_STATES]
        if not rows:
            QMessageBox.information(self, translate("MainWindow", "Nothing to run"), translate(
                "MainWindow", "Every job has already run. Add or duplicate jobs, or use Retry failed."))
            return False
        # One pass over the chosen rows for their models, problems and total, and schema readiness
        # asked once per model: a click on Run with 50,000 rows stays one short stall.
        models, problem_rows, total = set(), [], Decimal(0)
        for r in rows:
            job = every_row[r]
            models.add(job.spec.model)
            if job.problems:
                problem_rows.append(r)
            if job.cost:
                total += job.cost.amount
        catalog, failures = self.backend.catalog, self.costs.schema_failures
        waiting = {model_id for model_id in models
                   if (model := catalog.get(model_id)) is not None and not model.schema_loaded
                   and model_id not in failures}
        if waiting:
            loading = sum(1 for r in rows if every_row[r].spec.model in waiting)
            self.statusBar().showMessage(self._text_jobs_loading(loading), 8000)
            return False
        # The cost service keeps each row's problems current as the user edits.
        located = translate("MainWindow", 'row {row} "{name}": {problem}')
        problems = [located.format(row=r + 1, name=every_row[r].spec.name, problem=message)
                    for r in problem_rows for message in every_row[r].problems]
        if problems:
            show_problems(self, translate("MainWindow", "Fix these jobs first"),
                          translate("MainWindow", "Nothing was submitted: some jobs are not valid."), problems)
            return False
        if (problem := folder_problem(self.output_dir)) is not None:
            QMessageBox.warning(self, translate("MainWindow", "Output folder"), problem)
            return False
        budget = Decimal(str(self.budget.value())) if self.budget.value() > 0 else None
        if budget is not None and total > budget:
            if self.settings.strict_budget:
                QMessageBox.warning(self, translate("MainWindow", "Over budget"), translate(
                    "MainWindow",
                    "These jobs cost about {total}, above the budget of {budget}. Raise the budget or remove "
                    "jobs.").format(total=format_money(total), budget=format_money(budget)))
                return False
            answer = QMessageBox.question(self, translate("MainWindow", "Over budget"), translate(
                "MainWindow",
                "These jobs cost about {total}, above the budget of {budget}. Run anyway? Jobs stop being submitted "
                "before one would cross the budget.").format(total=format_money(total), budget=format_money(budget)))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        elif not self.backend.demo:
            answer = QMessageBox.question(self, translate("MainWindow", "Run on Atlas Cloud"), self._text_submit_jobs(
                len(rows)).format(total=format_money(total)))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        limits, concurrency = self._limits(), self.document_concurrency or self.settings.concurrency
        self.controller.daily_cap = Decimal(str(self.settings.daily_cap)) if self.settings.daily_cap > 0 else None
        self.controller.resubmit_lost = self.settings.resubmit_lost
        self.controller.webhook_url = self.document_webhook or self.settings.webhook_url or None
        self.controller.executor = self.settings.executor
        self.controller.recipes = RecipePolicy(self.settings.embed_recipes, self.settings.prompts_in_files)
        if self.settings.executor == "celery":
            if self.settings.broker_url:
                os.environ.setdefault("BATCH_STUDIO_BROKER_URL", self.settings.broker_url)
            from app.distributed import config as fleet_config
            from app.distributed.coordination import broker_problem

            if problem := broker_problem(fleet_config.broker_url()):
                QMessageBox.warning(self, translate("MainWindow", "Celery workers"),
                                    problem[0].upper() + problem[1:] + ".")
                return False
        if self.controller.session_unfinished(self.output_dir):
            self.controller.continue_batch(self.output_dir, concurrency, limits, budget)
        else:
            self.controller.prompts_as_written = self.assist.originals_for(
                self.jobs.specs() if self.assist.originals else [])
            self.controller.start(rows, self.output_dir, concurrency, limits, budget)
        self.editor.setEnabled(False)
        self._update_actions()
        return True

    def retry_failed(self) -> None:
        rows = [r for r in (self.selected_rows() or range(len(self.jobs))) if self.jobs.rows[r].state == "failed"]
        if rows:
            self.run_batch(rows)

    def cancel_selected(self) -> None:
        for row in self.selected_rows():
            self.controller.cancel(row)

    def _limits(self) -> TimeLimits:
        return TimeLimits(image=self.settings.image_limit_minutes * 60.0,
                          video=self.settings.video_limit_minutes * 60.0)

    def reopen_folder(self, folder: Path | None = None) -> bool:
        """Shows an output folder's stored batch; what was submitted is followed, not resubmitted."""
        if self.controller.running or not self._confirm_discard():
            return False
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, translate("MainWindow", "Reopen batch folder"),
                                                      str(self.output_dir))
            if not chosen:
                return False
            folder = Path(chosen)
        if not self.controller.unfinished_in(folder) and not (folder / ".batch-studio").exists():
            QMessageBox.information(self, translate("MainWindow", "No batch here"),
                                    translate("MainWindow", "{folder} holds no Batch Studio batch.").format(
                                        folder=folder))
            return False
        self.output_dir = folder
        self.settings.output_dir = folder
        count = self.controller.reopen(folder, self.settings.concurrency, self._limits())
        self.document_path, self.dirty = None, False
        for job in self.jobs.rows:
            if job.output_path:
                self.thumbnails.forget(job.output_path)  # made again when its row is painted
        self.costs.refresh_all()
        self._update_title()
        self.statusBar().showMessage(
            self._text_reopened_jobs(count).format(folder=folder) + " "
            + (translate("MainWindow", "Submitted jobs are being checked; press Run to continue the queue.")
               if self.controller.running else translate("MainWindow", "Every job has finished.")), 15000)
        return True

    def _row_action(self, action) -> None:
        for row in self.selected_rows():
            action(row)
        self._update_actions()

    def resubmit_selected(self) -> None:
        rows = [r for r in self.selected_rows() if self.jobs.rows[r].state == "needs_attention"]
        if not rows:
            return
        total = sum((self.jobs.rows[r].cost.amount for r in rows if self.jobs.rows[r].cost), Decimal(0))
        answer = QMessageBox.question(self, translate("MainWindow", "Resubmit"), self._text_resubmit_jobs(
            len(rows)).format(total=format_money(total)))
        if answer == QMessageBox.StandardButton.Yes:
            for row in rows:
                self.controller.decide(row, "resubmit")

    def _throttled(self, message: str) -> None:
        self.status_throttle.setText(
            translate("MainWindow", "throttled: {reason}").format(reason=reasons.shown(message)))
        self.status_throttle.show()

    def _batch_halted(self, status: str, reason: str) -> None:
        self.statusBar().showMessage(self._batch_line(status, reason), 15000)
        if "401" in reason or "API key" in reason:
            QMessageBox.warning(self, translate("MainWindow", "API key rejected"), reasons.shown(reason) + "\n\n"
                                + translate("MainWindow", "The batch stopped. Enter a valid key, then Run again: jobs "
                                                          "that were not submitted are still queued."))
            self.open_settings()
        elif "402" in reason or "balance" in reason.lower():
            self.refresh_balance()
            QMessageBox.warning(self, translate("MainWindow", "Insufficient balance"), reasons.shown(reason) + "\n\n"
                                + translate("MainWindow", "The batch is paused: nothing new is submitted. {balance} "
                                                          "Top up, then press Run to continue.").format(
                                    balance=self.balance_text))

    def _batch_title(self, status: str) -> str:
        return {"finished": translate("MainWindow", "Batch finished"),
                "paused": translate("MainWindow", "Batch paused"),
                "stopped": translate("MainWindow", "Batch stopped")}.get(status, status)

    def _batch_line(self, status: str, reason: str) -> str:
        return f"{self._batch_title(status)}: {reasons.shown(reason)}"

    def notify(self, title: str, text: str) -> None:
        """A system tray message where there is a tray; the taskbar entry asks for attention anyway."""
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        QApplication.alert(self)

    def _batch_finished(self, result) -> None:
        tally = self.jobs.tally()
        self.notify(self._batch_title(result.status), translate(
            "MainWindow", "{done} done, {failed} failed, {spent} spent. {reason}.").format(
            done=tally.count("done"), failed=tally.count("failed", "needs_attention"), spent=format_money(tally.spent),
            reason=reasons.shown(result.reason)))
        self.status_throttle.hide()
        self.editor.setEnabled(True)
        self._update_actions()
        self._update_status()
        self.refresh_balance()
        self.statusBar().showMessage(self._batch_line(result.status, result.reason) + ". " + translate(
            "MainWindow", "Outputs and manifest.json are in {folder}.").format(folder=self.output_dir), 15000)

    def _job_done(self, row: int) -> None:
        path = self.jobs.rows[row].output_path
        if path:
            self.model.note_output(row)
            self.thumbnails.forget(path)  # made when its row is painted: most of a big batch never is
        # Not selected_rows(): with all of a big list selected, that lists every row per finished job.
        if self.table.selectionModel().isRowSelected(row, QModelIndex()):
            self._selection_changed()

    def _open_row(self, index) -> None:
        path = self.jobs.rows[index.row()].output_path
        if path:
            open_with_system(path)

    def show_selected_in_folder(self) -> None:
        rows = self.selected_rows()
        if rows and self.jobs.rows[rows[0]].output_path:
            show_in_folder(self.jobs.rows[rows[0]].output_path)

    def _tick_running_rows(self) -> None:
        for row in self.jobs.tally(exact=False).active:  # their elapsed time moves; a 50,000-row walk a second stalled
            self.model.row_changed(row)

    def _focus_budget(self) -> None:
        self.budget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.budget.selectAll()

    def _budget_changed(self, value: float) -> None:
        self.settings.budget = value
        self._update_status()

