"""An inputs form generated from a model's JSON Schema.

enum -> combo box, integer range -> spin box, boolean -> check box, prompt -> multi-line
editor, image input -> file picker or URL. ``allOf`` if/then rules with a ``const`` are
enforced as the user edits (Veo at 1080p forces 8 s) and the form says why.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.engine.catalog import ModelInfo
from app.ui import theme

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


class FieldEditor:
    """One input's widget, with a uniform get/set."""

    def __init__(self, name: str, prop: dict, widget: QWidget, getter, setter, signal):
        self.name, self.prop, self.widget = name, prop, widget
        self.get, self.set, self.changed = getter, setter, signal


def _image_picker(parent: QWidget) -> tuple[QWidget, QLineEdit]:
    box = QWidget(parent)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    line = QLineEdit(box)
    line.setPlaceholderText(QCoreApplication.translate("SchemaForm", "https://… or a local image file"))
    browse = QPushButton(QCoreApplication.translate("SchemaForm", "Browse…"), box)
    layout.addWidget(line, 1)
    layout.addWidget(browse)

    def pick():
        path, _ = QFileDialog.getOpenFileName(
            box, QCoreApplication.translate("SchemaForm", "Choose a start image"), line.text(),
            QCoreApplication.translate("SchemaForm", "Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp)"))
        if path:
            line.setText(path)

    browse.clicked.connect(pick)
    return box, line


def build_field(name: str, prop: dict, model: ModelInfo, parent: QWidget) -> FieldEditor:
    kind = prop.get("type")
    if "enum" in prop:
        combo = QComboBox(parent)
        for value in prop["enum"]:
            combo.addItem(str(value), value)
        return FieldEditor(name, prop, combo, lambda: combo.currentData(),
                           lambda v: combo.setCurrentIndex(max(0, combo.findData(v))), combo.currentIndexChanged)
    if kind == "boolean":
        box = QCheckBox(parent)
        return FieldEditor(name, prop, box, box.isChecked, lambda v: box.setChecked(bool(v)), box.toggled)
    if kind == "integer":
        spin = QSpinBox(parent)
        spin.setRange(int(prop.get("minimum", INT_MIN)), int(prop.get("maximum", INT_MAX)))
        return FieldEditor(name, prop, spin, spin.value, lambda v: spin.setValue(int(v)), spin.valueChanged)
    if kind == "number":
        spin = QDoubleSpinBox(parent)
        spin.setRange(float(prop.get("minimum", -1e9)), float(prop.get("maximum", 1e9)))
        return FieldEditor(name, prop, spin, spin.value, lambda v: spin.setValue(float(v)), spin.valueChanged)
    if name in model.image_fields():
        box, line = _image_picker(parent)
        return FieldEditor(name, prop, box, lambda: line.text().strip(), lambda v: line.setText(str(v or "")),
                           line.textChanged)
    if "prompt" in name:
        editor = QPlainTextEdit(parent)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(90 if name == "prompt" else 50)
        return FieldEditor(name, prop, editor, editor.toPlainText,
                           lambda v: editor.setPlainText(str(v or "")), editor.textChanged)
    line = QLineEdit(parent)
    return FieldEditor(name, prop, line, lambda: line.text().strip(), lambda v: line.setText(str(v or "")),
                       line.textChanged)


def _matches(condition: dict, values: dict) -> bool:
    for name in condition.get("required", []):
        if name not in values:
            return False
    for name, rule in condition.get("properties", {}).items():
        if name not in values:
            continue
        value = values[name]
        if "enum" in rule and value not in rule["enum"]:
            return False
        if "const" in rule and value != rule["const"]:
            return False
    return True


class SchemaForm(QWidget):
    field_changed = Signal(str, object)  # name, value (None: back to the model's default)

    def __init__(self, model: ModelInfo, parent=None):
        super().__init__(parent)
        self.model = model
        self.fields: dict[str, FieldEditor] = {}
        self.hints: dict[str, QLabel] = {}
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        outer.addLayout(form)
        for name in model.field_order:
            prop = model.properties[name]
            field = build_field(name, prop, model, self)
            field.widget.setObjectName(f"field_{name}")
            field.widget.setToolTip(prop.get("description", ""))
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
        """Shows a job's inputs; fields it does not set show the schema default."""
        self._loading = True
        try:
            defaults = self.model.defaults()
            for name, field in self.fields.items():
                value = inputs.get(name, defaults.get(name))
                if value is not None or field.prop.get("type") not in ("integer", "number", "boolean"):
                    field.set(value)
            self._enforce_rules()
        finally:
            self._loading = False

    def values(self) -> dict:
        """Only what differs from the defaults (and what is required): job sets stay short."""
        defaults = self.model.defaults()
        result = {}
        for name, field in self.fields.items():
            value = field.get()
            if value in ("", None) and name not in self.model.required:
                continue
            if name in defaults and value == defaults[name] and name not in self.model.required:
                continue
            result[name] = value
        return result

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        forced = self._enforce_rules()
        value = self.fields[name].get()
        self.field_changed.emit(name, None if value == "" else value)
        for forced_name in forced:
            self.field_changed.emit(forced_name, self.fields[forced_name].get())

    def _enforce_rules(self) -> list[str]:
        """Applies if/then const rules; returns the fields whose value it had to change."""
        current = {name: field.get() for name, field in self.fields.items()}
        locked: dict[str, str] = {}
        changed = []
        for rule in self.model.input_schema.get("allOf", []):
            condition, consequence = rule.get("if"), rule.get("then", {})
            if not condition or not _matches(condition, current):
                continue
            for name, requirement in consequence.get("properties", {}).items():
                if "const" in requirement and name in self.fields:
                    if current.get(name) != requirement["const"]:
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
