"""The main window's chrome: the status bar, the title and which actions are enabled. A mixin
of MainWindow; every change to the list, the batch or the selection ends up here."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel

from app.engine.jobs.spec import chain_stages
from app.engine.atlas.pricing import format_money
from app.ui import theme

# These texts keep the window's translation context, "MainWindow", under which the catalogues hold
# them; lupdate reads each call's literal context. Texts that count (%n) come from the window's
# _text_* methods instead: lupdate reads a count only from self.tr().
translate = QCoreApplication.translate

# A list this long takes milliseconds to count and sum, and a batch changes it many times a second:
# its status bar follows at most this often. A shorter list's follows every change at once.
STATUS_THROTTLE_ROWS = 2000
STATUS_INTERVAL_MS = 250


class WindowStatus:
    """The status bar, the title and which actions are enabled. A mixin of MainWindow, which
    builds what it uses."""

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_jobs = QLabel(self)
        self.status_progress = QLabel(self)
        self.status_total = QLabel(self)
        self.status_spent = QLabel(self)
        self.status_balance = QLabel(self)
        self.status_throttle = QLabel(self)
        theme.accent(self.status_throttle, "attention")
        self.status_throttle.hide()
        self.status_mode = QLabel(self)
        self.status_mode.setObjectName("mode")
        demo = self.backend.demo
        self.status_mode.setText(translate("MainWindow", " DEMO: simulated, nothing billed ") if demo else
                                 translate("MainWindow", " LIVE: Atlas Cloud "))
        self.status_mode.setStyleSheet("background:#ef6c00;color:white;font-weight:bold;border-radius:3px;" if demo
                                       else "background:#2e7d32;color:white;font-weight:bold;border-radius:3px;")
        for label in (self.status_throttle, self.status_jobs, self.status_progress, self.status_total,
                      self.status_spent, self.status_balance):
            bar.addPermanentWidget(label)
        bar.addPermanentWidget(self.status_mode)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self._update_status)
        self._update_status()

    def _status_changed(self, *_) -> None:
        """The list or its totals changed: the status bar follows, throttled for a long list."""
        if len(self.jobs) < STATUS_THROTTLE_ROWS:
            self._update_status()
        elif not self._status_timer.isActive():
            self._status_timer.start()

    def _mark_dirty(self) -> None:
        if not self.dirty:
            self.dirty = True
            self._update_title()

    def _update_title(self, tally=None) -> None:
        name = self.document_path.name if self.document_path else translate("MainWindow", "Untitled")
        progress = ""
        if self.controller.running:
            tally = tally or self.jobs.tally(exact=False)
            progress = translate("MainWindow", "{done}/{total} done · {spent} — ").format(
                done=tally.count("done"), total=len(self.jobs), spent=format_money(tally.spent))
        mode = translate("MainWindow", "Demo") if self.backend.demo else translate("MainWindow", "Live")
        self.setWindowTitle(f"{progress}{name}{'*' if self.dirty else ''} — Batch Studio ({mode})")

    def _update_actions(self) -> None:
        running = self.controller.running
        has_rows = bool(len(self.jobs))
        selected = bool(self.selected_rows()) if hasattr(self, "table") else False
        for action in (self.act_new, self.act_open, self.act_import, self.act_add_image, self.act_add_video):
            action.setEnabled(not running)
        self.act_duplicate.setEnabled(not running and selected)
        self.act_delete.setEnabled(not running and selected)
        self.act_run.setEnabled(not running and has_rows)
        self.act_pause.setEnabled(running)
        self.act_cancel.setEnabled(running)
        self.act_cancel_one.setEnabled(running and selected)
        self.act_retry.setEnabled(not running and self.jobs.tally().count("failed") > 0)  # counted, not walked
        chosen = [self.jobs.rows[r] for r in self.selected_rows()] if hasattr(self, "table") else []
        attention = any(j.state == "needs_attention" for j in chosen)
        for action in (self.act_resubmit, self.act_drop):
            action.setEnabled(not running and attention)
        self.act_check.setEnabled(not running and any(j.state == "needs_attention" and j.prediction_id
                                                      for j in chosen))
        self.act_hold.setEnabled(any(j.state in ("ready", "queued", "invalid") and not j.paused for j in chosen))
        self.act_release.setEnabled(any(j.paused for j in chosen))
        self.act_top.setEnabled(bool(chosen))
        self.act_make_video.setEnabled(not running and any(
            (m := self.backend.catalog.get(j.spec.model)) is not None and not m.is_video for j in chosen))
        self.act_bottom.setEnabled(bool(chosen))
        self.model.editable = not running
        self.act_undo.setEnabled(not running and self.undo_stack.canUndo())
        self.act_redo.setEnabled(not running and self.undo_stack.canRedo())
        undo, redo = self.undo_stack.undoText(), self.undo_stack.redoText()
        self.act_undo.setText(translate("MainWindow", "Undo {change}").format(change=undo) if undo
                              else translate("MainWindow", "Undo"))
        self.act_redo.setText(translate("MainWindow", "Redo {change}").format(change=redo) if redo
                              else translate("MainWindow", "Redo"))

    def _update_status(self, *_) -> None:
        rows = self.jobs.rows
        tally = self.jobs.tally(exact=False)  # kept row by row: this runs on every repaint flush of a batch
        done, failed = tally.count("done"), tally.count("failed", "needs_attention")
        self.status_jobs.setText(self._text_jobs(len(rows)))
        self.status_progress.setText(
            translate("MainWindow", "done {done} · failed {failed}").format(done=done, failed=failed))
        self.status_total.setText(
            translate("MainWindow", "total {cost}").format(
            cost=self.costs.summary(exact=not self.controller.running).total_label()))  # as counted just above
        if hasattr(self, "draft_mode"):  # the status bar is drawn once before the switch exists
            self.draft_mode.show_totals(self.status_total)
        self.status_spent.setText(
            translate("MainWindow", "spent {amount}").format(amount=format_money(tally.spent)))
        self.status_balance.setText(self.balance_text)
        self._update_title(tally)
        self.status_balance.setVisible(bool(self.balance_text))
        # Runs on every repaint flush during a batch: only chained lists pay for stages.
        stages = chain_stages(self.jobs.specs()) if tally.chained else []
        by_stage = ""
        if stages and max(stages) > 1:
            totals: dict[int, Decimal] = {}
            for job, stage in zip(rows, stages):
                totals[stage] = totals.get(stage, Decimal(0)) + (job.cost.amount if job.cost else Decimal(0))
            stage_line = translate("MainWindow", "stage {stage}: {amount}")
            by_stage = "\n" + "\n".join(stage_line.format(stage=n, amount=format_money(a))
                                         for n, a in sorted(totals.items()))
        self.status_total.setToolTip(
            translate("MainWindow", "Output folder: {folder}").format(folder=self.output_dir) + by_stage)
        if hasattr(self, "act_retry"):
            self._update_actions()

