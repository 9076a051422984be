"""The job editor: name, model (grouped by image/video, with search) and the inputs form.

With several rows selected it edits one field across all of them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget)

from app.engine.catalog import Catalog
from app.engine.jobs import JobSpec
from app.ui import theme
from app.ui.schemaform import SchemaForm

MODEL_ROLE = Qt.ItemDataRole.UserRole + 10


class ModelPicker(QWidget):
    """A search box over a combo box whose items are grouped under Images and Videos."""

    model_chosen = Signal(str)

    def __init__(self, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search models…"))
        self.search.setClearButtonEnabled(True)
        self.combo = QComboBox(self)
        self.combo.setObjectName("model_picker")
        layout.addWidget(self.search)
        layout.addWidget(self.combo)
        self.search.textChanged.connect(self._fill)
        self.combo.activated.connect(self._chosen)
        self._fill("")

    def _fill(self, text: str) -> None:
        current = self.current()
        items = QStandardItemModel(self.combo)
        needle = text.strip().lower()
        for kind, title in (("Image", self.tr("Images")), ("Video", self.tr("Videos"))):
            models = [m for m in self.catalog.of_type(kind)
                      if not needle or needle in m.model_id.lower() or needle in m.display_name.lower()]
            if not models:
                continue
            header = QStandardItem(title)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            font = QFont()
            font.setBold(True)
            header.setFont(font)
            items.appendRow(header)
            for model in models:
                item = QStandardItem(f"    {model.display_name}")
                item.setData(model.model_id, MODEL_ROLE)
                item.setToolTip(model.model_id)
                items.appendRow(item)
        self.combo.blockSignals(True)
        self.combo.setModel(items)
        self.set_current(current)
        self.combo.blockSignals(False)

    def current(self) -> str | None:
        return self.combo.currentData(MODEL_ROLE) if self.combo.count() else None

    def set_current(self, model_id: str | None) -> None:
        index = self.combo.findData(model_id, MODEL_ROLE) if model_id else -1
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def _chosen(self, index: int) -> None:
        model_id = self.combo.itemData(index, MODEL_ROLE)
        if model_id:
            self.model_chosen.emit(model_id)


class JobEditor(QWidget):
    name_changed = Signal(str)
    model_changed = Signal(str)
    field_changed = Signal(str, object)
    subfolder_changed = Signal(str)

    def __init__(self, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.form: SchemaForm | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("Select a job, or add one with the Add buttons."), self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        top = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setObjectName("job_name")
        self.picker = ModelPicker(catalog, self)
        self.subfolder = QLineEdit(self)
        self.subfolder.setPlaceholderText(self.tr("optional, inside the output folder"))
        top.addRow(self.tr("Name"), self.name)
        top.addRow(self.tr("Model"), self.picker)
        top.addRow(self.tr("Subfolder"), self.subfolder)
        layout.addLayout(top)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        self.problems = QLabel(self)
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        theme.accent(self.problems, "error")
        layout.addWidget(self.problems)
        self.name.textEdited.connect(self.name_changed)
        self.subfolder.textEdited.connect(self.subfolder_changed)
        self.picker.model_chosen.connect(self.model_changed)
        self.show_jobs([], [])

    def show_jobs(self, specs: list[JobSpec], problems: list[str]) -> None:
        enabled = bool(specs)
        for widget in (self.name, self.picker, self.subfolder, self.scroll):
            widget.setEnabled(enabled)
        if not specs:
            self.heading.setText(self.tr("Select a job, or add one with the Add buttons."))
            self._set_form(None, {})
            self.problems.setText("")
            return
        several = len(specs) > 1
        self.heading.setText(self.tr("Editing %n jobs: a change applies to all of them.", "", len(specs))
                             if several else "")
        self.heading.setVisible(several)
        self.name.setEnabled(not several)
        self.name.setText("" if several else specs[0].name)
        self.name.setPlaceholderText(self.tr("(several jobs)") if several else "")
        models = {spec.model for spec in specs}
        model_id = models.pop() if len(models) == 1 else None
        self.picker.set_current(model_id)
        subfolders = {spec.output_subfolder or "" for spec in specs}
        self.subfolder.setText(subfolders.pop() if len(subfolders) == 1 else "")
        shared = {}
        if model_id:
            first = specs[0].inputs
            shared = {k: v for k, v in first.items() if all(s.inputs.get(k) == v for s in specs)}
        self._set_form(model_id, shared)
        self._show_chain(specs)
        self.problems.setText("\n".join(problems))

    def _show_chain(self, specs: list[JobSpec]) -> None:
        """A chained job's start image comes from its parent: say so instead of asking for one."""
        parents = {spec.image_from for spec in specs}
        parent = parents.pop() if len(parents) == 1 else None
        if self.form is None or not parent:
            return
        for name in self.form.model.image_fields()[:1]:
            field = self.form.fields[name]
            field.widget.setEnabled(False)
            hint = self.form.hints[name]
            hint.setText(self.tr('From the output of "{parent}" when it finishes.').format(parent=parent))
            hint.show()

    def _set_form(self, model_id: str | None, inputs: dict) -> None:
        model = self.catalog.get(model_id) if model_id else None
        if self.form is not None and model is not None and self.form.model is model:
            self.form.set_values(inputs)
            return
        if model is None:
            self.form = None
            self.scroll.setWidget(QLabel(self.tr("Choose a model to edit its inputs.") if model_id is None else
                                         self.tr("Unknown model {model}.").format(model=model_id), self))
            return
        self.form = SchemaForm(model, self)
        self.form.set_values(inputs)
        self.form.field_changed.connect(self.field_changed)
        self.scroll.setWidget(self.form)
