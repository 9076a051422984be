"""The job editor: name, model (the model browser) and the inputs form.

With several rows selected it edits one field across all of them. A model's inputs form
needs its schema; one not loaded yet is loaded on the catalog updater's pool while the
editor says so, and the form is built when it arrives.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec
from app.ui import theme
from app.ui.backend import CatalogUpdater
from app.ui.modelbrowser import ModelPicker
from app.ui.schemaform import SchemaForm


class JobEditor(QWidget):
    name_changed = Signal(str)
    model_changed = Signal(str)
    field_changed = Signal(str, object)
    subfolder_changed = Signal(str)

    def __init__(self, catalog: Catalog, parent=None, schemas: CatalogUpdater | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.schemas = schemas
        self.form: SchemaForm | None = None
        self.schema_status: QLabel | None = None
        self.retry: QPushButton | None = None
        self._specs: list[JobSpec] = []
        self._problems: list[str] = []
        self._picked: str | None = None  # chosen in the browser, waiting for its schema
        self._awaited: str | None = None  # the model whose schema the editor waits for, picked or shown
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
        self.picker.model_chosen.connect(self._model_picked)
        if schemas is not None:
            schemas.schemas_loaded.connect(self._schemas_loaded)
        self.show_jobs([], [])

    def set_catalog(self, catalog: Catalog, problem: str | None = None) -> None:
        """A refreshed catalog; the window shows the selected jobs again after this."""
        self.catalog = catalog
        self.picker.set_catalog(catalog, problem)

    def show_jobs(self, specs: list[JobSpec], problems: list[str]) -> None:
        self._specs, self._problems = list(specs), list(problems)
        self._picked = None  # a pick still loading belonged to the jobs shown before
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

    def _needs_schema(self, model_id: str) -> bool:
        model = self.catalog.get(model_id)
        return model is not None and not model.schema_loaded and self.schemas is not None

    def _model_picked(self, model_id: str) -> None:
        """The job changes model once the new model's inputs are known: changing it keeps only
        the inputs the model understands."""
        if not self._needs_schema(model_id):
            self.model_changed.emit(model_id)
            return
        self._picked = model_id
        self._await_schema(model_id)

    def _await_schema(self, model_id: str) -> None:
        self.form = None
        self._awaited = model_id
        box = QWidget(self)
        layout = QVBoxLayout(box)
        self.schema_status = QLabel(self._loading_text(model_id), box)
        self.schema_status.setObjectName("schema_status")
        self.schema_status.setWordWrap(True)
        theme.accent(self.schema_status, "muted")
        row = QHBoxLayout()
        self.retry = QPushButton(self.tr("Retry"), box)
        self.retry.setObjectName("schema_retry")
        self.retry.hide()
        self.retry.clicked.connect(self._retry_schema)
        row.addWidget(self.retry)
        row.addStretch(1)
        layout.addWidget(self.schema_status)
        layout.addLayout(row)
        layout.addStretch(1)
        self.scroll.setWidget(box)
        self._request(model_id)

    def _loading_text(self, model_id: str) -> str:
        model = self.catalog.get(model_id)
        return self.tr("Loading the inputs of {model}…").format(model=model.display_name if model else model_id)

    def _retry_schema(self) -> None:
        # The same widgets: replacing them would delete the button whose click is being handled.
        if self._awaited and self.schema_status is not None:
            theme.accent(self.schema_status, "muted")
            self.schema_status.setText(self._loading_text(self._awaited))
            self.retry.hide()
            self._request(self._awaited)

    def _request(self, model_id: str) -> None:
        if not self.schemas.ensure_schemas([model_id]) and not self.schemas.is_loading(model_id):
            self._schemas_loaded([model_id], {})  # loaded meanwhile (or gone): nothing to wait for

    def _schemas_loaded(self, model_ids, failures: dict) -> None:
        model_id = self._awaited
        if model_id is None or model_id not in model_ids:
            return
        if model_id in failures:
            theme.accent(self.schema_status, "error")
            self.schema_status.setText(self.tr("The inputs of {model} could not be loaded: {reason}").format(
                model=model_id, reason=failures[model_id]))
            self.retry.show()
            return
        if self._needs_schema(model_id):
            self._request(model_id)  # the catalog was swapped meanwhile: load the new one's
            return
        self._awaited = None
        if self._picked == model_id:
            self._picked = None
            self.model_changed.emit(model_id)  # the window shows the jobs again, with the form
        else:
            self.show_jobs(self._specs, self._problems)

    def _set_form(self, model_id: str | None, inputs: dict) -> None:
        model = self.catalog.get(model_id) if model_id else None
        if self.form is not None and model is not None and self.form.model is model:
            self.form.set_values(inputs)
            return
        self._awaited = None
        if model is not None and self._needs_schema(model_id):
            self._await_schema(model_id)
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
