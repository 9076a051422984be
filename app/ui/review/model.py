"""The grid's model: the outputs a ReviewQuery lets through, one tile each."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from app.engine.review.picks import short_model
from app.engine.atlas.pricing import format_cost
from app.engine.review.session import ReviewOutput

OUTPUT_ROLE = Qt.ItemDataRole.UserRole + 1
PICK_ROLE = Qt.ItemDataRole.UserRole + 2
RATING_ROLE = Qt.ItemDataRole.UserRole + 3
CAPTION_ROLE = Qt.ItemDataRole.UserRole + 4  # the second line under a tile: model and cost
LINKED_ROLE = Qt.ItemDataRole.UserRole + 5  # a re-roll or variation, shown with its original


class ReviewGridModel(QAbstractListModel):
    def __init__(self, loader, parent=None):
        super().__init__(parent)
        self.loader = loader
        self.outputs: list[ReviewOutput] = []
        self.tile = 160
        self._row_of: dict[int, int] = {}
        loader.ready.connect(self._thumbnail_ready)
        self._rows_by_path: dict[str, list[int]] = {}
        self._captions: dict[int, str] = {}

    def set_outputs(self, outputs: list[ReviewOutput]) -> None:
        self.beginResetModel()
        self.outputs = list(outputs)
        self._captions: dict[int, str] = {}
        self._row_of = {id(output): row for row, output in enumerate(self.outputs)}
        self._rows_by_path = {}
        for row, output in enumerate(self.outputs):
            if output.path is not None:
                self._rows_by_path.setdefault(_file_text(output), []).append(row)
        self.endResetModel()

    def set_tile(self, tile: int) -> None:
        self.tile = tile
        if self.outputs:
            self.dataChanged.emit(self.index(0), self.index(len(self.outputs) - 1))

    def row_of(self, output: ReviewOutput) -> int | None:
        return self._row_of.get(id(output))

    def output(self, index: QModelIndex) -> ReviewOutput | None:
        return self.outputs[index.row()] if index.isValid() and 0 <= index.row() < len(self.outputs) else None

    def outputs_changed(self, outputs) -> None:
        for output in outputs:
            row = self.row_of(output)
            if row is not None:
                index = self.index(row)
                self.dataChanged.emit(index, index, [PICK_ROLE, RATING_ROLE])

    @staticmethod
    def title(output: ReviewOutput) -> str:
        item = output.item
        return item.name if len(item.outputs) == 1 else f"{item.name} · {output.part + 1}/{len(item.outputs)}"

    def caption(self, output: ReviewOutput) -> tuple[str, str]:
        """The model and the cost; the cost is never the part cut short."""
        item = output.item
        caption = self._captions.get(id(item))
        if caption is None:
            caption = (short_model(item.model), f" · {format_cost(item.cost.amount, item.cost.basis)}")
            self._captions[id(item)] = caption
        return caption

    # --- QAbstractListModel -------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.outputs)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        output = self.output(index)
        if output is None:
            return None
        item = output.item
        if role == Qt.ItemDataRole.DisplayRole:
            return self.title(output)
        if role == CAPTION_ROLE:
            return "".join(self.caption(output))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.name, item.model, format_cost(item.cost.amount, item.cost.basis)]
            if item.prompt:
                lines.append(item.prompt if len(item.prompt) < 300 else item.prompt[:300] + "…")
            if item.error:
                lines.append(item.error)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            if output.file is None:
                return None
            return self.loader.pixmap(output.file, self.tile)
        if role == OUTPUT_ROLE:
            return output
        if role == PICK_ROLE:
            return output.pick.value
        if role == RATING_ROLE:
            return output.rating or 0
        if role == LINKED_ROLE:
            return item.link is not None
        return None

    def _thumbnail_ready(self, path: str) -> None:  # path: str(output.file), as the loader was asked
        for row in self._rows_by_path.get(path, ()):
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


def _file_text(output: ReviewOutput) -> str:
    """str(output.file) without making a Path for each of 50,000 outputs: a plain relative path joins
    as text; anything Path would tidy (./, //, an absolute path) goes through Path."""
    path, folder = output.path, output.folder
    if folder is None or path.startswith(("/", "./", "~")) or "//" in path or "/./" in path or path.endswith(("/", "/.")) \
            or "\\" in path or path == ".":
        return str(output.file)
    return f"{folder}/{path}"
