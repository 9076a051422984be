"""The main window's job-set files: new, open, import, save, export and drop, with the
questions they ask (unsaved changes, a template's size). A mixin of MainWindow."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.engine.core.gcpause import collector_paused, keep_out_of_collections
from app.engine.jobs import jobset
from app.engine.atlas.catalog import SchemaUnavailable
from app.engine.atlas.pricing import format_money
from app.ui import documents
from app.ui.dialogs import folder_problem, show_problems
from app.ui.recipes import restorable

# A set this big is left out of later cyclic collections once open (each would walk all of it).
LONG_LIVED_ROWS = 2000

# These texts keep the window's translation context, "MainWindow", under which the catalogues hold
# them; lupdate reads each call's literal context. Texts that count (%n) come from the window's
# _text_* methods instead: lupdate reads a count only from self.tr().
translate = QCoreApplication.translate


class WindowDocuments:
    """New, open, import, save, export and drop; a job set that needs schemas waits for them.
    A mixin of MainWindow, which builds what it uses."""

    def _confirm_discard(self) -> bool:
        if not self.dirty or not len(self.jobs):
            return True
        answer = QMessageBox.question(self, translate("MainWindow", "Unsaved changes"),
                                      translate("MainWindow", "Discard the changes to the current job list?"),
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
        path = path or self._ask_open_path(translate("MainWindow", "Open job set"))
        return bool(path) and self._load(path, replace=True)

    def import_file(self, path: Path | None = None) -> bool:
        if self.controller.running:
            return False
        path = path or self._ask_open_path(translate("MainWindow", "Import jobs"))
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
            self.statusBar().showMessage(self._text_models_loading(len(waiting)).format(file=path.name))
            return True
        try:
            loaded = documents.read(path, self.backend.catalog)
        except jobset.JobSetError as exc:
            show_problems(self, translate("MainWindow", "Cannot open job set"),
                          translate("MainWindow", "{file} was not loaded; your list is unchanged.").format(
                              file=path.name), exc.messages)
            return False
        except SchemaUnavailable as exc:
            show_problems(self, translate("MainWindow", "Cannot open job set"),
                          translate("MainWindow", "{file} was not loaded; your list is unchanged.").format(
                              file=path.name), [str(exc)])
            return False
        if loaded.template_count and not self._confirm_template(path, loaded):
            return False
        if replace:
            self.undo_stack.clear()
            with collector_paused():
                self.jobs.replace_all(loaded.jobs)
            self.document_path = path
            self.document_concurrency = loaded.concurrency
            self.document_webhook = loaded.webhook_url
            self.assist.set_originals(loaded.prompts_as_written)
            self.draft_mode.set_enabled(loaded.draft)
            if loaded.output_dir is not None and folder_problem(loaded.output_dir) is None:
                self.output_dir = loaded.output_dir
            self.dirty = False
            rows = range(len(self.jobs))
        else:
            with self._undoable(translate("MainWindow", "Import {file}").format(file=path.name)):
                rows = self.jobs.insert(loaded.jobs)
            self._mark_dirty()
        with collector_paused():  # a row and its problems for each of 50,000 jobs
            self.costs.refresh_all()
        if len(self.jobs) >= LONG_LIVED_ROWS:
            keep_out_of_collections()
        if loaded.notices:
            self.statusBar().showMessage(" · ".join(loaded.notices), 15000)
        self.select_rows(list(rows)[:1])
        self._update_title()
        return True

    def _load_if_schemas_arrived(self) -> None:
        """Reads the job set that waited for its models' schemas, once none is loading any more."""
        if self._load_waiting is None:
            return
        path, replace, waiting = self._load_waiting
        if not any(self.catalogs.is_loading(model_id) for model_id in waiting):
            self._load_waiting = None
            unavailable = [self.costs.schema_failures[m] for m in waiting if m in self.costs.schema_failures]
            if unavailable:  # reading now would fetch them again, here on the GUI thread
                show_problems(self, translate("MainWindow", "Cannot open job set"),
                              translate("MainWindow", "{file} was not loaded; your list is unchanged.").format(
                                  file=path.name), unavailable)
            else:
                self._load(path, replace, schemas_ready=True)

    def _confirm_template(self, path: Path, loaded) -> bool:
        """A template can make thousands of jobs: say how many and what they cost first."""
        estimate = Decimal(0)
        for spec in loaded.jobs:
            model = self.backend.catalog.get(spec.model)
            if model is not None and model.schema_loaded:
                estimate += self.costs.prices.estimate(model, spec.inputs).amount
        answer = QMessageBox.question(self, translate("MainWindow", "Expand the template"), self._text_template_jobs(
            loaded.template_count).format(file=path.name, total=len(loaded.jobs), amount=format_money(estimate)))
        return answer == QMessageBox.StandardButton.Yes

    def save_document(self) -> bool:
        if self.document_path is None:
            return self.save_document_as()
        return self._write(self.document_path, adopt=True)

    def save_document_as(self) -> bool:
        path = self._ask_save_path(translate("MainWindow", "Save job set"))
        return bool(path) and self._write(path, adopt=True)

    def export_file(self) -> bool:
        path = self._ask_save_path(translate("MainWindow", "Export jobs"))
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
                            self.document_webhook, draft=self.draft_mode.enabled,
                            prompts_as_written=self.assist.originals_for(self.jobs.specs()))
        except OSError as exc:
            QMessageBox.warning(self, translate("MainWindow", "Not saved"), translate(
                "MainWindow", "{path} could not be written: {reason}.").format(
                path=path, reason=exc.strerror or exc))
            return False
        if adopt:
            self.document_path = path
            self.dirty = False
            self._update_title()
        self.statusBar().showMessage(translate("MainWindow", "Saved {path}").format(path=path), 5000)
        return True

    def dragEnterEvent(self, event):
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.toLocalFile().lower().endswith(documents.JOBSET_SUFFIXES) or restorable(Path(u.toLocalFile()))
               for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event):
        outputs = [Path(u.toLocalFile()) for u in event.mimeData().urls() if restorable(Path(u.toLocalFile()))]
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if path.lower().endswith(documents.JOBSET_SUFFIXES) and Path(path) not in outputs:
                self.import_file(Path(path))
        if outputs and not self.controller.running:
            self.recipe_opener.open(outputs)  # the jobs that made them come back
        event.acceptProposedAction()

