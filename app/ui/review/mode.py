"""Review mode inside the main window: the job list and the review share the window's centre
(a toggle), File › Review a batch folder… opens any folder, re-rolls run through the window's
run controller, and so do variations (Vary edits a copy in a dialog; a folder with only a
manifest cannot grow its batch, so there the copy goes to the job list instead)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QStackedWidget, QToolBar

from app.ui.review.promoting import Promoter
from app.ui.review.view import ReviewView

REFRESH_DELAY_MS = 400  # finished jobs during a run: one re-read for a burst of them


class ReviewMode(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.view = ReviewView(window.backend, window)
        self.view.budget_source = self._budget
        self.view.can_run = self._can_run
        self.promoter = Promoter(self.view)
        self.stack = QStackedWidget(window)
        self.stack.setObjectName("central_stack")
        jobs = window.takeCentralWidget()
        self.stack.addWidget(jobs)
        self.stack.addWidget(self.view)
        window.setCentralWidget(self.stack)
        self.jobs_widget = jobs
        window.pools.extend([self.view.pool, self.view.loader.pool])

        self.act_toggle = window._action(self.tr("Review"), self.toggle, "Ctrl+G",
                                         self.tr("Switch between the job list and the review of the output folder"))
        self.act_toggle.setCheckable(True)
        self.act_folder = window._action(self.tr("Review a batch folder…"), self.choose_folder, "Ctrl+Alt+R",
                                         self.tr("Pick, compare, re-roll and export the outputs of any batch folder"))
        file_menu = _menu_of(window.act_reopen)
        following = _after(file_menu, window.act_reopen) if file_menu is not None else None
        if following is not None:
            file_menu.insertAction(following, self.act_folder)
        elif file_menu is not None:
            file_menu.addAction(self.act_folder)
        view_menu = QMenu(self.tr("&View"), window)
        view_menu.addAction(self.act_toggle)
        jobs_menu = _menu_of(window.act_add_image)
        if jobs_menu is not None:
            window.menuBar().insertMenu(jobs_menu.menuAction(), view_menu)
        else:
            window.menuBar().addMenu(view_menu)
        toolbar = window.findChild(QToolBar, "main_toolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.act_toggle)

        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_DELAY_MS)
        self._refresh.timeout.connect(self._refresh_if_current)
        window.controller.job_done.connect(lambda _row: self._refresh.start())
        window.controller.finished.connect(lambda _result: self._refresh.start())
        self.view.jobs_added.connect(self.run_added_jobs)
        self.view.vary_requested.connect(self.edit_variation)
        self.view.message.connect(lambda text: window.statusBar().showMessage(text, 10000))

    @property
    def showing(self) -> bool:
        return self.stack.currentWidget() is self.view

    # --- switching -------------------------------------------------------------------
    def toggle(self) -> None:
        self.show_jobs() if self.showing else self.show_review()

    def show_review(self, folder: Path | None = None) -> bool:
        """The review of ``folder`` (else the output folder); re-read when it is already open."""
        folder = Path(folder or self.window.output_dir)
        if self.view.folder is not None and self.view.folder.resolve() == folder.resolve():
            self.view.refresh()
            opened = True
        else:
            opened = self.view.open_folder(folder)
        self.stack.setCurrentWidget(self.view)
        self.act_toggle.setChecked(True)
        self.view.grid.setFocus()
        return opened

    def show_jobs(self) -> None:
        self.view.flush()
        self.stack.setCurrentWidget(self.jobs_widget)
        self.act_toggle.setChecked(False)
        self.window.table.setFocus()

    def choose_folder(self) -> bool:
        chosen = QFileDialog.getExistingDirectory(self.window, self.tr("Review a batch folder"),
                                                  str(self.window.output_dir))
        return bool(chosen) and self.show_review(Path(chosen))

    def _refresh_if_current(self) -> None:
        out_dir = self.window.controller.out_dir
        if self.view.folder is not None and out_dir is not None and self.view.folder.resolve() == out_dir.resolve():
            self.view.refresh()

    # --- re-roll and vary --------------------------------------------------------------
    def _budget(self) -> dict:
        settings, window = self.window.settings, self.window
        return {"max_spend": Decimal(str(window.budget.value())) if window.budget.value() > 0 else None,
                "daily_cap": Decimal(str(settings.daily_cap)) if settings.daily_cap > 0 else None,
                "ledger": window.backend.ledger()}

    def _can_run(self, folder: Path) -> bool:
        """Re-rolls and variations run in the window: not while another batch runs, and the job
        list becomes the folder's batch (unsaved edits are asked about first)."""
        window = self.window
        if window.controller.running:
            QMessageBox.information(window, self.tr("Review"), self.tr(
                "A batch is running. Re-roll or vary when it has finished."))
            return False
        return window._confirm_discard()

    def run_added_jobs(self, folder: Path) -> bool:
        """Runs the jobs a review added to the folder's batch; the finished ones stay as they are."""
        window = self.window
        if window.controller.running:
            return False
        window.output_dir = folder
        window.settings.output_dir = folder
        window.controller.daily_cap = self._budget()["daily_cap"]
        count = window.controller.reopen(folder, window.settings.concurrency, window._limits(),
                                         paused_reason=None, max_spend=self._budget()["max_spend"])
        window.document_path, window.dirty = None, False
        window.undo_stack.clear()
        window.costs.refresh_all()
        window.editor.setEnabled(not window.controller.running)
        window._update_title()
        window._update_actions()
        return count > 0

    def edit_variation(self, planned, item) -> None:
        """For a folder with only a manifest: the copy goes in the job list right after its
        original (or at the end) and the editor shows it; Run runs it as a new job set."""
        window = self.window
        if window.controller.running:
            QMessageBox.information(window, self.tr("Vary"), self.tr(
                "A batch is running. Vary when it has finished."))
            return
        after = next((row for row, job in enumerate(window.jobs.rows) if job.spec.name == item.name), None)
        at = len(window.jobs) if after is None else after + 1
        with window._undoable(self.tr("Vary {name}").format(name=item.name)):
            rows = window.jobs.insert([planned.spec], at)
        window.costs.refresh_rows(rows)
        window._mark_dirty()
        self.show_jobs()
        window.select_rows(rows)
        window.statusBar().showMessage(self.tr("Edit the copy of {name}, then Run.").format(name=item.name), 10000)

    # --- closing ---------------------------------------------------------------------
    def release(self) -> None:
        self._refresh.stop()
        self.view.release()


def _menu_of(action) -> QMenu | None:
    return next((owner for owner in action.associatedObjects() if isinstance(owner, QMenu)), None)


def _after(menu: QMenu, action):
    actions = menu.actions()
    index = actions.index(action)
    return actions[index + 1] if index + 1 < len(actions) else None
