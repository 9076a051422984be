"""Editors for the inputs a plain line edit cannot carry: media files and URLs, lists of
them, tables of small objects, JSON, typed enums, and numbers that may stay unset.

Each editor gives back the value in its JSON type (a list stays a list, "5" stays a
string), because a value turned into text is refused by the API. Every editor here has
``changed`` (a signal), ``value()``, ``set_value(value)`` and ``problem()``: an editor
whose text cannot be read as a valid value names the problem and its value is not used.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from jsonschema import Draft7Validator
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.engine.jobs.spec import MEDIA_SUFFIXES
from app.engine.atlas.shapes import is_remote_media
from app.ui import theme
from app.ui.thumbcache import ThumbnailLoader

VALUE_ROLE = Qt.ItemDataRole.UserRole + 20
THUMBNAIL_SIZE = QSize(48, 48)


def same_value(a, b) -> bool:
    """Equality that keeps JSON types apart: "5" is not 5 and true is not 1 (1 and 1.0 are one number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def media_filter(media: str | None) -> str:
    """The file picker's filters: what the engine uploads for ``media`` (its own suffix lists,
    so the two never disagree), then every file, for a file whose name hides what it is."""
    media = media if media in MEDIA_SUFFIXES else "image"
    patterns = " ".join(f"*{suffix}" for suffix in sorted(MEDIA_SUFFIXES[media]))
    if media == "video":
        label = QCoreApplication.translate("SchemaForm", "Videos ({patterns})")
    elif media == "audio":
        label = QCoreApplication.translate("SchemaForm", "Audio ({patterns})")
    else:
        label = QCoreApplication.translate("SchemaForm", "Images ({patterns})")
    return ";;".join((label.format(patterns=patterns), QCoreApplication.translate("SchemaForm", "All files (*)")))


def media_placeholder(media: str | None) -> str:
    if media == "video":
        return QCoreApplication.translate("SchemaForm", "https://… or a local video file")
    if media == "audio":
        return QCoreApplication.translate("SchemaForm", "https://… or a local audio file")
    return QCoreApplication.translate("SchemaForm", "https://… or a local image file")


def _hint_label(parent: QWidget) -> QLabel:
    hint = QLabel(parent)
    hint.setWordWrap(True)
    theme.accent(hint, "warning")
    hint.hide()
    return hint


def _show_hint(hint: QLabel, text: str) -> None:
    hint.setText(text)
    hint.setVisible(bool(text))


# --- numbers ------------------------------------------------------------------------
class FloatSpinBox(QDoubleSpinBox):
    """Keeps six decimals (a value read from a job set comes back as it was) but shows only
    the ones a value has: 2.5, not 2.500000."""

    def textFromValue(self, value: float) -> str:
        locale = self.locale()
        text = locale.toString(float(value), "f", self.decimals()).replace(locale.groupSeparator(), "")
        point = locale.decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text


def _bound(prop: dict, side: str) -> tuple[float | None, bool]:
    """The lower ("minimum") or upper ("maximum") bound and whether it is exclusive; JSON Schema
    draft 4 (OpenAPI 3.0) writes exclusiveness as a boolean, later drafts as the bound itself."""
    inclusive = prop.get(side)
    exclusive = prop.get("exclusiveMinimum" if side == "minimum" else "exclusiveMaximum")
    inclusive = inclusive if isinstance(inclusive, (int, float)) and not isinstance(inclusive, bool) else None
    if isinstance(exclusive, bool):
        return inclusive, bool(exclusive and inclusive is not None)
    if isinstance(exclusive, (int, float)):
        if inclusive is None or (exclusive >= inclusive if side == "minimum" else exclusive <= inclusive):
            return exclusive, True
    return inclusive, False


def integer_range(prop: dict) -> tuple[int | None, int | None]:
    low, low_exclusive = _bound(prop, "minimum")
    high, high_exclusive = _bound(prop, "maximum")
    if low is not None:
        low = math.floor(low) + 1 if low_exclusive or low != math.floor(low) else int(low)
    if high is not None:
        high = math.ceil(high) - 1 if high_exclusive or high != math.ceil(high) else int(high)
    return low, high


def number_settings(prop: dict) -> tuple[float, float, float]:
    """(minimum, maximum, step) for a number: a step that suits the range (0.1 for 1.0..8.0)."""
    low, low_exclusive = _bound(prop, "minimum")
    high, high_exclusive = _bound(prop, "maximum")
    step = prop.get("multipleOf")
    if not isinstance(step, (int, float)) or isinstance(step, bool) or step <= 0:
        span = (high - low) if low is not None and high is not None and high > low else 10.0
        step = 10.0 ** (math.floor(math.log10(span)) - 1)
    tiny = 1e-6  # the spin box's last decimal: the nearest value an exclusive bound allows
    low = -1e9 if low is None else low + (tiny if low_exclusive else 0)
    high = 1e9 if high is None else high - (tiny if high_exclusive else 0)
    return float(low), float(high), float(step)


class NumberValue:
    """A number spin box's value in the job's own type: 3 read from a job set stays 3, not 3.0."""

    def __init__(self, spin: QDoubleSpinBox):
        self.spin = spin
        self.whole = False

    def get(self):
        value = self.spin.value()
        return int(value) if self.whole and value.is_integer() else value

    def set(self, value) -> None:
        self.whole = isinstance(value, int) and not isinstance(value, bool)
        self.spin.setValue(float(value))


class Unsettable(QWidget):
    """An input with no default that may stay out of the request: the model then decides.

    The box beside the editor says whether the value is sent; changing the value ticks it.
    """

    changed = Signal()

    def __init__(self, inner: QWidget, inner_changed, getter, setter, parent=None):
        super().__init__(parent)
        self.inner, self._get, self._set = inner, getter, setter
        inner.setParent(self)
        self.send = QCheckBox(self.tr("set"), self)
        self.send.setObjectName("send")
        self.send.setToolTip(self.tr("Ticked: this value is sent. Unticked: the input is left out and the model "
                                     "uses its own choice."))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner, 1)
        layout.addWidget(self.send)
        self._setting = False
        inner_changed.connect(self._inner_changed)
        self.send.toggled.connect(lambda _: self._setting or self.changed.emit())

    def _inner_changed(self, *_) -> None:
        if self._setting:
            return
        if not self.send.isChecked():
            self.send.setChecked(True)  # emits changed
        else:
            self.changed.emit()

    def value(self):
        return self._get() if self.send.isChecked() else None

    def set_value(self, value) -> None:
        self._setting = True
        try:
            if value is not None:
                self._set(value)
            self.send.setChecked(value is not None)
        finally:
            self._setting = False

    def problem(self) -> str:
        return ""


# --- enums --------------------------------------------------------------------------
def _type_word(value) -> str:
    if isinstance(value, bool):
        return QCoreApplication.translate("SchemaForm", "true/false")
    if isinstance(value, (int, float)):
        return QCoreApplication.translate("SchemaForm", "number")
    if isinstance(value, str):
        return QCoreApplication.translate("SchemaForm", "text")
    return QCoreApplication.translate("SchemaForm", "JSON")


class EnumBox(QComboBox):
    """The enum's own values, in their own types. When an enum mixes types ("5" and 5) each
    entry says which it is; a job's value outside the enum is shown as such, never replaced."""

    changed = Signal()

    def __init__(self, choices: list, optional: bool, parent=None):
        super().__init__(parent)
        self.choices = list(choices)
        mixed = len({type(v) if not isinstance(v, (int, float)) or isinstance(v, bool) else float
                     for v in self.choices}) > 1
        self._values: list = []
        if optional:
            self._append(None, self.tr("(not set)"))
        for choice in self.choices:
            text = (f"{json.dumps(choice, ensure_ascii=False)} ({_type_word(choice)})" if mixed
                    else self._plain(choice))
            self._append(choice, text)
        self._fixed = len(self._values)
        self.currentIndexChanged.connect(lambda _: self.changed.emit())

    @staticmethod
    def _plain(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def _append(self, value, text: str) -> None:
        self._values.append(value)
        self.addItem(text, value if isinstance(value, (str, int, float, bool)) else None)

    def value(self):
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def index_of(self, value) -> int:
        exact = [i for i, v in enumerate(self._values) if same_value(v, value)]
        if exact:
            return exact[0]
        # 5 written for a string enum "5"/"10" is unambiguous (the engine accepts it too).
        loose = [i for i, v in enumerate(self._values) if v is not None and not isinstance(v, (dict, list))
                 and not isinstance(value, (dict, list, bool)) and value is not None and str(v) == str(value)]
        return loose[0] if len(loose) == 1 else -1

    def set_value(self, value) -> None:
        while self.count() > self._fixed:
            self.removeItem(self.count() - 1)
            self._values.pop()
        index = self.index_of(value)
        if index < 0 and value is not None:
            self._append(value, self.tr("{value} (not allowed here)").format(
                value=json.dumps(value, ensure_ascii=False)))
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))

    def problem(self) -> str:
        return ""


# --- one media file or URL ----------------------------------------------------------
class MediaPicker(QWidget):
    """A URL or a local file (uploaded at run time), with a picture of a local image."""

    changed = Signal()

    def __init__(self, media: str | None, thumbnails: ThumbnailLoader | None, parent=None):
        super().__init__(parent)
        self.media, self.thumbnails = media, thumbnails
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.picture = QLabel(self)
        self.picture.setFixedSize(THUMBNAIL_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.hide()
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(media_placeholder(media))
        self.browse = QPushButton(QCoreApplication.translate("SchemaForm", "Browse…"), self)
        layout.addWidget(self.picture)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.browse)
        self.browse.clicked.connect(self._pick)
        self.line.textChanged.connect(self._text_changed)
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"), self.line.text(),
                                              media_filter(self.media))
        if path:
            self.line.setText(path)

    def _text_changed(self, _text: str) -> None:
        self._show_picture()
        self.changed.emit()

    def _show_picture(self) -> None:
        pixmap = self.thumbnails.pixmap(self.value()) if self.thumbnails is not None and self.value() else None
        if pixmap is not None:
            self.picture.setPixmap(pixmap)
        self.picture.setVisible(pixmap is not None)

    def _thumbnail_ready(self, path: str) -> None:
        if path == self.value():
            self._show_picture()

    def value(self) -> str:
        return self.line.text().strip()

    def set_value(self, value) -> None:
        self.line.setText("" if value is None else str(value))

    def problem(self) -> str:
        return ""


# --- a list of media files or URLs --------------------------------------------------
class MediaListEditor(QWidget):
    """Files (several at once) or URLs, in order; the schema's minItems/maxItems are kept."""

    changed = Signal()

    def __init__(self, media: str | None, min_items: int | None, max_items: int | None,
                 thumbnails: ThumbnailLoader | None, parent=None):
        super().__init__(parent)
        self.media, self.thumbnails = media, thumbnails
        self.min_items, self.max_items = min_items or 0, max_items
        self.items = QListWidget(self)
        self.items.setObjectName("media_list")
        self.items.setIconSize(THUMBNAIL_SIZE)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.items.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.items.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.items.setMinimumHeight(90)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText(self.tr("https://… then Add URL"))
        self.add_url_button = QPushButton(self.tr("Add URL"), self)
        self.add_files_button = QPushButton(self.tr("Add files…"), self)
        self.up_button = QPushButton(self.tr("Up"), self)
        self.down_button = QPushButton(self.tr("Down"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.hint = _hint_label(self)
        self.hint.setObjectName("list_hint")
        adding = QHBoxLayout()
        adding.addWidget(self.url, 1)
        adding.addWidget(self.add_url_button)
        adding.addWidget(self.add_files_button)
        moving = QHBoxLayout()
        for button in (self.up_button, self.down_button, self.remove_button):
            moving.addWidget(button)
        moving.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.items)
        layout.addLayout(moving)
        layout.addLayout(adding)
        layout.addWidget(self.hint)
        self.add_url_button.clicked.connect(self._add_typed_url)
        self.url.returnPressed.connect(self._add_typed_url)
        self.add_files_button.clicked.connect(self._pick_files)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.remove_button.clicked.connect(self.remove_selected)
        self.items.itemSelectionChanged.connect(self._update_buttons)
        self.items.model().rowsMoved.connect(lambda *_: self._edited())  # a drag within the list
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)
        self._update_buttons()

    # values
    def value(self) -> list[str]:
        return [self.items.item(row).data(VALUE_ROLE) for row in range(self.items.count())]

    def set_value(self, value) -> None:
        self.items.clear()
        for entry in value if isinstance(value, list) else ([] if value in (None, "") else [value]):
            self._append(str(entry))
        self._update_buttons()

    def problem(self) -> str:
        return ""

    # editing
    def room(self) -> int | None:
        return None if self.max_items is None else max(0, self.max_items - self.items.count())

    def add(self, entries: list[str]) -> None:
        entries = [e.strip() for e in entries if e and e.strip()]
        room = self.room()
        left_out = 0
        if room is not None and len(entries) > room:
            entries, left_out = entries[:room], len(entries) - room
        for entry in entries:
            self._append(entry)
        self._edited(left_out)

    def move_selected(self, step: int) -> None:
        rows = sorted(self.items.row(item) for item in self.items.selectedItems())
        if not rows or (step < 0 and rows[0] == 0) or (step > 0 and rows[-1] == self.items.count() - 1):
            return
        for row in rows if step < 0 else reversed(rows):
            item = self.items.takeItem(row)
            self.items.insertItem(row + step, item)
        for row in rows:
            self.items.item(row + step).setSelected(True)
        self._edited()

    def remove_selected(self) -> None:
        for row in sorted((self.items.row(item) for item in self.items.selectedItems()), reverse=True):
            self.items.takeItem(row)
        self._edited()

    def _add_typed_url(self) -> None:
        if self.url.text().strip():
            self.add([self.url.text()])
            self.url.clear()

    def _pick_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose files"), "", media_filter(self.media))
        if paths:
            self.add(paths)

    def _append(self, entry: str) -> None:
        item = QListWidgetItem(entry if is_remote_media(entry) else Path(entry).name)
        item.setData(VALUE_ROLE, entry)
        item.setToolTip(entry)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)  # dropped onto, an item would swallow it
        self.items.addItem(item)
        self._set_icon(item)

    def _set_icon(self, item: QListWidgetItem) -> None:
        pixmap = self.thumbnails.pixmap(item.data(VALUE_ROLE)) if self.thumbnails is not None else None
        if pixmap is not None:
            item.setIcon(QIcon(pixmap))

    def _thumbnail_ready(self, path: str) -> None:
        for row in range(self.items.count()):
            if self.items.item(row).data(VALUE_ROLE) == path:
                self._set_icon(self.items.item(row))

    def _edited(self, left_out: int = 0) -> None:
        self._update_buttons(left_out)
        self.changed.emit()

    def _update_buttons(self, left_out: int = 0) -> None:
        full = self.room() == 0
        for button in (self.add_url_button, self.add_files_button):
            button.setEnabled(not full)
            button.setToolTip(self.tr("This input takes at most {count}.").format(count=self.max_items)
                              if full else "")
        self.url.setEnabled(not full)
        rows = sorted(self.items.row(item) for item in self.items.selectedItems())
        self.up_button.setEnabled(bool(rows) and rows[0] > 0)
        self.down_button.setEnabled(bool(rows) and rows[-1] < self.items.count() - 1)
        self.remove_button.setEnabled(bool(rows))
        hints = []
        count = self.items.count()
        if left_out:
            hints.append(self.tr("{count} not added: this input takes at most {limit}.").format(
                count=left_out, limit=self.max_items))
        if 0 < self.min_items and count < self.min_items:
            hints.append(self.tr("Needs at least {minimum} (now {count}).").format(minimum=self.min_items,
                                                                                  count=count))
        _show_hint(self.hint, " ".join(hints))


# --- JSON ---------------------------------------------------------------------------
def _dump(value) -> str:
    compact = json.dumps(value, ensure_ascii=False)
    return compact if len(compact) <= 60 else json.dumps(value, ensure_ascii=False, indent=2)


def _schema_error(validator: Draft7Validator, value) -> str:
    error = next(iter(sorted(validator.iter_errors(value), key=lambda e: e.path)), None)
    if error is None:
        return ""
    where = "/".join(str(p) for p in error.absolute_path)
    if where:
        return QCoreApplication.translate("SchemaForm", "Not accepted at {where}: {reason}").format(
            where=where, reason=error.message)
    return QCoreApplication.translate("SchemaForm", "Not accepted: {reason}").format(reason=error.message)


class JsonEditor(QWidget):
    """JSON text checked against the input's own schema; empty means the input is left out."""

    changed = Signal()

    def __init__(self, prop: dict, parent=None):
        super().__init__(parent)
        self.validator = Draft7Validator(prop)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(70)
        self.text.setPlaceholderText(self.tr("JSON, for example {example}").format(example=_example(prop)))
        self.hint = _hint_label(self)
        self.hint.setObjectName("json_hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.hint)
        self._parsed = None
        self._problem = ""
        self.text.textChanged.connect(self._reread)

    def _reread(self) -> None:
        text = self.text.toPlainText().strip()
        self._parsed, self._problem = None, ""
        if text:
            try:
                self._parsed = json.loads(text)
            except ValueError as exc:
                self._problem = self.tr("Not valid JSON (line {line}, column {column}): text goes in double "
                                        "quotes.").format(line=getattr(exc, "lineno", "?"),
                                                          column=getattr(exc, "colno", "?"))
            else:
                self._problem = _schema_error(self.validator, self._parsed)
        _show_hint(self.hint, self._problem)
        self.changed.emit()

    def value(self):
        return None if self._problem else self._parsed

    def set_value(self, value) -> None:
        self.text.setPlainText("" if value is None else _dump(value))

    def problem(self) -> str:
        return self._problem


def _example(prop: dict) -> str:
    kind = prop.get("type")
    if kind == "array":
        return '["…", "…"]'
    if kind == "object":
        names = list(prop.get("properties", {}))[:2] or ["key"]
        return "{" + ", ".join(f'"{name}": …' for name in names) + "}"
    return '"text", 5, true, [ … ] or { … }'


# --- a table of small objects -------------------------------------------------------
_CELL_TYPES = {"string", "number", "integer", "boolean"}


def table_columns(prop: dict) -> dict[str, dict] | None:
    """The item properties when every one is a plain value (a table can edit them), else None."""
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    properties = items.get("properties")
    if not isinstance(properties, dict) or not properties:
        return None
    for column in properties.values():
        if not isinstance(column, dict):
            return None
        if "enum" in column:
            if not all(isinstance(v, (str, int, float, bool)) for v in column["enum"]):
                return None
        elif column.get("type") not in _CELL_TYPES:
            return None
    return properties


class ObjectTableEditor(QWidget):
    """A list of small objects (``loras: [{path, scale}]``) as rows; a column per property.

    An empty cell leaves that property out of its row; text in a number column must be a
    number. Properties the table has no column for are kept with their row.
    """

    changed = Signal()

    def __init__(self, prop: dict, columns: dict[str, dict], min_items: int | None, max_items: int | None,
                 parent=None):
        super().__init__(parent)
        self.columns = columns
        self.names = list(columns)
        self.validator = Draft7Validator(prop)
        self.min_items, self.max_items = min_items or 0, max_items
        self.table = QTableWidget(0, len(self.names), self)
        self.table.setObjectName("object_table")
        self.table.setHorizontalHeaderLabels([name.replace("_", " ") for name in self.names])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(100)
        for index, name in enumerate(self.names):
            description = columns[name].get("description")
            if description:
                self.table.horizontalHeaderItem(index).setToolTip(description)
        self.add_button = QPushButton(self.tr("Add row"), self)
        self.remove_button = QPushButton(self.tr("Remove row"), self)
        self.hint = _hint_label(self)
        self.hint.setObjectName("table_hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        self._extras: list[dict] = []  # per row: properties without a column
        self._as_written = None  # a value that is no list of objects: kept as it was until a row is added
        self._setting = False
        self._problem = ""
        self._rows: list[dict] = []
        self.add_button.clicked.connect(lambda: self.add_row({}))
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(lambda _: self._edited())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._reread()

    def _is_choice(self, name: str) -> bool:
        column = self.columns[name]
        return "enum" in column or column.get("type") == "boolean"

    def add_row(self, row: dict, *, beyond_limit: bool = False) -> None:
        if not beyond_limit and self.max_items is not None and self.table.rowCount() >= self.max_items:
            return
        self._as_written = None
        self._setting = True
        try:
            index = self.table.rowCount()
            self.table.insertRow(index)
            self._extras.append({k: v for k, v in row.items() if k not in self.columns})
            for column, name in enumerate(self.names):
                self._fill_cell(index, column, name, row.get(name))
        finally:
            self._setting = False
        self._edited()

    def _fill_cell(self, row: int, column: int, name: str, value) -> None:
        if self._is_choice(name):
            choices = self.columns[name].get("enum", [True, False])
            box = EnumBox(choices, optional=True, parent=self.table)
            box.set_value(value)
            box.changed.connect(self._edited)
            self.table.setCellWidget(row, column, box)
        else:
            text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
            self.table.setItem(row, column, QTableWidgetItem(text))

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
            del self._extras[row]
        self._edited()

    def _cell(self, row: int, column: int, name: str):
        """(value or None when empty, problem text)."""
        if self._is_choice(name):
            return self.table.cellWidget(row, column).value(), ""
        item = self.table.item(row, column)
        text = item.text().strip() if item is not None else ""
        if not text:
            return None, ""
        kind = self.columns[name].get("type")
        if kind == "string":
            return text, ""
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return value, ""
        if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value, ""
        wanted = self.tr("a whole number") if kind == "integer" else self.tr("a number")
        return None, self.tr("row {row}, {name}: {text} is not {wanted}").format(
            row=row + 1, name=name, text=text, wanted=wanted)

    def _reread(self) -> None:
        rows, problems = [], []
        for row in range(self.table.rowCount()):
            entry = {}
            for column, name in enumerate(self.names):
                value, problem = self._cell(row, column, name)
                if problem:
                    problems.append(problem)
                elif value is not None:
                    entry[name] = value
            entry.update(self._extras[row])
            rows.append(entry)
        self._rows = rows
        self._problem = "; ".join(problems) if problems else (
            _schema_error(self.validator, rows) if rows else "")
        if self._as_written is not None:
            _show_hint(self.hint, self.tr("Kept as written, which a table cannot show: {value}. Adding a row "
                                          "replaces it.").format(value=json.dumps(self._as_written,
                                                                                  ensure_ascii=False)))
            return
        below = 0 < self.min_items and len(rows) < self.min_items
        _show_hint(self.hint, self._problem or (self.tr("Needs at least {minimum} rows (now {count}).").format(
            minimum=self.min_items, count=len(rows)) if below else ""))

    def _edited(self) -> None:
        if self._setting:
            return
        self._reread()
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.max_items is None or self.table.rowCount() < self.max_items)
        self.remove_button.setEnabled(bool(self.table.selectedIndexes()))

    def value(self):
        if self._as_written is not None:
            return self._as_written
        return None if self._problem else [dict(row) for row in self._rows]

    def set_value(self, value) -> None:
        self._setting = True
        try:
            self.table.setRowCount(0)
            self._extras = []
        finally:
            self._setting = False
        if value is None or isinstance(value, list) and all(isinstance(row, dict) for row in value):
            for row in value or []:
                self.add_row(row, beyond_limit=True)  # the job's value as it is; validation says what is wrong
            self._as_written = None
        else:
            self._as_written = value
        self._edited()

    def problem(self) -> str:
        return self._problem
