"""The main window's job list edits: selection, undo, field edits, add, duplicate, move and
delete. A mixin of MainWindow: it works on the window's jobs, table, editor and undo stack."""

from __future__ import annotations

import contextlib
import copy
import itertools
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QItemSelection, QItemSelectionModel

from app.engine.core.gcpause import collector_paused
from app.engine.jobs.spec import JobSpec
from app.ui.undo import ListChange

DEFAULT_IMAGE_MODEL = "black-forest-labs/flux-2-pro/text-to-image"
DEFAULT_VIDEO_MODEL = "bytedance/seedance-v1.5-pro-fast/text-to-video"
DEFAULT_CHAIN_MODEL = "bytedance/seedance-v1.5-pro-fast/image-to-video"

# These texts keep the window's translation context, "MainWindow", under which the catalogues hold
# them; lupdate reads each call's literal context. Texts that count (%n) come from the window's
# _text_* methods instead: lupdate reads a count only from self.tr().
translate = QCoreApplication.translate


def _editable_copy(spec: JobSpec) -> JobSpec:
    """A copy the edits here may change: they set a field or a top-level input, never a value inside
    one, so the inputs mapping is copied and its values shared (a deep copy of each of 50,000 rows took seconds)."""
    return replace(spec, inputs=dict(spec.inputs) if isinstance(spec.inputs, dict) else copy.deepcopy(spec.inputs))


class WindowEditing:
    """Selection, undo and every edit of the job list, from the window's actions, the editor's
    signals and the table's drag and drop. A mixin of MainWindow, which builds what it uses."""

    def selected_rows(self) -> list[int]:
        # Read as ranges: all of 50,000 rows selected is one range, not 300,000 indexes.
        selection = self.table.selectionModel().selection()
        last_column = self.model.columnCount() - 1
        if all(span.left() == 0 and span.right() == last_column for span in selection):
            return sorted({row for span in selection for row in range(span.top(), span.bottom() + 1)})
        # Some cells, not whole rows: only rows with every column selected count.
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def select_rows(self, rows) -> None:
        """Selects the rows in one change, a range per run of consecutive rows."""
        rows = sorted(set(rows))
        selection = QItemSelection()
        last_column = self.model.columnCount() - 1
        for _, run in itertools.groupby(enumerate(rows), key=lambda pair: pair[1] - pair[0]):
            run = list(run)
            selection.select(self.model.index(run[0][1], 0), self.model.index(run[-1][1], last_column))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        if rows:
            self.table.scrollTo(self.model.index(rows[-1], 0))

    def _selection_changed(self, *_) -> None:
        rows = self.selected_rows()
        specs = [self.jobs.rows[r].spec for r in rows]
        problems = self.jobs.rows[rows[0]].problems if len(rows) == 1 else []
        self.editor.show_jobs(specs, problems)
        self.editor.setEnabled(not self.controller.running)
        first = self.jobs.rows[rows[0]] if rows else None
        if first is not None and first.output_path:
            self.preview.show_files(first.output_paths or [first.output_path],
                                    f"{first.spec.name} · {first.spec.model}")
        else:
            self.preview.show_file(None, "" if first is None else
                                   translate("MainWindow", "{name}: no output yet.").format(name=first.spec.name))
        self._update_actions()

    @contextlib.contextmanager
    def _undoable(self, text: str, merge_key=None):
        before = self.jobs.snapshot()
        yield
        self.undo_stack.push(ListChange(self._restore_rows, text, before, self.jobs.snapshot(), merge_key))

    def _history_changed(self, _index: int) -> None:
        self._update_actions()

    def _restore_rows(self, snapshot) -> None:
        names_before = {job.spec.name for job in self.jobs.rows}
        selected = self.selected_rows()
        with collector_paused():  # new problems and prices for up to every row
            stale, reshaped = self.jobs.restore(snapshot)
            if {job.spec.name for job in self.jobs.rows} != names_before:
                # A chained row's check reads every other row's name.
                stale = sorted(set(stale).union(r for r, job in enumerate(self.jobs.rows) if job.spec.image_from))
            self.costs.refresh_rows(stale)
        self._mark_dirty()
        if reshaped:  # a reset cleared the selection; rows kept in place kept theirs
            self.select_rows([r for r in selected if r < len(self.jobs)])
        elif stale and not set(stale).isdisjoint(selected):
            self._selection_changed()  # the editor shows the selected rows' restored fields

    def _drag_move(self, rows: list[int], destination: int) -> int:
        with self._undoable(translate("MainWindow", "Move jobs")):
            first = self.jobs.move(rows, destination)
        self._mark_dirty()
        return first

    def _change_selected(self, change, merge_key=None, text: str = "") -> None:
        rows = self.selected_rows()
        with self._undoable(text or translate("MainWindow", "Edit jobs"),
                            (merge_key, tuple(rows)) if merge_key else None):
            self._apply_to_selected(change, rows)

    def _apply_to_selected(self, change, rows: list[int]) -> None:
        with collector_paused():  # a copy of each edited row's spec, and its problems and price
            specs = []
            for row in rows:
                spec = _editable_copy(self.jobs.rows[row].spec)
                change(spec)
                specs.append(spec)
            self.jobs.set_specs(rows, specs)
            self.costs.refresh_rows(rows)
        self._mark_dirty()
        if len(rows) == 1:
            self.editor.problems.setText("\n".join(self.jobs.rows[rows[0]].problems))

    def _edit_name(self, text: str) -> None:
        self._change_selected(lambda spec: setattr(spec, "name", text), "name", translate("MainWindow", "Rename job"))

    def _edit_subfolder(self, text: str) -> None:
        self._change_selected(lambda spec: setattr(spec, "output_subfolder", text.strip() or None), "subfolder",
                              translate("MainWindow", "Change subfolder"))

    def _edit_field(self, name: str, value) -> None:
        def change(spec: JobSpec) -> None:
            if value is None:
                spec.inputs.pop(name, None)
            else:
                spec.inputs[name] = value
        self._change_selected(change, ("field", name),
                              translate("MainWindow", "Edit {field}").format(field=name.replace("_", " ")))

    def _edit_model(self, model_id: str) -> None:
        model = self.backend.catalog.get(model_id)

        def change(spec: JobSpec) -> None:
            spec.model = model_id
            # Keep what the new model understands (the prompt, usually); drop the rest.
            spec.inputs = {k: v for k, v in spec.inputs.items() if k in model.properties}
            if not model.image_fields():
                spec.image_from = None  # a model without a start image cannot stay chained
        self._change_selected(change, text=translate("MainWindow", "Change model"))
        self._selection_changed()

    def add_job(self, kind: str) -> None:
        model_id = DEFAULT_IMAGE_MODEL if kind == "Image" else DEFAULT_VIDEO_MODEL
        selected = self.selected_rows()
        base = self.jobs.rows[selected[-1]].spec if selected else None
        prompt = base.inputs.get("prompt", "") if base else ""
        name = f"{kind.lower()} {len(self.jobs) + 1}"  # a job name is data (file names), not interface text
        with self._undoable(translate("MainWindow", "Add image job") if kind == "Image"
                            else translate("MainWindow", "Add video job")):
            rows = self.jobs.insert([JobSpec(name, model_id, {"prompt": prompt} if prompt else {})])
        self.costs.refresh_rows(rows)
        self.select_rows(rows)
        self._mark_dirty()

    def make_video_from_selected(self) -> None:
        """One image-to-video job per selected image job, starting from its output."""
        new_rows = []
        for row in self.selected_rows():
            parent = self.jobs.rows[row]
            model = self.backend.catalog.get(parent.spec.model)
            if model is None or model.is_video:
                continue
            spec = JobSpec(f"{parent.spec.name} video", DEFAULT_CHAIN_MODEL,
                           {"prompt": parent.spec.inputs.get("prompt", "")}, parent.spec.output_subfolder,
                           image_from=parent.spec.name)
            with self._undoable(translate("MainWindow", "Make a video")):
                new_rows.extend(self.jobs.insert([spec], row + 1 + len(new_rows)))
        if new_rows:
            self.costs.refresh_rows(new_rows)
            self.select_rows(new_rows)
            self._mark_dirty()

    def duplicate_selected(self) -> None:
        with self._undoable(translate("MainWindow", "Duplicate jobs")):
            rows = self.jobs.duplicate(self.selected_rows())
        self.costs.refresh_rows(rows)
        self.select_rows(rows)
        self._mark_dirty()

    def move_selected(self, where: str) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        if self.controller.running:
            for row in rows:
                self.controller.move(row, where)
            return
        with self._undoable(translate("MainWindow", "Move jobs to the top") if where == "top"
                            else translate("MainWindow", "Move jobs to the bottom")):
            first = self.jobs.move(rows, 0 if where == "top" else len(self.jobs))
        self.select_rows(range(first, first + len(rows)))
        self._mark_dirty()

    def delete_selected(self) -> None:
        if self.controller.running:
            return
        with self._undoable(translate("MainWindow", "Delete jobs")):
            self.jobs.remove(self.selected_rows())
        self.costs.refresh_all()
        self._mark_dirty()

