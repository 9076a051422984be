"""An inputs form generated from a model's JSON Schema.

Each input gets the editor its shape asks for (app/engine/atlas/shapes.py): enum -> combo box
keeping the enum's own types, integer or number range -> spin box, boolean -> check box,
prompt -> multi-line editor, media -> file picker or URL, a list of media -> a list editor,
a list of small objects -> a table, any other object or list -> checked JSON. No value is
turned into text on its way through. An input without a default may stay unset, so it is
left out of the request. ``allOf`` if/then rules with a ``const`` are enforced as the user
edits (Veo at 1080p forces 8 s) and the form says why.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout,
                               QWidget)

from app.engine.atlas.catalog import ModelInfo
from app.engine.atlas.shapes import FieldShape, Kind, classify
from app.ui import theme
from app.ui.fieldeditors import (EnumBox, FloatSpinBox, JsonEditor, MediaListEditor, MediaPicker, NumberValue,
                                 ObjectTableEditor, Unsettable, integer_range, number_settings, same_value,
                                 table_columns)
from app.ui.thumbcache import ThumbnailLoader, previewable

INT_MIN, INT_MAX = -2147483648, 2147483647
# Labels for the inputs the catalog's models share; an input not listed shows its own name.
FIELD_LABELS = {
    "prompt": QT_TRANSLATE_NOOP("SchemaForm", "prompt"),
    "negative_prompt": QT_TRANSLATE_NOOP("SchemaForm", "negative prompt"),
    "aspect_ratio": QT_TRANSLATE_NOOP("SchemaForm", "aspect ratio"),
    "duration": QT_TRANSLATE_NOOP("SchemaForm", "duration"),
    "resolution": QT_TRANSLATE_NOOP("SchemaForm", "resolution"),
    "seed": QT_TRANSLATE_NOOP("SchemaForm", "seed"),
    "size": QT_TRANSLATE_NOOP("SchemaForm", "size"),
    "image": QT_TRANSLATE_NOOP("SchemaForm", "start image"),
    "last_image": QT_TRANSLATE_NOOP("SchemaForm", "last image"),
    "camera_fixed": QT_TRANSLATE_NOOP("SchemaForm", "camera fixed"),
    "generate_audio": QT_TRANSLATE_NOOP("SchemaForm", "generate audio"),
}
# Rule descriptions the bundled catalog carries; a live catalog's new ones show as sent.
RULE_TEXTS = (QT_TRANSLATE_NOOP("SchemaForm", "1080p or 4k requires duration 8"),)


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return QCoreApplication.translate("SchemaForm", FIELD_LABELS[name])
    return name.replace("_", " ")


def _unset(value) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value)


class FieldEditor:
    """One input's widget, with a uniform get/set; ``problem()`` names why its text is no
    valid value (then the value is not used)."""

    def __init__(self, name: str, prop: dict, widget: QWidget, getter, setter, signal,
                 problem: Callable[[], str] = lambda: "", shape: FieldShape | None = None):
        self.name, self.prop, self.widget = name, prop, widget
        self.get, self.set, self.changed, self.problem = getter, setter, signal, problem
        self.shape = shape


def _number(value) -> float | None:
    """A job's number, or None when it holds something else (validation reports that)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _integer_editor(prop: dict, parent: QWidget):
    low, high = integer_range(prop)
    if (low is None or low >= INT_MIN) and (high is None or high <= INT_MAX):
        spin = QSpinBox(parent)
        spin.setRange(INT_MIN if low is None else low, INT_MAX if high is None else high)

        def set_integer(value):
            number = _number(value)
            if number is not None:
                spin.setValue(int(number))
        return spin, spin.value, set_integer, spin.valueChanged
    # Bounds past 32 bits (a seed up to 2**32): a double holds every whole number up to 2**53.
    spin = FloatSpinBox(parent)
    spin.setDecimals(0)
    spin.setRange(-9.0e15 if low is None else float(low), 9.0e15 if high is None else float(high))

    def set_wide(value):
        number = _number(value)
        if number is not None:
            spin.setValue(number)
    return spin, lambda: int(spin.value()), set_wide, spin.valueChanged


def _number_editor(prop: dict, parent: QWidget):
    spin = FloatSpinBox(parent)
    spin.setDecimals(6)
    low, high, step = number_settings(prop)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    typed = NumberValue(spin)

    def set_number(value):
        if _number(value) is not None:
            typed.set(value if isinstance(value, (int, float)) else _number(value))
    return spin, typed.get, set_number, spin.valueChanged


def _text_editor(name: str, kind: Kind, parent: QWidget):
    if kind == Kind.PROMPT:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(90 if name == "prompt" else 50)
        return editor, editor.toPlainText, lambda v: editor.setPlainText("" if v is None else str(v)), \
            editor.textChanged
    line = QLineEdit(parent)
    return line, lambda: line.text().strip(), lambda v: line.setText("" if v is None else str(v)), line.textChanged


def build_field(name: str, prop: dict, shape: FieldShape, has_default: bool, parent: QWidget,
                thumbnails: ThumbnailLoader | None = None) -> FieldEditor:
    kind = shape.kind

    def custom(widget) -> FieldEditor:
        return FieldEditor(name, prop, widget, widget.value, widget.set_value, widget.changed, widget.problem, shape)

    if kind == Kind.ENUM and isinstance(prop.get("enum"), list) and prop["enum"]:
        return custom(EnumBox(prop["enum"], optional=not has_default, parent=parent))
    if kind == Kind.BOOLEAN:
        if not has_default:  # yes, no or left to the model
            return custom(EnumBox([True, False], optional=True, parent=parent))
        box = QCheckBox(parent)
        return FieldEditor(name, prop, box, box.isChecked, lambda v: box.setChecked(bool(v)), box.toggled,
                           shape=shape)
    if kind in (Kind.INTEGER, Kind.NUMBER):
        inner, getter, setter, signal = (_integer_editor if kind == Kind.INTEGER else _number_editor)(prop, parent)
        if not has_default:
            return custom(Unsettable(inner, signal, getter, setter, parent))
        return FieldEditor(name, prop, inner, getter, setter, signal, shape=shape)
    if kind == Kind.MEDIA:
        return custom(MediaPicker(shape.media, thumbnails, parent))
    if kind == Kind.MEDIA_LIST:
        return custom(MediaListEditor(shape.media, shape.min_items, shape.max_items, thumbnails, parent))
    if kind == Kind.OBJECT_LIST:
        columns = table_columns(prop)
        if columns:
            return custom(ObjectTableEditor(prop, columns, shape.min_items, shape.max_items, parent))
        return custom(JsonEditor(prop, parent))
    if kind in (Kind.PROMPT, Kind.TEXT):
        widget, getter, setter, signal = _text_editor(name, kind, parent)
        return FieldEditor(name, prop, widget, getter, setter, signal, shape=shape)
    return custom(JsonEditor(prop, parent))  # objects, lists of plain values, anything else


def _matches(condition: dict, values: dict) -> bool:
    for name in condition.get("required", []):
        if name not in values:
            return False
    for name, rule in condition.get("properties", {}).items():
        if name not in values or not isinstance(rule, dict):
            continue
        value = values[name]
        if isinstance(rule.get("enum"), list) and not any(same_value(value, v) for v in rule["enum"]):
            return False
        if "const" in rule and not same_value(value, rule["const"]):
            return False
    return True


class SchemaForm(QWidget):
    field_changed = Signal(str, object)  # name, value (None: back to the model's default, or left out)

    def __init__(self, model: ModelInfo, parent=None, thumbnails: ThumbnailLoader | None = None):
        super().__init__(parent)
        self.model = model
        self.fields: dict[str, FieldEditor] = {}
        self.hints: dict[str, QLabel] = {}
        self._loading = False
        shapes = model.shapes
        if thumbnails is None and any(shape.is_media for shape in shapes.values()):
            thumbnails = ThumbnailLoader(self, threads=1, accept=previewable)
        self.thumbnails = thumbnails
        defaults = model.defaults()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        for name in model.field_order:
            prop = model.properties[name]
            prop = prop if isinstance(prop, dict) else {}
            shape = shapes.get(name) or classify(name, prop)
            field = build_field(name, prop, shape, name in defaults, self, thumbnails)
            field.widget.setObjectName(f"field_{name}")
            field.widget.setToolTip(str(prop.get("description", "")))
            label = field_label(name) + (" *" if name in model.required else "")
            container = QWidget(self)
            column = QVBoxLayout(container)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(1)
            column.addWidget(field.widget)
            hint = QLabel(container)
            hint.setObjectName(f"hint_{name}")
            hint.setWordWrap(True)
            theme.accent(hint, "warning")
            hint.hide()
            column.addWidget(hint)
            form.addRow(label, container)
            self.fields[name] = field
            self.hints[name] = hint
            field.changed.connect(lambda *_, n=name: self._edited(n))
        self.set_values({})

    def set_values(self, inputs: dict) -> None:
        """Shows a job's inputs; fields it does not set show the schema default, or stay unset."""
        self._loading = True
        try:
            defaults = self.model.defaults()
            for name, field in self.fields.items():
                field.set(inputs[name] if name in inputs else defaults.get(name))
            self._enforce_rules()
        finally:
            self._loading = False

    def values(self) -> dict:
        """Only what differs from the defaults (and what is required): job sets stay short.
        An input whose text is no valid value is left out."""
        defaults = self.model.defaults()
        required = self.model.required
        result = {}
        for name, field in self.fields.items():
            if field.problem():
                continue
            value = field.get()
            if value is None or (_unset(value) and name not in required):
                continue
            if name in defaults and same_value(value, defaults[name]) and name not in required:
                continue
            result[name] = value
        return result

    def problems(self) -> dict[str, str]:
        """Inputs whose text cannot be used, and why."""
        return {name: field.problem() for name, field in self.fields.items() if field.problem()}

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        forced = self._enforce_rules()
        field = self.fields[name]
        if not field.problem():  # the editor says what is wrong; the job keeps its last valid value
            value = field.get()
            self.field_changed.emit(name, None if _unset(value) else value)
        for forced_name in forced:
            self.field_changed.emit(forced_name, self.fields[forced_name].get())

    def _enforce_rules(self) -> list[str]:
        """Applies if/then const rules; returns the fields whose value it had to change."""
        current = {name: value for name, field in self.fields.items()
                   if not field.problem() and not _unset(value := field.get())}
        locked: dict[str, str] = {}
        changed = []
        for rule in self.model.input_schema.get("allOf", []):
            if not isinstance(rule, dict):
                continue
            condition, consequence = rule.get("if"), rule.get("then", {})
            if not condition or not _matches(condition, current):
                continue
            for name, requirement in consequence.get("properties", {}).items():
                if isinstance(requirement, dict) and "const" in requirement and name in self.fields:
                    if not same_value(current.get(name), requirement["const"]):
                        self._loading_set(name, requirement["const"])
                        changed.append(name)
                    locked[name] = (QCoreApplication.translate("SchemaForm", rule["description"])
                                    if rule.get("description") else self.tr("fixed by a rule of this model"))
        for name, field in self.fields.items():
            hint = self.hints[name]
            field.widget.setEnabled(name not in locked)
            if name in locked:
                hint.setText(self.tr("Set to {value}: {rule}.").format(value=self.fields[name].get(),
                                                                       rule=locked[name]))
                hint.show()
            else:
                hint.hide()
        return changed

    def _loading_set(self, name: str, value) -> None:
        previous, self._loading = self._loading, True
        try:
            self.fields[name].set(value)
        finally:
            self._loading = previous
