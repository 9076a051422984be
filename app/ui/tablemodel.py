"""A thin QAbstractTableModel over JobList, with coalesced repaints."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QAbstractTableModel, QByteArray, QCoreApplication, QMimeData,
                            QModelIndex, Qt, QTimer)
from PySide6.QtGui import QBrush, QColor, QPixmap

from app.ui import reasons, theme
from app.ui.joblist import HELD_MESSAGE, JobList

COLUMNS = (QT_TRANSLATE_NOOP("JobTableModel", "Name"), QT_TRANSLATE_NOOP("JobTableModel", "Model"),
           QT_TRANSLATE_NOOP("JobTableModel", "Status"), QT_TRANSLATE_NOOP("JobTableModel", "Progress"),
           QT_TRANSLATE_NOOP("JobTableModel", "Elapsed"), QT_TRANSLATE_NOOP("JobTableModel", "Cost"))
NAME, MODEL, STATUS, PROGRESS, ELAPSED, COST = range(len(COLUMNS))
ROWS_MIME = "application/x-batch-studio-rows"
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1
# Every state a row can show: the app's own (ready, invalid) and the engine's JobState values.
STATE_LABELS = {
    "ready": QT_TRANSLATE_NOOP("JobTableModel", "ready"),
    "invalid": QT_TRANSLATE_NOOP("JobTableModel", "invalid"),
    "queued": QT_TRANSLATE_NOOP("JobTableModel", "queued"),
    "submitting": QT_TRANSLATE_NOOP("JobTableModel", "submitting"),
    "submitted": QT_TRANSLATE_NOOP("JobTableModel", "submitted"),
    "running": QT_TRANSLATE_NOOP("JobTableModel", "running"),
    "downloading": QT_TRANSLATE_NOOP("JobTableModel", "downloading"),
    "done": QT_TRANSLATE_NOOP("JobTableModel", "done"),
    "failed": QT_TRANSLATE_NOOP("JobTableModel", "failed"),
    "cancelled": QT_TRANSLATE_NOOP("JobTableModel", "cancelled"),
    "needs_attention": QT_TRANSLATE_NOOP("JobTableModel", "needs attention"),
}


def format_elapsed(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


_COLUMN_COUNT = len(COLUMNS)


class JobTableModel(QAbstractTableModel):
    def __init__(self, jobs: JobList, parent=None, repaint_interval_ms: int = 100, catalog=None):
        super().__init__(parent)
        self.jobs = jobs
        self.catalog = catalog
        jobs.listener = self
        self.thumbnails: dict[str, QPixmap] = {}  # given by set_thumbnail when there is no source
        # The window's thumbnail loader: asked for a row's picture only when the row is painted,
        # so a 50,000-job batch makes the few on screen, not one per finished job.
        self.thumbnail_source: Callable[[str], QPixmap | None] | None = None
        self._rows_of_output: dict[str, tuple[int, ...]] = {}  # a hint, checked before use
        self._dirty: set[int] = set()
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(repaint_interval_ms)
        self._repaint.timeout.connect(self.flush)
        self.editable = True
        # Translated once: data() runs for every visible cell on every repaint.
        self._columns = [QCoreApplication.translate("JobTableModel", title) for title in COLUMNS]
        self._states = {state: QCoreApplication.translate("JobTableModel", label)
                        for state, label in STATE_LABELS.items()}
        self._retrying = QCoreApplication.translate("JobTableModel", "{state} (retrying…)")
        self._held = QCoreApplication.translate("JobTableModel", "held back: not submitted until released")
        # The window routes drag moves through its undo history.
        self.on_move = None
        # Draft mode's cost column (app/ui/draftmode.py): a row's text, or None for the usual one.
        self.cost_text = None

    # --- the JobList listener --------------------------------------------------------
    def begin_insert(self, first, last):
        self.beginInsertRows(QModelIndex(), first, last)

    def end_insert(self):
        self.endInsertRows()

    def begin_remove(self, first, last):
        self.beginRemoveRows(QModelIndex(), first, last)

    def end_remove(self):
        self._dirty.clear()
        self.endRemoveRows()

    def begin_reset(self):
        self.beginResetModel()

    def end_reset(self):
        self._dirty.clear()
        self.endResetModel()

    def row_changed(self, row: int) -> None:
        # Many events a second arrive during a big batch; repaint them together.
        self._dirty.add(row)
        if not self._repaint.isActive():
            self._repaint.start()

    def rows_changed(self, rows: list[int]) -> None:
        self._dirty.update(rows)
        if not self._repaint.isActive():
            self._repaint.start()

    def flush(self) -> None:
        if not self._dirty:
            return
        rows = [r for r in self._dirty if r < len(self.jobs)]
        self._dirty.clear()
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def note_output(self, row: int) -> None:
        """The row now shows this output: its thumbnail, when it comes, repaints the row without
        a walk of every row (one a finished job made a 50,000-row batch quadratic)."""
        path = self.jobs.rows[row].output_path
        if path:  # tuples of ints, which the cyclic collector stops walking (a list a row slowed it)
            self._rows_of_output[path] = self._rows_of_output.get(path, ()) + (row,)

    def set_thumbnail(self, path: str, pixmap: QPixmap) -> None:
        self.thumbnails[path] = pixmap
        self.thumbnail_arrived(path)

    def thumbnail_arrived(self, path: str) -> None:
        """Repaints the rows showing this output."""
        rows = [row for row in self._rows_of_output.get(path, ())
                if row < len(self.jobs) and self.jobs.rows[row].output_path == path]
        if not rows:  # rows moved or outputs came another way: look once, and remember them all
            self._rows_of_output.clear()
            for row, job in enumerate(self.jobs.rows):
                if job.output_path:
                    self._rows_of_output[job.output_path] = self._rows_of_output.get(job.output_path, ()) + (row,)
            rows = self._rows_of_output.get(path, ())
        for row in rows:
            self.row_changed(row)

    # --- QAbstractTableModel ---------------------------------------------------------
    # Both run for every cell Qt makes an index of (a selection of 50,000 rows makes 450,000): kept bare.
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.jobs.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.jobs):
            return None
        job = self.jobs.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == NAME:
                return job.spec.name
            if column == MODEL:
                model = self.catalog.get(job.spec.model) if self.catalog else None
                return model.display_name if model else job.spec.model
            if column == STATUS:
                label = self._states.get(job.state, job.state.replace("_", " "))
                if job.retrying and job.state not in ("done", "failed"):
                    return self._retrying.format(state=label)
                return label
            if column == PROGRESS:
                return None if job.progress is None else f"{job.progress * 100:.0f}%"
            if column == ELAPSED:
                return format_elapsed(job.elapsed)
            if column == COST:
                if self.cost_text is not None and (text := self.cost_text(job)) is not None:
                    return text  # draft mode: both prices
                return job.cost.label() if job.cost else ""
        elif role == PROGRESS_ROLE and column == PROGRESS:
            return job.progress
        elif role == Qt.ItemDataRole.ToolTipRole:
            if job.problems:
                return "\n".join(job.problems)
            if job.error or job.message:
                return reasons.shown(job.error) if job.error else (
                    self._held if job.message == HELD_MESSAGE else reasons.shown(job.message))
            if column == NAME and job.output_path:
                return job.output_path
            if column == MODEL:
                return job.spec.model
        elif role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            colour = theme.state_colour(job.state)
            return QBrush(QColor(colour)) if colour else None
        elif role == Qt.ItemDataRole.DecorationRole and column == NAME and job.output_path:
            if self.thumbnail_source is not None:
                return self.thumbnail_source(job.output_path)  # asks for it when not made yet
            return self.thumbnails.get(job.output_path)
        return None

    # Made once: Qt asks for every cell of a selection (450,000 at 50,000 rows on select all),
    # and or-ing flag enums in Python each time was most of that.
    _CELL = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
    _FLAGS = {(True, True): _CELL | Qt.ItemFlag.ItemIsDragEnabled, (True, False): _CELL,
              (False, True): Qt.ItemFlag.ItemIsDropEnabled, (False, False): Qt.ItemFlag.NoItemFlags}

    def flags(self, index):
        return self._FLAGS[index.isValid(), self.editable]

    # --- reorder by drag -------------------------------------------------------------
    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self):
        return [ROWS_MIME]

    def mimeData(self, indexes):
        rows = sorted({index.row() for index in indexes if index.isValid()})
        data = QMimeData()
        data.setData(ROWS_MIME, QByteArray(",".join(map(str, rows)).encode()))
        return data

    def canDropMimeData(self, data, action, row, column, parent):
        return self.editable and data.hasFormat(ROWS_MIME)

    def dropMimeData(self, data, action, row, column, parent):
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        rows = [int(r) for r in bytes(data.data(ROWS_MIME)).decode().split(",") if r]
        destination = row if row >= 0 else (parent.row() if parent.isValid() else len(self.jobs))
        (self.on_move or self.jobs.move)(rows, destination)
        # The move is done; answering False keeps the view from also removing the dragged rows.
        return False
