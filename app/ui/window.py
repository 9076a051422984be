"""The main window: wires the job list, editor, preview, run controller and cost service."""

from __future__ import annotations

import contextlib
import copy
import os
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QIcon, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDoubleSpinBox, QFileDialog, QHeaderView, QLabel,
                               QMainWindow,
                               QMessageBox, QSplitter, QSystemTrayIcon, QTableView)

from app.engine.jobs import jobset
from app.engine.atlas.catalog import SchemaUnavailable
from app.engine.jobs.spec import JobSpec, chain_stages
from app.engine.atlas.pricing import format_money
from app.engine.run.runner import TimeLimits
from app.engine.core.paths import resources_dir
from app.ui import documents, reasons, theme
from app.ui.backend import Backend, CatalogUpdater
from app.ui.controller import RunController
from app.ui.costs import CostService
from app.ui.delegates import ProgressDelegate, warm_up
from app.ui.dialogs import SettingsDialog, folder_problem, show_problems
from app.ui.editor import JobEditor
from app.ui.joblist import JobList
from app.ui.preview import PreviewPane, open_with_system, show_in_folder
from app.ui.promptassist import PromptAssistPanel
from app.ui.recover import RecoverDialog
from app.ui.review.mode import ReviewMode
from app.ui.settings import AppSettings
from app.ui.tablemodel import PROGRESS, JobTableModel
from app.ui.tasks import Task
from app.ui.thumbnails import ThumbnailLoader
from app.ui.undo import ListChange

DEFAULT_IMAGE_MODEL = "black-forest-labs/flux-2-pro/text-to-image"
DEFAULT_VIDEO_MODEL = "bytedance/seedance-v1.5-pro-fast/text-to-video"
DEFAULT_CHAIN_MODEL = "bytedance/seedance-v1.5-pro-fast/image-to-video"
RUNNABLE_STATES = ("ready", "invalid", "queued", "cancelled")
CATALOG_CHECK_MS = 15 * 60 * 1000  # a window left open all day still gets the new models
# Standard keys some platforms leave unbound; every toolbar action must have a shortcut.
FALLBACK_SHORTCUTS = {QKeySequence.StandardKey.Preferences: "Ctrl+,"}


def app_icon() -> QIcon:
    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("batch-studio-*.png")):
        icon.addFile(str(path))
    return icon


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, backend: Backend, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.backend = backend
        self.jobs = JobList()
        self.model = JobTableModel(self.jobs, self, catalog=backend.catalog)
        self.costs = CostService(self.jobs, backend, self)
        self.catalogs = CatalogUpdater(backend, self)
        self.controller = RunController(self.jobs, backend, self)
        self.thumbnails = ThumbnailLoader(self)
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
                       self.act_export, None, self.act_reopen, self.act_recover, None, self.act_quit):
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
        self.status_mode.setText(self.tr(" DEMO: simulated, nothing billed ") if demo else
                                 self.tr(" LIVE: Atlas Cloud "))
        self.status_mode.setStyleSheet("background:#ef6c00;color:white;font-weight:bold;border-radius:3px;" if demo
                                       else "background:#2e7d32;color:white;font-weight:bold;border-radius:3px;")
        for label in (self.status_throttle, self.status_jobs, self.status_progress, self.status_total,
                      self.status_spent, self.status_balance):
            bar.addPermanentWidget(label)
        bar.addPermanentWidget(self.status_mode)
        self._update_status()

    def _connect(self) -> None:
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(self._open_row)
        self.editor.name_changed.connect(self._edit_name)
        self.editor.model_changed.connect(self._edit_model)
        self.editor.field_changed.connect(self._edit_field)
        self.editor.subfolder_changed.connect(self._edit_subfolder)
        self.costs.totals_changed.connect(lambda _: self._update_status())
        self.costs.quotes_unavailable.connect(
            lambda why: self.statusBar().showMessage(
                self.tr("Live prices unavailable ({reason}); showing estimates.").format(reason=why), 8000))
        self.controller.started.connect(self._update_actions)
        self.controller.started.connect(self._update_title)
        self.controller.finished.connect(self._batch_finished)
        self.controller.halted.connect(self._batch_halted)
        self.controller.job_done.connect(self._job_done)
        self.controller.throttled.connect(self._throttled)
        self.thumbnails.ready.connect(self.model.set_thumbnail)
        self.model.dataChanged.connect(lambda *_: self._update_status())
        self.model.modelReset.connect(self._update_status)
        self.model.rowsInserted.connect(self._update_status)
        self.model.rowsRemoved.connect(self._update_status)
        self.budget.valueChanged.connect(self._budget_changed)
        self.model.on_move = self._drag_move
        self.undo_stack.indexChanged.connect(self._history_changed)
        self.controller.started.connect(self.undo_stack.clear)
        self.catalogs.changed.connect(self._catalog_changed)
        self.catalogs.problem_changed.connect(self._catalog_problem)
        self.catalogs.busy_changed.connect(self._catalog_busy)
        self.catalogs.schemas_loaded.connect(self._schemas_loaded)
        self.costs.schemas_needed.connect(self.catalogs.ensure_schemas)

    # --- selection and editing ---------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def select_rows(self, rows) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0),
                             QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
        if rows:
            self.table.scrollTo(self.model.index(list(rows)[-1], 0))

    def _selection_changed(self, *_) -> None:
        rows = self.selected_rows()
        specs = [self.jobs.rows[r].spec for r in rows]
        problems = self.jobs.rows[rows[0]].problems if len(rows) == 1 else []
        self.editor.show_jobs(specs, problems)
        self.editor.setEnabled(not self.controller.running)
        first = self.jobs.rows[rows[0]] if rows else None
        if first is not None and first.output_path:
            self.preview.show_files(first.output_paths or [first.output_path],
                                    f"{first.spec.name} · {first.spec.model}")
        else:
            self.preview.show_file(None, "" if first is None else
                                   self.tr("{name}: no output yet.").format(name=first.spec.name))
        self._update_actions()

    @contextlib.contextmanager
    def _undoable(self, text: str, merge_key=None):
        before = self.jobs.snapshot()
        yield
        self.undo_stack.push(ListChange(self._restore_rows, text, before, self.jobs.snapshot(), merge_key))

    def _history_changed(self, _index: int) -> None:
        self._update_actions()

    def _restore_rows(self, rows) -> None:
        selected = self.selected_rows()
        self.jobs.restore(rows)
        self.costs.refresh_all()
        self._mark_dirty()
        self.select_rows([r for r in selected if r < len(self.jobs)])

    def _drag_move(self, rows: list[int], destination: int) -> int:
        with self._undoable(self.tr("Move jobs")):
            first = self.jobs.move(rows, destination)
        self._mark_dirty()
        return first

    def _change_selected(self, change, merge_key=None, text: str = "") -> None:
        rows = self.selected_rows()
        with self._undoable(text or self.tr("Edit jobs"), (merge_key, tuple(rows)) if merge_key else None):
            self._apply_to_selected(change, rows)

    def _apply_to_selected(self, change, rows: list[int]) -> None:
        for row in rows:
            spec = copy.deepcopy(self.jobs.rows[row].spec)
            change(spec)
            self.jobs.set_spec(row, spec)
        self.costs.refresh_rows(rows)
        self._mark_dirty()
        if len(rows) == 1:
            self.editor.problems.setText("\n".join(self.jobs.rows[rows[0]].problems))

    def _edit_name(self, text: str) -> None:
        self._change_selected(lambda spec: setattr(spec, "name", text), "name", self.tr("Rename job"))

    def _edit_subfolder(self, text: str) -> None:
        self._change_selected(lambda spec: setattr(spec, "output_subfolder", text.strip() or None), "subfolder",
                              self.tr("Change subfolder"))

    def _edit_field(self, name: str, value) -> None:
        def change(spec: JobSpec) -> None:
            if value is None:
                spec.inputs.pop(name, None)
            else:
                spec.inputs[name] = value
        self._change_selected(change, ("field", name), self.tr("Edit {field}").format(field=name.replace("_", " ")))

    def _edit_model(self, model_id: str) -> None:
        model = self.backend.catalog.get(model_id)

        def change(spec: JobSpec) -> None:
            spec.model = model_id
            # Keep what the new model understands (the prompt, usually); drop the rest.
            spec.inputs = {k: v for k, v in spec.inputs.items() if k in model.properties}
            if not model.image_fields():
                spec.image_from = None  # a model without a start image cannot stay chained
        self._change_selected(change, text=self.tr("Change model"))
        self._selection_changed()

    def add_job(self, kind: str) -> None:
        model_id = DEFAULT_IMAGE_MODEL if kind == "Image" else DEFAULT_VIDEO_MODEL
        selected = self.selected_rows()
        base = self.jobs.rows[selected[-1]].spec if selected else None
        prompt = base.inputs.get("prompt", "") if base else ""
        name = f"{kind.lower()} {len(self.jobs) + 1}"  # a job name is data (file names), not interface text
        with self._undoable(self.tr("Add image job") if kind == "Image" else self.tr("Add video job")):
            rows = self.jobs.insert([JobSpec(name, model_id, {"prompt": prompt} if prompt else {})])
        self.costs.refresh_rows(rows)
        self.select_rows(rows)
        self._mark_dirty()

    def make_video_from_selected(self) -> None:
        """One image-to-video job per selected image job, starting from its output."""
        new_rows = []
        for row in self.selected_rows():
            parent = self.jobs.rows[row]
            model = self.backend.catalog.get(parent.spec.model)
            if model is None or model.is_video:
                continue
            spec = JobSpec(f"{parent.spec.name} video", DEFAULT_CHAIN_MODEL,
                           {"prompt": parent.spec.inputs.get("prompt", "")}, parent.spec.output_subfolder,
                           image_from=parent.spec.name)
            with self._undoable(self.tr("Make a video")):
                new_rows.extend(self.jobs.insert([spec], row + 1 + len(new_rows)))
        if new_rows:
            self.costs.refresh_rows(new_rows)
            self.select_rows(new_rows)
            self._mark_dirty()

    def duplicate_selected(self) -> None:
        with self._undoable(self.tr("Duplicate jobs")):
            rows = self.jobs.duplicate(self.selected_rows())
        self.costs.refresh_rows(rows)
        self.select_rows(rows)
        self._mark_dirty()

    def move_selected(self, where: str) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        if self.controller.running:
            for row in rows:
                self.controller.move(row, where)
            return
        with self._undoable(self.tr("Move jobs to the top") if where == "top" else self.tr("Move jobs to the bottom")):
            first = self.jobs.move(rows, 0 if where == "top" else len(self.jobs))
        self.select_rows(range(first, first + len(rows)))
        self._mark_dirty()

    def delete_selected(self) -> None:
        if self.controller.running:
            return
        with self._undoable(self.tr("Delete jobs")):
            self.jobs.remove(self.selected_rows())
        self.costs.refresh_all()
        self._mark_dirty()

    # --- files -----------------------------------------------------------------------
    def _confirm_discard(self) -> bool:
        if not self.dirty or not len(self.jobs):
            return True
        answer = QMessageBox.question(self, self.tr("Unsaved changes"),
                                      self.tr("Discard the changes to the current job list?"),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def new_document(self) -> None:
        if self.controller.running or not self._confirm_discard():
            return
        self.jobs.replace_all([])
        self.undo_stack.clear()
        self.document_path = None
        self.dirty = False
        self.costs.refresh_all()
        self._update_title()

    def _ask_open_path(self, title: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, title, self.settings.last_folder, documents.file_filter())
        if path:
            self.settings.last_folder = str(Path(path).parent)
        return Path(path) if path else None

    def open_document(self, path: Path | None = None) -> bool:
        if self.controller.running or not self._confirm_discard():
            return False
        path = path or self._ask_open_path(self.tr("Open job set"))
        return bool(path) and self._load(path, replace=True)

    def import_file(self, path: Path | None = None) -> bool:
        if self.controller.running:
            return False
        path = path or self._ask_open_path(self.tr("Import jobs"))
        return bool(path) and self._load(path, replace=False)

    def _schemas_before_reading(self, path: Path) -> list[str]:
        """The models whose schemas reading this file needs (a CSV file's columns, a set's default
        inputs, a template's estimate) and that are not loaded: they load on the pool first, never here.
        Other files open at once; their rows say "loading" until their schemas arrive."""
        catalog = self.backend.catalog
        if all(model.schema_loaded for model in catalog.models.values()):
            return []
        try:
            outline = jobset.load(path, None)
            specs = outline.resolved_jobs(None)
        except (jobset.JobSetError, OSError, ValueError):
            return []  # the real reading reports it
        if path.suffix.lower() != ".csv" and not outline.defaults.get("inputs") and not outline.template_count():
            return []
        return [model_id for model_id in dict.fromkeys(spec.model for spec in specs)
                if (model := catalog.get(model_id)) is not None and not model.schema_loaded]

    def _load(self, path: Path, replace: bool, schemas_ready: bool = False) -> bool:
        waiting = [] if schemas_ready else self._schemas_before_reading(path)
        if waiting:
            self._load_waiting = (path, replace, waiting)
            self.catalogs.ensure_schemas(waiting)
            self.statusBar().showMessage(self.tr("Loading the inputs of %n model(s) used by {file}…", "",
                                                 len(waiting)).format(file=path.name))
            return True
        try:
            loaded = documents.read(path, self.backend.catalog)
        except jobset.JobSetError as exc:
            show_problems(self, self.tr("Cannot open job set"),
                          self.tr("{file} was not loaded; your list is unchanged.").format(file=path.name),
                          exc.messages)
            return False
        except SchemaUnavailable as exc:
            show_problems(self, self.tr("Cannot open job set"),
                          self.tr("{file} was not loaded; your list is unchanged.").format(file=path.name),
                          [str(exc)])
            return False
        if loaded.template_count and not self._confirm_template(path, loaded):
            return False
        if replace:
            self.undo_stack.clear()
            self.jobs.replace_all(loaded.jobs)
            self.document_path = path
            self.document_concurrency = loaded.concurrency
            self.document_webhook = loaded.webhook_url
            self.assist.set_originals(loaded.prompts_as_written)
            if loaded.output_dir is not None and folder_problem(loaded.output_dir) is None:
                self.output_dir = loaded.output_dir
            self.dirty = False
            rows = range(len(self.jobs))
        else:
            with self._undoable(self.tr("Import {file}").format(file=path.name)):
                rows = self.jobs.insert(loaded.jobs)
            self._mark_dirty()
        self.costs.refresh_all()
        if loaded.notices:
            self.statusBar().showMessage(" · ".join(loaded.notices), 15000)
        self.select_rows(list(rows)[:1])
        self._update_title()
        return True

    def _confirm_template(self, path: Path, loaded) -> bool:
        """A template can make thousands of jobs: say how many and what they cost first."""
        estimate = Decimal(0)
        for spec in loaded.jobs:
            model = self.backend.catalog.get(spec.model)
            if model is not None and model.schema_loaded:
                estimate += self.costs.prices.estimate(model, spec.inputs).amount
        answer = QMessageBox.question(self, self.tr("Expand the template"), self.tr(
            "{file} has a template that makes %n job(s) ({total} in all), about {amount} (estimate). Add them to "
            "the list?", "", loaded.template_count).format(file=path.name, total=len(loaded.jobs),
                                                          amount=format_money(estimate)))
        return answer == QMessageBox.StandardButton.Yes

    def save_document(self) -> bool:
        if self.document_path is None:
            return self.save_document_as()
        return self._write(self.document_path, adopt=True)

    def save_document_as(self) -> bool:
        path = self._ask_save_path(self.tr("Save job set"))
        return bool(path) and self._write(path, adopt=True)

    def export_file(self) -> bool:
        path = self._ask_save_path(self.tr("Export jobs"))
        return bool(path) and self._write(path, adopt=False)

    def _ask_save_path(self, title: str) -> Path | None:
        start = str(self.document_path or Path(self.settings.last_folder) / "jobs.yaml")
        path, _ = QFileDialog.getSaveFileName(self, title, start, documents.file_filter())
        if path:
            self.settings.last_folder = str(Path(path).parent)
        return Path(path) if path else None

    def _write(self, path: Path, adopt: bool) -> bool:
        try:
            documents.write(path, self.jobs.specs(), self.output_dir, self.document_concurrency,
                            self.document_webhook, self.assist.originals_for(self.jobs.specs()))
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), self.tr("{path} could not be written: {reason}.").format(
                path=path, reason=exc.strerror or exc))
            return False
        if adopt:
            self.document_path = path
            self.dirty = False
            self._update_title()
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 5000)
        return True

    def dragEnterEvent(self, event):
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.toLocalFile().lower().endswith(documents.JOBSET_SUFFIXES) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event):
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if path.lower().endswith(documents.JOBSET_SUFFIXES):
                self.import_file(Path(path))
        event.acceptProposedAction()

    # --- running ---------------------------------------------------------------------
    def choose_output_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Output folder"), str(self.output_dir))
        if folder:
            self.set_output_dir(Path(folder))

    def set_output_dir(self, folder: Path) -> bool:
        problem = folder_problem(folder)
        if problem:
            QMessageBox.warning(self, self.tr("Output folder"), problem)
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
            answer = QMessageBox.question(self, self.tr("Unfinished batch in this folder"), self.tr(
                "{folder} holds a batch that has not finished. Reopen it to continue (nothing is paid twice)? "
                "Choose No to pick another folder.").format(folder=self.output_dir))
            if answer == QMessageBox.StandardButton.Yes:
                self.reopen_folder(self.output_dir)
            return False
        if rows is None:
            rows = [r for r, job in enumerate(self.jobs.rows) if job.state in RUNNABLE_STATES]
        if self.controller.session_unfinished(self.output_dir):
            rows = [r for r, job in enumerate(self.jobs.rows) if job.batch_key and job.state == "queued"] or rows
        if not rows:
            QMessageBox.information(self, self.tr("Nothing to run"), self.tr(
                "Every job has already run. Add or duplicate jobs, or use Retry failed."))
            return False
        loading = [r for r in rows if (model := self.backend.catalog.get(self.jobs.rows[r].spec.model)) is not None
                   and not model.schema_loaded and model.model_id not in self.costs.schema_failures]
        if loading:
            self.statusBar().showMessage(self.tr(
                "The inputs of %n job(s) are still loading; press Run again in a moment.", "", len(loading)), 8000)
            return False
        # The cost service keeps each row's problems current as the user edits.
        located = self.tr('row {row} "{name}": {problem}')
        problems = [located.format(row=r + 1, name=self.jobs.rows[r].spec.name, problem=message)
                    for r in rows for message in self.jobs.rows[r].problems]
        if problems:
            show_problems(self, self.tr("Fix these jobs first"),
                          self.tr("Nothing was submitted: some jobs are not valid."), problems)
            return False
        if (problem := folder_problem(self.output_dir)) is not None:
            QMessageBox.warning(self, self.tr("Output folder"), problem)
            return False
        total = sum((self.jobs.rows[r].cost.amount for r in rows if self.jobs.rows[r].cost), Decimal(0))
        budget = Decimal(str(self.budget.value())) if self.budget.value() > 0 else None
        if budget is not None and total > budget:
            if self.settings.strict_budget:
                QMessageBox.warning(self, self.tr("Over budget"), self.tr(
                    "These jobs cost about {total}, above the budget of {budget}. Raise the budget or remove "
                    "jobs.").format(total=format_money(total), budget=format_money(budget)))
                return False
            answer = QMessageBox.question(self, self.tr("Over budget"), self.tr(
                "These jobs cost about {total}, above the budget of {budget}. Run anyway? Jobs stop being submitted "
                "before one would cross the budget.").format(total=format_money(total), budget=format_money(budget)))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        elif not self.backend.demo:
            answer = QMessageBox.question(self, self.tr("Run on Atlas Cloud"), self.tr(
                "Submit %n job(s) to Atlas Cloud for about {total}? Billing happens at submit.", "",
                len(rows)).format(total=format_money(total)))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        limits, concurrency = self._limits(), self.document_concurrency or self.settings.concurrency
        self.controller.daily_cap = Decimal(str(self.settings.daily_cap)) if self.settings.daily_cap > 0 else None
        self.controller.resubmit_lost = self.settings.resubmit_lost
        self.controller.webhook_url = self.document_webhook or self.settings.webhook_url or None
        self.controller.executor = self.settings.executor
        if self.settings.executor == "celery":
            if self.settings.broker_url:
                os.environ.setdefault("BATCH_STUDIO_BROKER_URL", self.settings.broker_url)
            from app.distributed import config as fleet_config
            from app.distributed.coordination import broker_problem

            if problem := broker_problem(fleet_config.broker_url()):
                QMessageBox.warning(self, self.tr("Celery workers"), problem[0].upper() + problem[1:] + ".")
                return False
        if self.controller.session_unfinished(self.output_dir):
            self.controller.continue_batch(self.output_dir, concurrency, limits, budget)
        else:
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
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Reopen batch folder"), str(self.output_dir))
            if not chosen:
                return False
            folder = Path(chosen)
        if not self.controller.unfinished_in(folder) and not (folder / ".batch-studio").exists():
            QMessageBox.information(self, self.tr("No batch here"),
                                    self.tr("{folder} holds no Batch Studio batch.").format(folder=folder))
            return False
        self.output_dir = folder
        self.settings.output_dir = folder
        count = self.controller.reopen(folder, self.settings.concurrency, self._limits())
        self.document_path, self.dirty = None, False
        for row, job in enumerate(self.jobs.rows):
            if job.output_path:
                self.thumbnails.request(job.output_path)
        self.costs.refresh_all()
        self._update_title()
        self.statusBar().showMessage(
            self.tr("Reopened %n job(s) from {folder}.", "", count).format(folder=folder) + " "
            + (self.tr("Submitted jobs are being checked; press Run to continue the queue.")
               if self.controller.running else self.tr("Every job has finished.")), 15000)
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
        answer = QMessageBox.question(self, self.tr("Resubmit"), self.tr(
            "Resubmit %n job(s) for about {total}? If Atlas Cloud did create the earlier attempt, it was charged "
            "too.", "", len(rows)).format(total=format_money(total)))
        if answer == QMessageBox.StandardButton.Yes:
            for row in rows:
                self.controller.decide(row, "resubmit")

    def _throttled(self, message: str) -> None:
        self.status_throttle.setText(self.tr("throttled: {reason}").format(reason=reasons.shown(message)))
        self.status_throttle.show()

    def _batch_halted(self, status: str, reason: str) -> None:
        self.statusBar().showMessage(self._batch_line(status, reason), 15000)
        if "401" in reason or "API key" in reason:
            QMessageBox.warning(self, self.tr("API key rejected"), reasons.shown(reason) + "\n\n" + self.tr(
                "The batch stopped. Enter a valid key, then Run again: jobs that were not submitted are still "
                "queued."))
            self.open_settings()
        elif "402" in reason or "balance" in reason.lower():
            self.refresh_balance()
            QMessageBox.warning(self, self.tr("Insufficient balance"), reasons.shown(reason) + "\n\n" + self.tr(
                "The batch is paused: nothing new is submitted. {balance} Top up, then press Run to "
                "continue.").format(balance=self.balance_text))

    def _batch_title(self, status: str) -> str:
        return {"finished": self.tr("Batch finished"), "paused": self.tr("Batch paused"),
                "stopped": self.tr("Batch stopped")}.get(status, status)

    def _batch_line(self, status: str, reason: str) -> str:
        return f"{self._batch_title(status)}: {reasons.shown(reason)}"

    def notify(self, title: str, text: str) -> None:
        """A system tray message where there is a tray; the taskbar entry asks for attention anyway."""
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        QApplication.alert(self)

    def _batch_finished(self, result) -> None:
        done = sum(1 for j in self.jobs.rows if j.state == "done")
        failed = sum(1 for j in self.jobs.rows if j.state in ("failed", "needs_attention"))
        self.notify(self._batch_title(result.status), self.tr(
            "{done} done, {failed} failed, {spent} spent. {reason}.").format(
            done=done, failed=failed, spent=format_money(self.jobs.spent()), reason=reasons.shown(result.reason)))
        self.status_throttle.hide()
        self.editor.setEnabled(True)
        self._update_actions()
        self._update_status()
        self.refresh_balance()
        self.statusBar().showMessage(self._batch_line(result.status, result.reason) + ". " + self.tr(
            "Outputs and manifest.json are in {folder}.").format(folder=self.output_dir), 15000)

    def _job_done(self, row: int) -> None:
        path = self.jobs.rows[row].output_path
        if path:
            self.thumbnails.request(path)
        if row in self.selected_rows():
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
        for row, job in enumerate(self.jobs.rows):
            if job.is_active:
                self.model.row_changed(row)

    def _focus_budget(self) -> None:
        self.budget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.budget.selectAll()

    def _budget_changed(self, value: float) -> None:
        self.settings.budget = value
        self._update_status()

    # --- the catalog ---------------------------------------------------------------------
    def choose_model(self) -> None:
        if self.editor.picker.isEnabled():
            self.editor.picker.open_browser()

    def refresh_catalog(self, force: bool = True) -> bool:
        started = self.catalogs.refresh(force)
        if started:
            self.statusBar().showMessage(self.tr("Fetching the model list…"))
        elif self.backend.demo:
            self.statusBar().showMessage(self.tr("Demo mode uses the simulator's models; there is nothing to "
                                                 "refresh."), 8000)
        return started

    def _catalog_busy(self, busy: bool) -> None:
        self.act_refresh_catalog.setEnabled(not busy)

    def _catalog_changed(self, catalog) -> None:
        """Every view moves to the new catalog together; a job whose model is gone becomes invalid."""
        self.model.catalog = catalog
        self.editor.set_catalog(catalog, catalog.problem)
        self.costs.schema_failures.clear()
        self.costs.refresh_all()
        if self._load_waiting is not None:
            self.catalogs.ensure_schemas(self._load_waiting[2])
        self._selection_changed()

    def _catalog_problem(self, problem: str) -> None:
        catalog = self.backend.catalog
        self.editor.picker.set_catalog(catalog, problem or None)
        if problem:
            self.statusBar().showMessage(problem[:1].upper() + problem[1:], 15000)
        else:
            self.statusBar().showMessage(self.tr("Model list: {source}.").format(source=catalog.describe()), 8000)

    def _schemas_loaded(self, model_ids, failures: dict) -> None:
        self.costs.schemas_arrived(model_ids, failures)
        if self._load_waiting is not None:
            path, replace, waiting = self._load_waiting
            if not any(self.catalogs.is_loading(model_id) for model_id in waiting):
                self._load_waiting = None
                unavailable = [self.costs.schema_failures[m] for m in waiting if m in self.costs.schema_failures]
                if unavailable:  # reading now would fetch them again, here on the GUI thread
                    show_problems(self, self.tr("Cannot open job set"),
                                  self.tr("{file} was not loaded; your list is unchanged.").format(file=path.name),
                                  unavailable)
                else:
                    self._load(path, replace, schemas_ready=True)

    # --- settings and balance ----------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.output_dir = self.settings.output_dir
            self._update_status()
            if dialog.key_changed or self.settings.demo_mode != self.backend.demo:
                QMessageBox.information(self, self.tr("Settings saved"), self.tr(
                    "Restart Batch Studio to switch between Demo and Live mode."))
            elif dialog.language_changed:
                QMessageBox.information(self, self.tr("Settings saved"), self.tr(
                    "The new language applies when Batch Studio starts again."))
            if dialog.theme_changed:
                theme.apply(QApplication.instance(), self.settings.theme)

    def refresh_balance(self) -> None:
        if not self.backend.has_key:
            self.balance_text = ""
            self._update_status()
            return
        backend = self.backend

        def fetch():
            client = backend.client()
            try:
                return client.balance()
            finally:
                client.close()

        task = Task(fetch)
        task.signals.done.connect(self._show_balance)
        self.costs.pool.start(task)

    def _show_balance(self, amount) -> None:
        label = self.tr("Demo balance {amount}.") if self.backend.demo else self.tr("Balance {amount}.")
        self.balance_text = label.format(amount=format_money(amount))
        self._update_status()

    # --- chrome ----------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        if not self.dirty:
            self.dirty = True
            self._update_title()

    def _update_title(self) -> None:
        name = self.document_path.name if self.document_path else self.tr("Untitled")
        progress = ""
        if self.controller.running:
            done = sum(1 for j in self.jobs.rows if j.state == "done")
            progress = self.tr("{done}/{total} done · {spent} — ").format(done=done, total=len(self.jobs),
                                                                          spent=format_money(self.jobs.spent()))
        mode = self.tr("Demo") if self.backend.demo else self.tr("Live")
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
        self.act_retry.setEnabled(not running and any(j.state == "failed" for j in self.jobs.rows))
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
        self.act_undo.setText(self.tr("Undo {change}").format(change=undo) if undo else self.tr("Undo"))
        self.act_redo.setText(self.tr("Redo {change}").format(change=redo) if redo else self.tr("Redo"))

    def _update_status(self, *_) -> None:
        rows = self.jobs.rows
        done = sum(1 for j in rows if j.state == "done")
        failed = sum(1 for j in rows if j.state in ("failed", "needs_attention"))
        self.status_jobs.setText(self.tr("%n job(s)", "", len(rows)))
        self.status_progress.setText(self.tr("done {done} · failed {failed}").format(done=done, failed=failed))
        self.status_total.setText(self.tr("total {cost}").format(cost=self.costs.summary().total_label()))
        self.status_spent.setText(self.tr("spent {amount}").format(amount=format_money(self.jobs.spent())))
        self.status_balance.setText(self.balance_text)
        self._update_title()
        self.status_balance.setVisible(bool(self.balance_text))
        # Runs on every repaint flush during a batch: only chained lists pay for stages.
        stages = chain_stages(self.jobs.specs()) if any(job.spec.image_from for job in rows) else []
        by_stage = ""
        if stages and max(stages) > 1:
            totals: dict[int, Decimal] = {}
            for job, stage in zip(rows, stages):
                totals[stage] = totals.get(stage, Decimal(0)) + (job.cost.amount if job.cost else Decimal(0))
            stage_line = self.tr("stage {stage}: {amount}")
            by_stage = "\n" + "\n".join(stage_line.format(stage=n, amount=format_money(a))
                                         for n, a in sorted(totals.items()))
        self.status_total.setToolTip(self.tr("Output folder: {folder}").format(folder=self.output_dir) + by_stage)
        if hasattr(self, "act_retry"):
            self._update_actions()

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
