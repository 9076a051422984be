"""The main window: builds the job list, editor, preview, menus and toolbar, and wires them to the
run controller, the cost service and the catalog. What the window does lives by concern in mixins:
window_editing (selection, undo, edits), window_documents (job-set files), window_runs (batches),
window_catalog (models, settings, balance) and window_status (status bar, title, actions)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QDoubleSpinBox, QHeaderView, QLabel, QMainWindow, QMessageBox,
                               QSplitter, QSystemTrayIcon, QTableView)

from app.engine.core.paths import resources_dir
from app.ui.backend import Backend, CatalogUpdater
from app.ui.controller import RunController
from app.ui.costs import CostService
from app.ui.delegates import ProgressDelegate, warm_up
from app.ui.draftmode import DraftMode
from app.ui.editor import JobEditor
from app.ui.joblist import JobList
from app.ui.preview import PreviewPane
from app.ui.promptassist import PromptAssistPanel
from app.ui.recipes import RecipeOpener
from app.ui.recover import RecoverDialog
from app.ui.review.mode import ReviewMode
from app.ui.settings import AppSettings
from app.ui.tablemodel import PROGRESS, JobTableModel
from app.ui.thumbcache import ThumbnailLoader
from app.ui.window_catalog import WindowCatalog
from app.ui.window_documents import WindowDocuments
from app.ui.window_editing import WindowEditing
from app.ui.window_runs import WindowRuns
from app.ui.window_status import WindowStatus

CATALOG_CHECK_MS = 15 * 60 * 1000  # a window left open all day still gets the new models
# Standard keys some platforms leave unbound; every toolbar action must have a shortcut.
FALLBACK_SHORTCUTS = {QKeySequence.StandardKey.Preferences: "Ctrl+,"}


def app_icon() -> QIcon:
    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("batch-studio-*.png")):
        icon.addFile(str(path))
    return icon


class MainWindow(WindowEditing, WindowDocuments, WindowRuns, WindowCatalog, WindowStatus, QMainWindow):
    def __init__(self, settings: AppSettings, backend: Backend, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.backend = backend
        self.jobs = JobList()
        self.model = JobTableModel(self.jobs, self, catalog=backend.catalog)
        self.costs = CostService(self.jobs, backend, self)
        self.catalogs = CatalogUpdater(backend, self)
        self.controller = RunController(self.jobs, backend, self)
        self.thumbnails = ThumbnailLoader(self, threads=1)  # the table's pictures of outputs
        self.document_path: Path | None = None
        self.document_concurrency: int | None = None
        self.document_webhook: str | None = None
        self.output_dir = settings.output_dir
        self.dirty = False
        self.balance_text = ""
        self.pools = [self.controller.pool, self.costs.pool, self.thumbnails.pool, self.catalogs.pool]
        self._load_waiting: tuple[Path, bool, list[str]] | None = None  # a job set that waits for schemas
        self.balance_pool = None
        self.setWindowIcon(app_icon())
        self.tray = QSystemTrayIcon(app_icon(), self) if QSystemTrayIcon.isSystemTrayAvailable() else None
        if self.tray is not None:
            self.tray.setToolTip(self.tr("Batch Studio"))
            self.tray.show()
        # Not a child: a child stack is cleared during the window's own destruction and would
        # call back into a half-destroyed window.
        self.undo_stack = QUndoStack()
        self._shut_down = False
        self._build_views()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        self.review_mode = ReviewMode(self)  # the review shares the centre with the job list
        self.draft_mode = DraftMode(self)  # the toolbar switch; the logic is in draftmode.py
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        geometry = settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._tick_running_rows)
        self._tick.start()
        self._update_title()
        self._update_actions()
        self.refresh_balance()
        # The cached list shows at once; a stale one is replaced when the fetch comes back.
        self.catalogs.refresh_if_stale()
        self._catalog_check = QTimer(self)
        self._catalog_check.setInterval(CATALOG_CHECK_MS)
        self._catalog_check.timeout.connect(self.catalogs.refresh_if_stale)
        self._catalog_check.start()

    # --- construction ----------------------------------------------------------------
    def _build_views(self) -> None:
        self.table = QTableView(self)
        self.table.setObjectName("jobs_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.table.setDragDropOverwriteMode(False)
        progress_delegate = ProgressDelegate(self.table)
        self.table.setItemDelegateForColumn(PROGRESS, progress_delegate)
        warm_up(progress_delegate, self.table)
        self.table.verticalHeader().setDefaultSectionSize(52)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(1, 170)
        self.table.setColumnWidth(2, 120)
        self.table.setColumnWidth(3, 110)
        self.table.setColumnWidth(4, 60)
        self.table.setColumnWidth(5, 130)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.editor = JobEditor(self.backend.catalog, self, schemas=self.catalogs)
        self.preview = PreviewPane(self)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.editor)
        right.addWidget(self.preview)
        right.setSizes([420, 380])
        self.assist = PromptAssistPanel(self)  # prompt help under the editor (app/ui/promptassist.py)
        right.insertWidget(1, self.assist)
        self.pools.append(self.assist.pool)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setSizes([760, 520])
        self.setCentralWidget(self.splitter)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        """``text`` and ``tip`` arrive translated; the tooltip names the shortcut."""
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # Every binding the platform has (Redo is both Ctrl+Y and Ctrl+Shift+Z on Linux);
            # some platforms bind nothing to a standard key (Preferences on X11): use ours.
            sequences = QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_SHORTCUTS.get(shortcut, ""))]
        else:
            sequences = [QKeySequence(shortcut) if shortcut is not None else QKeySequence()]
        action.setShortcuts(sequences)
        tip = tip or text.replace("&", "").rstrip("…")
        shown = sequences[0].toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        self.act_new = self._action(self.tr("New"), self.new_document, key.New)
        self.act_open = self._action(self.tr("Open…"), self.open_document, key.Open)
        self.act_save = self._action(self.tr("Save"), self.save_document, key.Save)
        self.act_save_as = self._action(self.tr("Save As…"), self.save_document_as, key.SaveAs)
        self.act_import = self._action(self.tr("Import…"), self.import_file, "Ctrl+I",
                                       self.tr("Add the jobs of a YAML, JSON or CSV file"))
        self.act_export = self._action(self.tr("Export…"), self.export_file, "Ctrl+E",
                                       self.tr("Write the jobs to another file"))
        self.recipe_opener = RecipeOpener(self)
        self.act_open_recipe = self._action(self.tr("Open recipe…"), self.recipe_opener.ask_and_open, "Ctrl+Alt+G",
                                            self.tr("Get the jobs back from outputs, their recipe files or a "
                                                    "picks.csv"))
        self.act_add_image = self._action(self.tr("Add image"), lambda: self.add_job("Image"), "Ctrl+Shift+I")
        self.act_add_video = self._action(self.tr("Add video"), lambda: self.add_job("Video"), "Ctrl+Shift+V")
        self.act_duplicate = self._action(self.tr("Duplicate"), self.duplicate_selected, "Ctrl+D")
        self.act_delete = self._action(self.tr("Delete"), self.delete_selected, key.Delete)
        self.act_run = self._action(self.tr("Run"), self.run_batch, "Ctrl+R",
                                    self.tr("Run every job that has not finished"))
        self.act_pause = self._action(self.tr("Pause"), self.controller.pause, "Ctrl+P",
                                      self.tr("Submit nothing new; jobs in flight finish. Run resumes."))
        self.act_cancel = self._action(self.tr("Cancel all"), lambda: self.controller.cancel(), "Ctrl+.")
        self.act_cancel_one = self._action(self.tr("Cancel job"), self.cancel_selected, "Ctrl+Shift+.")
        self.act_retry = self._action(self.tr("Retry failed"), self.retry_failed, "Ctrl+Shift+R")
        self.act_output = self._action(self.tr("Output folder…"), self.choose_output_dir, "Ctrl+Alt+O",
                                       self.tr("Where outputs and the manifest go"))
        self.act_open_output = self._action(self.tr("Open output folder"), self.open_output_dir, "Ctrl+Shift+O")
        self.act_show = self._action(self.tr("Show in folder"), self.show_selected_in_folder, "Ctrl+Shift+F")
        self.act_settings = self._action(self.tr("Settings…"), self.open_settings, key.Preferences)
        self.act_reopen = self._action(self.tr("Reopen batch folder…"), self.reopen_folder, "Ctrl+Shift+B",
                                       self.tr("Continue a batch after closing the app or a crash: nothing is "
                                               "paid twice"))
        self.act_hold = self._action(self.tr("Hold back"),
                                     lambda: self._row_action(lambda r: self.controller.hold(r, True)),
                                     "Ctrl+H", self.tr("Do not submit the selected jobs until released"))
        self.act_release = self._action(self.tr("Release"),
                                        lambda: self._row_action(lambda r: self.controller.hold(r, False)),
                                        "Ctrl+Shift+H")
        self.act_top = self._action(self.tr("Move to top"), lambda: self.move_selected("top"), "Ctrl+Home")
        self.act_bottom = self._action(self.tr("Move to bottom"), lambda: self.move_selected("bottom"), "Ctrl+End")
        self.act_check = self._action(self.tr("Check again"),
                                      lambda: self._row_action(lambda r: self.controller.decide(r, "check")),
                                      "Ctrl+Shift+K", self.tr("Poll a job that needs attention again; Run follows it"))
        self.act_resubmit = self._action(self.tr("Resubmit…"), self.resubmit_selected, "Ctrl+Shift+U",
                                         self.tr("Submit a job whose first submit had an unknown outcome (a new "
                                                 "charge)"))
        self.act_make_video = self._action(self.tr("Make a video from this"), self.make_video_from_selected, "Ctrl+M",
                                           self.tr("Add an image-to-video job that starts from the selected image"))
        self.act_drop = self._action(self.tr("Drop"),
                                     lambda: self._row_action(lambda r: self.controller.decide(r, "drop")),
                                     "Ctrl+Shift+Del")
        self.act_recover = self._action(self.tr("Recover from Atlas…"), lambda: RecoverDialog(self).exec(), None,
                                        self.tr("Download generations of this key from Atlas's history"))
        self.act_quit = self._action(self.tr("Quit"), self.close, key.Quit)
        self.act_undo = self._action(self.tr("Undo"), self.undo_stack.undo, key.Undo)
        self.act_redo = self._action(self.tr("Redo"), self.undo_stack.redo, key.Redo)
        self.act_budget = self._action(self.tr("Budget"), self._focus_budget, "Ctrl+B",
                                       self.tr("Set the most this batch may spend"))
        self.addAction(self.act_budget)  # not in a menu, but its shortcut works anywhere in the window
        self.act_choose_model = self._action(self.tr("Choose model…"), self.choose_model, "Ctrl+Shift+M",
                                             self.tr("Browse the catalog's models for the selected jobs"))
        self.act_refresh_catalog = self._action(self.tr("Refresh catalog"), lambda: self.refresh_catalog(True),
                                                "Ctrl+Alt+M", self.tr("Fetch the live model list from Atlas Cloud now"))
        menus = self.menuBar()
        file_menu = menus.addMenu(self.tr("&File"))
        for action in (self.act_new, self.act_open, self.act_save, self.act_save_as, None, self.act_import,
                       self.act_export, self.act_open_recipe, None, self.act_reopen, self.act_recover, None,
                       self.act_quit):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit_menu = menus.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.act_undo)
        edit_menu.addAction(self.act_redo)
        jobs_menu = menus.addMenu(self.tr("&Jobs"))
        for action in (self.act_add_image, self.act_add_video, self.act_make_video, self.act_duplicate,
                       self.act_delete, None,
                       self.act_hold, self.act_release, self.act_top, self.act_bottom, None, self.act_check,
                       self.act_resubmit, self.act_drop, None, self.act_cancel_one, self.act_show):
            jobs_menu.addSeparator() if action is None else jobs_menu.addAction(action)
        run_menu = menus.addMenu(self.tr("&Run"))
        for action in (self.act_run, self.act_pause, self.act_cancel, self.act_retry, None, self.act_output,
                       self.act_open_output):
            run_menu.addSeparator() if action is None else run_menu.addAction(action)
        models_menu = menus.addMenu(self.tr("&Models"))
        models_menu.addAction(self.act_choose_model)
        models_menu.addAction(self.act_refresh_catalog)
        menus.addMenu(self.tr("&Settings")).addAction(self.act_settings)
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main_toolbar")
        for action in (self.act_new, self.act_open, self.act_save, self.act_import, self.act_export, None,
                       self.act_add_image, self.act_add_video, self.act_duplicate, self.act_delete, None,
                       self.act_run, self.act_pause, self.act_cancel, self.act_retry, None, self.act_output,
                       self.act_open_output):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)
        self.budget = QDoubleSpinBox(self)
        budget_label = QLabel(self.tr("  &Budget "), self)
        budget_label.setBuddy(self.budget)
        toolbar.addWidget(budget_label)
        self.budget.setObjectName("budget")
        self.budget.setPrefix("$")
        self.budget.setRange(0, 100000)
        self.budget.setDecimals(2)
        self.budget.setSpecialValueText(self.tr("none"))
        self.budget.setValue(self.settings.budget)
        self.budget.setToolTip(self.tr("Run asks (or refuses, see Settings) when the total is above this; "
                                  "the batch never submits a job that would cross it. ({shortcut})").format(
            shortcut=self.act_budget.shortcut().toString(QKeySequence.SequenceFormat.NativeText)))
        toolbar.addWidget(self.budget)
        toolbar.addSeparator()
        toolbar.addAction(self.act_settings)
        for action in (self.act_make_video, self.act_duplicate, self.act_delete, self.act_hold, self.act_release, self.act_top,
                       self.act_bottom, self.act_check, self.act_resubmit, self.act_drop, self.act_cancel_one,
                       self.act_show):
            self.table.addAction(action)

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._open_row)
        self.editor.name_changed.connect(self._edit_name)
        self.editor.model_changed.connect(self._edit_model)
        self.editor.field_changed.connect(self._edit_field)
        self.editor.subfolder_changed.connect(self._edit_subfolder)
        self.costs.totals_changed.connect(self._status_changed)
        self.costs.quotes_unavailable.connect(
            lambda why: self.statusBar().showMessage(
                self.tr("Live prices unavailable ({reason}); showing estimates.").format(reason=why), 8000))
        self.controller.started.connect(self._update_actions)
        self.controller.started.connect(self._update_title)
        self.controller.finished.connect(self._batch_finished)
        self.controller.halted.connect(self._batch_halted)
        self.controller.job_done.connect(self._job_done)
        self.controller.throttled.connect(self._throttled)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self.model.thumbnail_source = self.thumbnails.pixmap
        self.model.dataChanged.connect(self._status_changed)
        self.model.modelReset.connect(self._status_changed)
        self.model.rowsInserted.connect(self._status_changed)
        self.model.rowsRemoved.connect(self._status_changed)
        self.budget.valueChanged.connect(self._budget_changed)
        self.model.on_move = self._drag_move
        self.undo_stack.indexChanged.connect(self._history_changed)
        self.controller.started.connect(self.undo_stack.clear)
        self.catalogs.changed.connect(self._catalog_changed)
        self.catalogs.problem_changed.connect(self._catalog_problem)
        self.catalogs.busy_changed.connect(self._catalog_busy)
        self.catalogs.schemas_loaded.connect(self._schemas_loaded)
        self.costs.schemas_needed.connect(self.catalogs.ensure_schemas)

    # --- texts that count -----------------------------------------------------------------
    # lupdate reads a count (a plural text) only from self.tr(), and files it under the class it
    # is written in: the mixins' counted texts are written here, in the window's context.
    def _text_jobs(self, count: int) -> str:
        return self.tr("%n job(s)", "", count)

    def _text_models_loading(self, count: int) -> str:
        return self.tr("Loading the inputs of %n model(s) used by {file}…", "", count)

    def _text_template_jobs(self, count: int) -> str:
        return self.tr("{file} has a template that makes %n job(s) ({total} in all), about {amount} (estimate). Add "
                       "them to the list?", "", count)

    def _text_jobs_loading(self, count: int) -> str:
        return self.tr("The inputs of %n job(s) are still loading; press Run again in a moment.", "", count)

    def _text_submit_jobs(self, count: int) -> str:
        return self.tr("Submit %n job(s) to Atlas Cloud for about {total}? Billing happens at submit.", "", count)

    def _text_reopened_jobs(self, count: int) -> str:
        return self.tr("Reopened %n job(s) from {folder}.", "", count)

    def _text_resubmit_jobs(self, count: int) -> str:
        return self.tr("Resubmit %n job(s) for about {total}? If Atlas Cloud did create the earlier attempt, it was "
                       "charged too.", "", count)

    def _thumbnail_ready(self, path: str) -> None:
        self.model.thumbnail_arrived(path)

    def closeEvent(self, event):
        if self.controller.running:
            answer = QMessageBox.question(self, self.tr("A batch is running"), self.tr(
                "Close Batch Studio? Jobs already submitted keep running on Atlas Cloud; reopen this output folder "
                "(File › Reopen batch folder) to download them and continue the queue. Nothing is paid twice."))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.controller.detach()
        if not self._confirm_discard():
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stops every background task before the window goes away (once, however often called)."""
        if self._shut_down:
            return
        self._shut_down = True
        self._tick.stop()
        self.undo_stack.indexChanged.disconnect(self._history_changed)
        self.preview.show_file(None)
        self.preview.video.release()
        self.preview.outputs.thumbnails.wait()
        self.preview.wait()
        self.review_mode.release()
        self.controller.detach()
        for pool in self.pools:
            pool.waitForDone()
        self.controller.close_store()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.sync()
