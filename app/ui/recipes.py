"""Restore in the window: drop an output (or its sidecar, or a picks.csv) or use File › Open
recipe…, and the jobs that made it come back in the list, ready to run or vary.

Files are read on the pool (a video or a 50 MB chunk must not freeze the window). Files made
by other tools (A1111, ComfyUI, InvokeAI, SwarmUI, Fooocus) name no Atlas model: the user picks
one, and the window says the result is best effort.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.engine.jobs import recipes
from app.engine.jobs.outputs import MEDIA_SUFFIXES
from app.ui.tasks import Task

PICKS_NAME = "picks.csv"


def restorable(path: Path) -> bool:
    """A file whose drop means "give me its jobs back" rather than "import these jobs"."""
    name = path.name.lower()
    return path.suffix.lower() in MEDIA_SUFFIXES or name.endswith(recipes.SIDECAR_SUFFIX) or name == PICKS_NAME


class RecipeOpener(QObject):
    """Owned by the main window; ``restored`` fires with the rows added (tests wait on it)."""

    restored = Signal(object)  # range of rows
    DEFAULT_MODEL = "black-forest-labs/flux-2-pro/text-to-image"

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.pool = window.controller.pool
        self.last_notes: list[str] = []
        self.notes_box: QMessageBox | None = None
        # Replaceable (tests, scripts): asked once per drop that holds other tools' files.
        self.choose_model = self._ask_model

    def file_filter(self) -> str:
        return self.tr("Outputs and recipes (*.png *.jpg *.jpeg *.webp *.mp4 *.mov *.webm *.recipe.json picks.csv);;"
                       "All files (*)")

    def ask_and_open(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Open recipe"), self.window.settings.last_folder,
                                                self.file_filter())
        if paths:
            self.window.settings.last_folder = str(Path(paths[0]).parent)
            self.open([Path(p) for p in paths])

    def open(self, paths: list[Path]) -> None:
        self.window.statusBar().showMessage(self.tr("Reading the recipes of %n file(s)…", "", len(paths)))
        task = Task(lambda: [recipes.read_file(path) for path in paths])
        task.signals.done.connect(self._read)
        task.signals.failed.connect(self._failed)
        self.pool.start(task)

    def _failed(self, reason: str) -> None:
        self._show([self.tr("The files could not be read: {reason}").format(reason=reason)], 0)

    def _read(self, founds) -> None:
        notes = [note for found in founds for note in found.notes]
        foreign_count = sum(len(found.foreign) for found in founds)
        model_id = None
        if foreign_count:
            model_id = self.choose_model(foreign_count)
            if not model_id:
                notes.append(self.tr("%n file(s) from other tools were left out: no model was chosen", "",
                                     foreign_count))
        catalog = self.window.backend.catalog
        task = Task(lambda: self._jobs(founds, model_id, catalog, notes))
        task.signals.done.connect(self._add)
        task.signals.failed.connect(self._failed)
        self.pool.start(task)

    @staticmethod
    def _jobs(founds, model_id, catalog, notes) -> tuple[list, list[str]]:
        """On the pool: the chosen model's inputs may have to be fetched first."""
        from app.engine.jobs import foreign

        if model_id and catalog.get(model_id) is not None and not catalog.get(model_id).schema_loaded:
            catalog.ensure_schemas([model_id])
        jobs = []
        for found in founds:
            for recipe in found.recipes:
                jobs.append(recipes.job_from_recipe(recipe, found.source, notes))
            if model_id:
                for params in found.foreign:
                    jobs.append(foreign.to_job(params, model_id, catalog.get(model_id), notes))
        return jobs, notes

    def _add(self, outcome) -> None:
        jobs, notes = outcome
        window = self.window
        rows = range(len(window.jobs), len(window.jobs))
        if jobs:
            with window._undoable(self.tr("Restore %n job(s)", "", len(jobs))):
                rows = window.jobs.insert(jobs)
            window.costs.refresh_rows(rows)
            window.select_rows(rows)
            window._mark_dirty()
        self._show(notes, len(jobs))
        self.restored.emit(rows)

    def _show(self, notes: list[str], count: int) -> None:
        self.last_notes = list(notes)
        if count:
            text = self.tr("Restored %n job(s): same model, inputs and seed. Run them, or change them first.", "",
                           count)
        else:
            text = self.tr("No job was restored.")
        self.window.statusBar().showMessage(text, 15000)
        if not notes:
            return
        # Not modal: the restored jobs stay in reach while the notes are read.
        if self.notes_box is not None:
            self.notes_box.close()
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Open recipe"), text, QMessageBox.StandardButton.Ok,
                          self.window)
        box.setObjectName("recipe_notes")
        shown = notes[:12]
        more = [self.tr("… and %n more", "", len(notes) - 12)] if len(notes) > 12 else []
        box.setInformativeText("\n".join(f"• {note}" for note in shown + more))
        box.setModal(False)
        box.show()
        self.notes_box = box

    def _ask_model(self, count: int) -> str | None:
        catalog = self.window.backend.catalog
        choices = sorted(model_id for model_id, model in catalog.models.items() if not model.is_video)
        if not choices:
            return None
        current = choices.index(self.DEFAULT_MODEL) if self.DEFAULT_MODEL in choices else 0
        model_id, accepted = QInputDialog.getItem(
            self.window, self.tr("Model for other tools' files"),
            self.tr("%n file(s) come from another tool (A1111, ComfyUI, InvokeAI, SwarmUI or Fooocus). Their prompt, "
                    "negative prompt, seed and size go to a new job on the model you pick; their own model and "
                    "sampler settings do not carry over (best effort).", "", count), choices, current, False)
        return model_id if accepted else None
