"""The Vary dialog: an editable copy of one reviewed job (its name and its model's inputs form,
filled with the original's inputs) before it is priced and joins the batch.

The form needs the model's schema; a review's items come from a batch that ran, so it is
usually loaded, but a lazy catalog may not have it yet: then it is loaded on the view's pool
while the dialog says so, and OK waits for it.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout

from app.engine.atlas.catalog import Catalog
from app.engine.review.reroll import PlannedJob
from app.engine.review.session import ReviewItem
from app.ui import theme
from app.ui.schemaform import SchemaForm
from app.ui.tasks import Task


class VaryDialog(QDialog):
    def __init__(self, planned: PlannedJob, item: ReviewItem, catalog: Catalog, taken_names: set[str],
                 pool: QThreadPool, parent=None):
        super().__init__(parent)
        self.setObjectName("vary_dialog")
        self.setWindowTitle(self.tr("Vary {name}").format(name=item.name))
        self.planned, self.item, self.catalog = planned, item, catalog
        self.taken = set(taken_names)
        self.pool = pool
        self.form: SchemaForm | None = None
        self.model = catalog.get(planned.spec.model)

        self.name = QLineEdit(planned.spec.name, self)
        self.name.setObjectName("vary_name")
        top = QFormLayout()
        top.addRow(self.tr("Name"), self.name)
        top.addRow(self.tr("Model"), QLabel(self.model.display_name if self.model else planned.spec.model, self))
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.status = QLabel(self)
        self.status.setObjectName("vary_status")
        self.status.setWordWrap(True)
        theme.accent(self.status, "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Price and queue…"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The copy joins the batch next to {name}; its cost is shown before it "
                                        "is queued.").format(name=item.name), self))
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(560, 620)

        self.name.textChanged.connect(self._check)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if self.model is None:
            self._say(self.tr("{model} is no longer in the catalog, so this job cannot be varied.").format(
                model=planned.spec.model))
        elif self.model.schema_loaded:
            self._build_form()
        else:
            self._load_schema()
        self._check()

    # --- the schema and the form -----------------------------------------------------------
    def _say(self, text: str) -> None:
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.scroll.setWidget(label)

    def _load_schema(self) -> None:
        self._say(self.tr("Loading the inputs of {model}…").format(model=self.model.display_name))
        catalog, model_id = self.catalog, self.model.model_id
        task = Task(lambda: catalog.ensure_schemas([model_id]))
        task.signals.done.connect(self._schema_loaded)
        task.signals.failed.connect(self._schema_failed)
        self.pool.start(task)

    def _schema_loaded(self, failures: dict) -> None:
        if failures:
            self._schema_failed(next(iter(failures.values())))
            return
        self._build_form()
        self._check()

    def _schema_failed(self, reason: str) -> None:
        self._say(self.tr("The inputs of {model} could not be loaded: {reason}").format(
            model=self.model.model_id, reason=reason))

    def _build_form(self) -> None:
        self.form = SchemaForm(self.model, self)
        self.form.set_values(self.planned.spec.inputs)
        for field in self.form.fields.values():
            # Every edit, also one that leaves a field's text invalid (the form emits no value then).
            field.changed.connect(self._check)
        parent = self.planned.spec.image_from
        for name in self.model.image_fields()[:1] if parent else ():
            # A chained job's start image is its parent's output, as in the job editor.
            self.form.fields[name].widget.setEnabled(False)
            self.form.hints[name].setText(self.tr('From the output of "{parent}".').format(parent=parent))
            self.form.hints[name].show()
        self.scroll.setWidget(self.form)

    # --- the answer ------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Why OK is disabled, in words; empty when the copy can be priced."""
        name = self.name.text().strip()
        problems = []
        if not name:
            problems.append(self.tr("The copy needs a name."))
        elif name in self.taken:
            problems.append(self.tr('The batch already has a job named "{name}".').format(name=name))
        if self.form is not None:
            problems.extend(f"{field}: {reason}" for field, reason in self.form.problems().items())
        return problems

    def _check(self, *_) -> None:
        problems = self.problems()
        if self.form is not None or problems:
            self.status.setText("\n".join(problems))
        self.ok.setEnabled(self.form is not None and not problems)

    def planned_job(self) -> PlannedJob:
        """The copy as edited, still linked to the original."""
        spec = replace(self.planned.spec, name=self.name.text().strip(), inputs=self.form.values())
        return PlannedJob(spec, self.planned.link)

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()
