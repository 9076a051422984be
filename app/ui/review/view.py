"""The review view: a batch folder's outputs as a grid to triage from the keyboard, with
filters, sorting, counts, a large preview, compare, re-roll, vary and export.

Every verdict goes to the folder's store at once (ReviewSession) and into manifest.json a
moment later (debounced) and when the view closes. Work that reads schemas, asks for quotes
or writes many files runs on the view's pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QListView, QMessageBox, QPushButton, QSlider, QStackedWidget, QVBoxLayout, QWidget)

from app.engine.review import picks as engine_picks
from app.engine.review import session as review
from app.engine.review import reroll
from app.engine.review.session import Pick, ReviewError, ReviewOutput, ReviewQuery, ReviewSession
from app.ui.review.compare import MAX_ITEMS, MIN_ITEMS, CompareDialog
from app.ui.review.delegate import TileDelegate
from app.ui.review.largepreview import LargePreview
from app.ui.review.model import ReviewGridModel
from app.ui.thumbcache import ThumbnailLoader
from app.ui.review.varydialog import VaryDialog
from app.ui.tablemodel import STATE_LABELS
from app.ui.tasks import Task

FLUSH_DELAY_MS = 1500
ZOOM_MIN, ZOOM_MAX, ZOOM_DEFAULT = 96, 320, 160
RATING_KEYS = {Qt.Key.Key_1: 1, Qt.Key.Key_2: 2, Qt.Key.Key_3: 3, Qt.Key.Key_4: 4, Qt.Key.Key_5: 5}


class ReviewGrid(QListView):
    """The tiles; it passes the triage keys to the view and keeps the arrows for itself."""

    triage_key = Signal(int)

    TRIAGE = (Qt.Key.Key_P, Qt.Key.Key_X, Qt.Key.Key_U, Qt.Key.Key_0, Qt.Key.Key_Space, Qt.Key.Key_C,
              *RATING_KEYS)

    def __init__(self, loader: ThumbnailLoader, parent=None):
        super().__init__(parent)
        self.loader = loader  # the delegate asks whether a picture failed
        self.setObjectName("review_grid")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.scrub_at: tuple[int, float] | None = None  # (row, 0..1 across the tile) while over a video

    def mouseMoveEvent(self, event):
        """Over a video tile, the mouse's place across it picks a moment of the video (scrubbing)."""
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        output = self.model().output(index) if index.isValid() else None
        previous = self.scrub_at
        if output is not None and output.is_video:
            rect = self.visualRect(index)
            self.scrub_at = (index.row(), max(0.0, min(0.999, (event.position().x() - rect.left()) / rect.width())))
            self.viewport().update(rect)
        else:
            self.scrub_at = None
        if previous is not None and (self.scrub_at is None or previous[0] != self.scrub_at[0]):
            self.viewport().update(self.visualRect(self.model().index(previous[0])))

    def leaveEvent(self, event):
        if self.scrub_at is not None:
            row, self.scrub_at = self.scrub_at[0], None
            self.viewport().update(self.visualRect(self.model().index(row)))
        super().leaveEvent(event)

    def keyPressEvent(self, event):
        if event.key() in self.TRIAGE and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.triage_key.emit(event.key())
            return
        super().keyPressEvent(event)


class ReviewView(QWidget):
    # PlannedJob, ReviewItem: a folder without a job store cannot grow its batch, so the window
    # puts the copy in its job list instead
    vary_requested = Signal(object, object)
    jobs_added = Signal(object)  # the folder whose batch gained queued jobs (re-rolls)
    message = Signal(str)  # a line for the status bar

    def __init__(self, backend, parent=None):
        super().__init__(parent)
        self.setObjectName("review_view")
        self.backend = backend
        self.session: ReviewSession | None = None
        self.query = ReviewQuery()
        # Asked before re-rolling: {"max_spend", "daily_cap", "ledger"} for the folder's budget.
        self.budget_source: Callable[[], dict] = lambda: {}
        # Asked before anything is queued: may the window run new jobs of this folder now?
        self.can_run: Callable[[Path], bool] = lambda folder: True
        # What Compare shows for a selection (promoting.py adds a final's draft beside it).
        self.compare_outputs: Callable[[list], list] = lambda outputs: outputs
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.loader = ThumbnailLoader(self)
        self.model = ReviewGridModel(self.loader, self)
        self.large: LargePreview | None = None
        self.compare: CompareDialog | None = None
        self.vary_dialog: VaryDialog | None = None
        self._busy = False
        self._build()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_DELAY_MS)
        self._flush_timer.timeout.connect(self.flush)

    # --- construction ----------------------------------------------------------------
    def _build(self) -> None:
        self.folder_label = QLabel(self)
        self.folder_label.setObjectName("review_folder")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("review_status_filter")
        self.model_filter = QComboBox(self)
        self.model_filter.setObjectName("review_model_filter")
        self.pick_filter = QComboBox(self)
        self.pick_filter.setObjectName("review_pick_filter")
        self.pick_filter.addItem(self.tr("Any verdict"), None)
        self.pick_filter.addItem(self.tr("Picked"), Pick.PICKED)
        self.pick_filter.addItem(self.tr("Rejected"), Pick.REJECTED)
        self.pick_filter.addItem(self.tr("Unrated"), Pick.UNRATED)
        self.text_filter = QLineEdit(self)
        self.text_filter.setObjectName("review_text_filter")
        self.text_filter.setPlaceholderText(self.tr("Search prompts…"))
        self.text_filter.setClearButtonEnabled(True)
        self.sort = QComboBox(self)
        self.sort.setObjectName("review_sort")
        for key, label in (("order", self.tr("Batch order")), ("model", self.tr("Model")), ("cost", self.tr("Cost")),
                           ("time", self.tr("Finish time"))):
            self.sort.addItem(label, key)
        self.descending = QCheckBox(self.tr("Descending"), self)
        self.zoom = QSlider(Qt.Orientation.Horizontal, self)
        self.zoom.setObjectName("review_zoom")
        self.zoom.setRange(ZOOM_MIN, ZOOM_MAX)
        self.zoom.setValue(ZOOM_DEFAULT)
        self.zoom.setFixedWidth(140)
        self.zoom.setToolTip(self.tr("Tile size"))
        filters = QHBoxLayout()
        for label, widget in ((self.tr("Status"), self.status_filter), (self.tr("Model"), self.model_filter),
                              (self.tr("Verdict"), self.pick_filter)):
            filters.addWidget(QLabel(label, self))
            filters.addWidget(widget)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(QLabel(self.tr("Sort"), self))
        filters.addWidget(self.sort)
        filters.addWidget(self.descending)
        filters.addWidget(QLabel(self.tr("Zoom"), self))
        filters.addWidget(self.zoom)

        self.counts = QLabel(self)
        self.counts.setObjectName("review_counts")
        self.compare_button = QPushButton(self.tr("Compare"), self)
        self.compare_button.setToolTip(self.tr("Two to four selected outputs side by side (C)"))
        self.reroll_button = QPushButton(self.tr("Re-roll…"), self)
        self.reroll_button.setToolTip(self.tr("The same inputs again with a new seed; shows the cost first"))
        self.vary_button = QPushButton(self.tr("Vary…"), self)
        self.vary_button.setToolTip(self.tr("Edit a copy of the selected job; shows the cost, then queues it beside "
                                            "its original"))
        self.export_button = QPushButton(self.tr("Export picks…"), self)
        self.export_button.setToolTip(self.tr("Copy the picked outputs to a folder with picks.csv and a contact "
                                              "sheet"))
        actions = QHBoxLayout()
        actions.addWidget(self.counts, 1)
        for button in (self.compare_button, self.reroll_button, self.vary_button, self.export_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the grid keeps the keyboard
            actions.addWidget(button)

        self.grid = ReviewGrid(self.loader, self)
        self.delegate = TileDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)
        self.grid.setModel(self.model)
        self.placeholder = QLabel(self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.grid)
        self.hint = QLabel(self.tr("Arrows move · Space: large preview · P pick · X reject · U unmark · 1–5 rate · "
                                   "0 no rating · C compare"), self)
        self.hint.setObjectName("review_hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.folder_label)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.hint)
        self._set_tile(ZOOM_DEFAULT)
        self._show_placeholder(self.tr("Run a batch, or choose File › Review a batch folder…"))

        self.grid.triage_key.connect(self._triage_key)
        self.grid.doubleClicked.connect(lambda _index: self.open_large())
        self.grid.selectionModel().selectionChanged.connect(self._update_buttons)
        for combo in (self.status_filter, self.model_filter, self.pick_filter, self.sort):
            combo.currentIndexChanged.connect(self._query_changed)
        self.descending.toggled.connect(self._query_changed)
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(200)  # typing a word filters once, not per letter
        self._text_timer.timeout.connect(self._query_changed)
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())
        self.zoom.valueChanged.connect(self._set_tile)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(0)
        self._prefetch_timer.timeout.connect(self._prefetch)
        self.grid.verticalScrollBar().valueChanged.connect(lambda _value: self._prefetch_timer.start())
        self.compare_button.clicked.connect(self.compare_selected)
        self.reroll_button.clicked.connect(self.reroll_selected)
        self.vary_button.clicked.connect(self.vary_selected)
        self.export_button.clicked.connect(lambda: self.export_picks())
        self._update_buttons()

    def _show_placeholder(self, text: str) -> None:
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def _set_tile(self, tile: int) -> None:
        self.delegate.set_tile(tile)
        self.model.set_tile(tile)
        self.grid.setGridSize(self.delegate.sizeHint(_Option(self.grid), None) + QSize(4, 4))
        self.grid.doItemsLayout()

    def _prefetch(self) -> None:
        """The pictures of the page below (and above) the one on show, so a page scrolled into
        view is painted once, with its pictures, rather than with placeholders first."""
        viewport = self.grid.viewport().rect()
        first, last = self.grid.indexAt(viewport.topLeft()), self.grid.indexAt(viewport.bottomRight())
        if not first.isValid():
            return
        last_row = last.row() if last.isValid() else min(self.model.rowCount() - 1, first.row() + 60)
        page = last_row - first.row() + 1
        rows = list(range(max(0, first.row() - page), first.row())) + \
            list(range(last_row + 1, min(self.model.rowCount(), last_row + 1 + page)))
        for row in rows:
            output = self.model.outputs[row]
            if output.file is not None:
                self.loader.prefetch(output.file, self.model.tile)

    # --- the folder ----------------------------------------------------------------------
    @property
    def folder(self) -> Path | None:
        return self.session.folder if self.session is not None else None

    def open_folder(self, folder: Path) -> bool:
        """Shows a batch folder; a folder that is not one says why in the view (and False)."""
        folder = Path(folder)
        self.close_session()
        try:
            self.session = review.open_folder(folder)
        except ReviewError as exc:
            self.folder_label.setText(str(folder))
            self._show_placeholder(str(exc)[:1].upper() + str(exc)[1:])
            self._update_buttons()
            return False
        self._fill_filters()
        self._apply_query(keep=None)
        self.stack.setCurrentWidget(self.grid)
        self.grid.setFocus()
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0))
        return True

    def refresh(self) -> None:
        """Reads the folder again (jobs finished or were added) and keeps the selection."""
        if self.session is None:
            return
        chosen = {(o.path, o.item.name, o.part) for o in self.selected_outputs()}
        current = self.current_output()
        current_key = (current.path, current.item.name, current.part) if current is not None else None
        try:
            self.session.reload()
        except ReviewError as exc:
            self.message.emit(str(exc))
            return
        self._fill_filters()
        self._apply_query(keep=(chosen, current_key))

    def close_session(self) -> None:
        self._flush_timer.stop()
        if self.vary_dialog is not None:
            self.vary_dialog.reject()  # its copy belongs to the batch that is closing
        if self.large is not None and self.large.isVisible():
            self.large.hide()
        if self.session is not None:
            session, self.session = self.session, None
            self.pool.waitForDone()  # an export or a plan may still read it
            try:
                session.close()
            except (OSError, ReviewError) as exc:
                self.message.emit(str(exc))
        self.loader.forget_pending()
        self.grid.scrub_at = None
        self.model.set_outputs([])

    def flush(self) -> None:
        if self.session is None:
            return
        try:
            self.session.flush()
        except (OSError, ReviewError) as exc:
            self.message.emit(self.tr("The review could not be written to manifest.json: {reason}").format(
                reason=exc))

    def release(self) -> None:
        """Before the window goes: verdicts written, players stopped, pools drained."""
        self.close_session()
        if self.compare is not None:
            self.compare.release()
            self.compare.close()
            self.compare = None
        if self.large is not None:
            self.large.release()
        self.pool.waitForDone()
        self.loader.close()

    # --- filters ---------------------------------------------------------------------
    def _fill_filters(self) -> None:
        session = self.session
        self.folder_label.setText(self.tr("Reviewing {folder} ({source})").format(
            folder=session.folder, source=self.tr("batch {batch}").format(batch=session.batch) if session.has_store
            else self.tr("manifest.json only")))
        for combo, values, everything, label in (
                (self.status_filter, session.statuses(), self.tr("Any status"),
                 lambda s: QCoreApplication.translate("JobTableModel", STATE_LABELS[s]) if s in STATE_LABELS else s),
                (self.model_filter, session.models(), self.tr("Any model"), lambda m: m)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(label(value), value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)

    def _current_query(self) -> ReviewQuery:
        status, model, pick = (self.status_filter.currentData(), self.model_filter.currentData(),
                               self.pick_filter.currentData())
        return ReviewQuery(statuses=frozenset({status}) if status else frozenset(),
                           models=frozenset({model}) if model else frozenset(),
                           picks=frozenset({Pick(pick)}) if pick else frozenset(),
                           text=self.text_filter.text(), sort=self.sort.currentData() or "order",
                           descending=self.descending.isChecked())

    def _query_changed(self, *_) -> None:
        if self.session is None:
            return
        chosen = {(o.path, o.item.name, o.part) for o in self.selected_outputs()}
        self._apply_query(keep=(chosen, None))

    def set_query(self, query: ReviewQuery) -> None:
        """For scripts and tests: the filters as one value (the widgets follow)."""
        for combo, values in ((self.status_filter, query.statuses), (self.model_filter, query.models),
                              (self.pick_filter, {p for p in query.picks})):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(next(iter(values)))) if values else 0)
            combo.blockSignals(False)
        self.sort.blockSignals(True)
        self.sort.setCurrentIndex(max(0, self.sort.findData(query.sort)))
        self.sort.blockSignals(False)
        self.descending.blockSignals(True)
        self.descending.setChecked(query.descending)
        self.descending.blockSignals(False)
        self.text_filter.blockSignals(True)
        self.text_filter.setText(query.text)
        self.text_filter.blockSignals(False)
        self._query_changed()

    def _apply_query(self, keep) -> None:
        self.query = self._current_query()
        self.loader.forget_pending()
        self.grid.scrub_at = None
        shown = self.session.view(self.query)
        self.model.set_outputs(shown)
        if keep is not None:
            chosen, current = keep
            selection = self.grid.selectionModel()
            for row, output in enumerate(shown):
                key = (output.path, output.item.name, output.part)
                if key in chosen:
                    selection.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
                if key == current:
                    selection.setCurrentIndex(self.model.index(row), QItemSelectionModel.SelectionFlag.NoUpdate)
        self._update_counts()
        self._update_buttons()

    def _update_counts(self) -> None:
        if self.session is None:
            self.counts.setText("")
            return
        counts = self.session.counts()
        text = self.tr("{picked} picked · {rejected} rejected · {unrated} unrated").format(
            picked=counts.picked, rejected=counts.rejected, unrated=counts.unrated)
        shown, total = self.model.rowCount(), len(self.session.outputs)
        if shown != total:
            text += " · " + self.tr("showing {shown} of {total}").format(shown=shown, total=total)
        self.counts.setText(text)

    def _update_buttons(self, *_) -> None:
        chosen = self.selected_outputs()
        has_store = self.session is not None and self.session.has_store
        viewable = self.compare_outputs([o for o in chosen if o.reviewable])
        self.compare_button.setEnabled(MIN_ITEMS <= len(viewable) <= MAX_ITEMS)
        self.reroll_button.setEnabled(bool(chosen) and has_store and not self._busy)
        self.vary_button.setEnabled(len({id(o.item) for o in chosen}) == 1 and not self._busy)
        self.export_button.setEnabled(self.session is not None and not self._busy)

    # --- selection -------------------------------------------------------------------
    def selected_outputs(self) -> list[ReviewOutput]:
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        return [self.model.outputs[row] for row in rows if row < len(self.model.outputs)]

    def current_output(self) -> ReviewOutput | None:
        return self.model.output(self.grid.currentIndex())

    def _targets(self) -> list[ReviewOutput]:
        """The selection, else the tile with the keyboard focus."""
        chosen = self.selected_outputs()
        if chosen:
            return chosen
        current = self.current_output()
        return [current] if current is not None else []

    def select_outputs(self, outputs: list[ReviewOutput]) -> None:
        selection = self.grid.selectionModel()
        selection.clearSelection()
        for output in outputs:
            row = self.model.row_of(output)
            if row is not None:
                selection.select(self.model.index(row), QItemSelectionModel.SelectionFlag.Select)
        if outputs and (row := self.model.row_of(outputs[0])) is not None:
            selection.setCurrentIndex(self.model.index(row), QItemSelectionModel.SelectionFlag.NoUpdate)

    # --- triage ----------------------------------------------------------------------
    def _triage_key(self, key: int) -> None:
        if key == Qt.Key.Key_Space:
            self.open_large()
        elif key == Qt.Key.Key_C:
            self.compare_selected()
        elif key == Qt.Key.Key_P:
            self.set_pick(Pick.PICKED)
        elif key == Qt.Key.Key_X:
            self.set_pick(Pick.REJECTED)
        elif key == Qt.Key.Key_U:
            self.set_pick(Pick.UNRATED)
        elif key == Qt.Key.Key_0:
            self.set_rating(None)
        elif key in RATING_KEYS:
            self.set_rating(RATING_KEYS[key])

    def set_pick(self, pick: Pick) -> None:
        self._mark(lambda outputs: self.session.set_pick(outputs, pick))

    def set_rating(self, rating: int | None) -> None:
        self._mark(lambda outputs: self.session.set_rating(outputs, rating))

    def _mark(self, change) -> None:
        outputs = [o for o in self._targets() if o.reviewable]
        if self.session is None or not outputs:
            return
        try:
            change(outputs)
        except Exception as exc:  # noqa: BLE001 - sqlite errors (a full or read-only disk) must not lose the app
            QMessageBox.warning(self, self.tr("Not saved"), self.tr("The verdict could not be saved: {reason}").format(
                reason=exc))
            return
        self.model.outputs_changed(outputs)
        self._update_counts()
        self._flush_timer.start()
        if self.large is not None and self.large.isVisible():
            self._show_large()

    # --- large preview ---------------------------------------------------------------
    def open_large(self) -> None:
        if self.current_output() is None:
            return
        if self.large is None:
            self.large = LargePreview(self)
            self.large.key_pressed.connect(self._large_key)
        self._show_large()

    def _show_large(self) -> None:
        output = self.current_output()
        if output is None:
            return
        verdict = {Pick.PICKED: self.tr("picked"), Pick.REJECTED: self.tr("rejected"),
                   Pick.UNRATED: self.tr("unrated")}[output.pick]
        stars = " " + "★" * output.rating if output.rating else ""
        caption = f"{output.item.name} · {output.item.model} · {verdict}{stars}"
        self.large.show_output(str(output.file) if output.file is not None else None,
                               caption if output.file is not None else
                               self.tr("{name}: no output ({status}).").format(name=output.item.name,
                                                                               status=output.item.status))

    def _large_key(self, key: int, modifiers) -> None:
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.grid.currentIndex().row()
            step = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            row = min(max(row + step, 0), self.model.rowCount() - 1)
            self.grid.setCurrentIndex(self.model.index(row))
            self._show_large()
        elif key in ReviewGrid.TRIAGE and key not in (Qt.Key.Key_Space, Qt.Key.Key_C):
            self.grid.clearSelection()  # in the large preview the verdict is for the output on show
            self.grid.selectionModel().setCurrentIndex(self.grid.currentIndex(),
                                                       QItemSelectionModel.SelectionFlag.Select)
            self._triage_key(key)

    # --- compare ---------------------------------------------------------------------
    def compare_selected(self) -> CompareDialog | None:
        outputs = [o for o in self.compare_outputs(self.selected_outputs()) if o.reviewable and o.file is not None]
        if not MIN_ITEMS <= len(outputs) <= MAX_ITEMS:
            self.message.emit(self.tr("Select two to four outputs to compare them."))
            return None
        if self.compare is not None:
            self.compare.close()
        self.compare = CompareDialog(outputs, self)
        self.compare.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare.destroyed.connect(self._compare_gone)
        self.compare.show()
        return self.compare

    def _compare_gone(self, *_) -> None:
        self.compare = None

    # --- re-roll and vary ------------------------------------------------------------
    def reroll_selected(self) -> bool:
        """Plans re-rolls of the selected jobs on the pool (schemas, live quotes), then asks."""
        session = self.session
        items = list({id(o.item): o.item for o in self._targets()}.values())
        if session is None or not items or self._busy:
            return False
        if not session.has_store:
            QMessageBox.information(self, self.tr("Re-roll"), self.tr(
                "{folder} has only a manifest.json and no job store, so new jobs cannot join its batch.").format(
                folder=session.folder))
            return False
        if not self.can_run(session.folder):
            return False
        budget = session.budget(**self.budget_source())
        catalog, names = self.backend.catalog, session.names()
        self.message.emit(self.tr("Pricing %n re-roll(s)…", "", len(items)))
        self._plan_on_pool(lambda client: reroll.plan_reroll(items, catalog, taken_names=names, budget=budget,
                                                             client=client), self._reroll_planned)
        return True

    def _plan_on_pool(self, work, done) -> None:
        """``work(client)`` on the pool, with a client for live quotes when there is a key
        (else the plan holds estimates); ``done`` gets (ok, plan or the reason)."""
        backend = self.backend

        def plan() -> reroll.Plan:
            client = backend.client() if backend.has_key else None
            try:
                return work(client)
            finally:
                if client is not None:
                    client.close()

        self._busy = True
        self._update_buttons()
        task = Task(lambda: _outcome(plan))
        task.signals.done.connect(done)
        task.signals.failed.connect(self._task_failed)
        self.pool.start(task)

    def _reroll_planned(self, outcome) -> None:
        self._queue_planned(outcome, self.tr("Re-roll"), lambda plan: self.tr(
            "Queue %n re-roll(s) for {total}? They join the batch next to their originals and run now.", "",
            len(plan.jobs)).format(total=plan.total_label()),
            lambda plan: self.tr("%n re-roll(s) queued beside their originals.", "", len(plan.jobs)))

    def _queue_planned(self, outcome, title: str, question, done_text) -> bool:
        """The priced plan: refused over budget, else the cost is asked about, then the jobs
        join the batch and the window runs them. Closing a folder waits for the pool, so the
        open session is the one the plan was made for."""
        session = self.session
        self._busy = False
        self._update_buttons()
        ok, plan = outcome
        if not ok:
            QMessageBox.warning(self, title, plan)
            return False
        if not plan.fits:
            QMessageBox.warning(self, self.tr("Over budget"), plan.problem)
            self.message.emit(plan.problem)
            return False
        note = f"\n\n{plan.note}" if plan.note else ""
        answer = QMessageBox.question(self, title, question(plan) + note)
        if answer != QMessageBox.StandardButton.Yes or session is None or session is not self.session:
            return False
        try:
            reroll.append_to_batch(session, plan, self.backend.catalog)
        except reroll.RerollError as exc:
            QMessageBox.warning(self, title, str(exc))
            return False
        self.refresh()
        added = [o for o in self.model.outputs if o.item.name in {job.spec.name for job in plan.jobs}]
        self.select_outputs(added)
        self.message.emit(done_text(plan))
        self.jobs_added.emit(session.folder)
        return True

    def vary_selected(self) -> VaryDialog | None:
        """Opens the Vary dialog on a copy of the selected job; OK prices it, asks, and queues
        it beside its original. A folder without a job store cannot grow its batch: there the
        copy goes to the job list, to run as a new job set."""
        session = self.session
        items = list({id(o.item): o.item for o in self._targets()}.values())
        if session is None or len(items) != 1 or self._busy:
            return None
        item = items[0]
        planned = reroll.plan_vary(item, taken_names=session.names())
        if not session.has_store:
            self.vary_requested.emit(planned, item)
            return None
        if not self.can_run(session.folder):
            return None
        if self.vary_dialog is not None:
            self.vary_dialog.deleteLater()
        self.vary_dialog = VaryDialog(planned, item, self.backend.catalog, session.names(), self.pool, self)
        self.vary_dialog.accepted.connect(self._vary_accepted)
        self.vary_dialog.open()
        return self.vary_dialog

    def _vary_accepted(self) -> None:
        dialog, session = self.vary_dialog, self.session
        if dialog is None or session is None or self._busy:
            return
        planned = dialog.planned_job()
        budget = session.budget(**self.budget_source())
        catalog = self.backend.catalog
        self.message.emit(self.tr("Pricing the variation {name}…").format(name=planned.spec.name))
        self._plan_on_pool(lambda client: reroll.price_plan([planned], catalog, budget=budget, client=client),
                           self._vary_planned)

    def _vary_planned(self, outcome) -> None:
        self._queue_planned(outcome, self.tr("Vary"), lambda plan: self.tr(
            "Queue the variation {name} for {total}? It joins the batch next to its original and runs now.").format(
            name=plan.jobs[0].spec.name, total=plan.total_label()),
            lambda plan: self.tr("The variation {name} is queued beside its original.").format(
                name=plan.jobs[0].spec.name))

    # --- hand-off --------------------------------------------------------------------
    def export_picks(self, dest: Path | None = None) -> bool:
        session = self.session
        if session is None or self._busy:
            return False
        if not session.picked():
            QMessageBox.information(self, self.tr("Export picks"), self.tr(
                "Nothing is picked yet: select outputs and press P."))
            return False
        if dest is None:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Export picks to"), str(session.folder.parent))
            if not chosen:
                return False
            dest = Path(chosen)
        self.flush()
        self._busy = True
        self._update_buttons()
        self.message.emit(self.tr("Exporting the picks to {dest}…").format(dest=dest))
        task = Task(lambda: _outcome(lambda: engine_picks.export_picks(session, dest)))
        task.signals.done.connect(self._exported)
        task.signals.failed.connect(self._task_failed)
        self.pool.start(task)
        return True

    def _task_failed(self, reason: str) -> None:
        self._busy = False
        self._update_buttons()
        QMessageBox.warning(self, self.tr("Review"), reason)

    def _exported(self, outcome) -> None:
        self._busy = False
        self._update_buttons()
        ok, result = outcome
        if not ok:
            QMessageBox.warning(self, self.tr("Export picks"), result)
            return
        files = ", ".join([result.csv_path.name] + [sheet.name for sheet in result.sheets])
        text = result.summary() + "\n\n" + self.tr("Also written: {files}.").format(files=files)
        self.last_export = result
        self.message.emit(result.summary())
        QMessageBox.information(self, self.tr("Picks exported"), text)


def _outcome(work) -> tuple[bool, object]:
    """(True, result), or (False, the sentence for the user): the engine's errors are expected."""
    try:
        return True, work()
    except (ReviewError, reroll.RerollError, engine_picks.ExportError, OSError) as exc:
        return False, str(exc)
    except Exception as exc:  # noqa: BLE001 - AtlasError and the like: the user reads the reason
        from app.engine.atlas.errors import AtlasError

        if isinstance(exc, AtlasError):
            return False, str(exc)
        raise


class _Option:
    """Enough of a style option for a size hint before the grid has painted."""

    def __init__(self, widget):
        self.font = widget.font()
