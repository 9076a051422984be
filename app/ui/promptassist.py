"""Prompt help in the editor: translate to English, improve for the model's type, or vary.

Calls run on this panel's pool (a QRunnable per request, several rows in turn); the reply
streams into the panel as it arrives and Cancel stops it between pieces. Widgets are touched
only here, on the GUI thread, from the worker's queued signals. A result replaces the prompt
as one undoable change and the prompt as written is kept (saved with the job set, shown
under the editor); a refused reply or an unreachable LLM changes nothing and says why. Each
call's cost goes to today's spend (the ledger) and the panel's running total.
"""

from __future__ import annotations

import copy
import threading
from decimal import Decimal

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from app.engine.atlas.llm import LLMCancelled, LLMError, default_model, text_models
from app.engine.jobs.promptassist import (LANGUAGES, MAX_VARIATIONS, PromptReplyError, assist, estimated_cost,
                                          language_of)
from app.engine.jobs.spec import JobSpec
from app.ui import theme
from app.ui.tasks import Task

SETTINGS_GROUP = "prompt_assist"


class _Signals(QObject):
    delta = Signal(int, str)
    result = Signal(int, object)  # row, AssistResult
    refused = Signal(int, str, object)  # row, sentence, cost (Decimal) of the call
    failed = Signal(str)
    finished = Signal()


class AssistWork(QRunnable):
    """One request over several rows, in turn; stops at the first LLM error or a cancel."""

    def __init__(self, llm, model, kind: str, items: list[tuple[int, str, bool]], count: int):
        super().__init__()
        self.llm, self.model, self.kind, self.items, self.count = llm, model, kind, items, count
        self.cancel = threading.Event()
        self.signals = _Signals()

    def run(self) -> None:
        try:
            for row, prompt, is_video in self.items:
                if self.cancel.is_set():
                    break
                try:
                    result = assist(self.llm, self.model, self.kind, prompt, is_video=is_video, count=self.count,
                                    on_delta=lambda text, row=row: self.signals.delta.emit(row, text),
                                    cancelled=self.cancel.is_set)
                except PromptReplyError as exc:
                    chat = getattr(exc, "chat", None)
                    self.signals.refused.emit(row, str(exc), chat.cost if chat is not None else Decimal(0))
                    continue
                self.signals.result.emit(row, result)
        except LLMCancelled:
            pass
        except LLMError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: said, never lost in a pool thread
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            self.llm.close()
            self.signals.finished.emit()


class PromptAssistPanel(QGroupBox):
    """Lives under the editor; ``window`` is the main window (its rows, undo and backend)."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Prompt help (Atlas LLM)"))
        self.setObjectName("prompt_assist")
        self.window_ = window
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.originals: dict[str, str] = {}  # job name -> the prompt as written
        self.spent = Decimal(0)
        self._models = []
        self._work: AssistWork | None = None
        self._kind = ""
        self._new_rows: list[JobSpec] = []
        self._streaming_row = -1
        self.model_box = QComboBox(self)
        self.model_box.setObjectName("assist_model")
        self.model_box.setToolTip(self.tr("The catalog's Text models; a cheap one is chosen unless you pick another"))
        self.translate_button = QPushButton(self.tr("Translate to English"), self)
        self.translate_button.setObjectName("assist_translate")
        self.translate_button.setToolTip(self.tr("Korean, Japanese or Chinese prompts of the selected jobs into "
                                                 "English; the originals are kept"))
        self.improve_button = QPushButton(self.tr("Improve"), self)
        self.improve_button.setObjectName("assist_improve")
        self.improve_button.setToolTip(self.tr("Richer prompts: camera and motion for video, composition and light "
                                               "for images"))
        self.vary_button = QPushButton(self.tr("Variations"), self)
        self.vary_button.setObjectName("assist_vary")
        self.vary_count = QSpinBox(self)
        self.vary_count.setRange(1, MAX_VARIATIONS)
        self.vary_count.setValue(3)
        self.vary_count.setToolTip(self.tr("How many new rows the variations make"))
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.setObjectName("assist_cancel")
        self.cancel_button.setEnabled(False)
        self.reply = QPlainTextEdit(self)
        self.reply.setObjectName("assist_reply")
        self.reply.setReadOnly(True)
        self.reply.setMaximumHeight(70)
        self.reply.setPlaceholderText(self.tr("The LLM's reply appears here as it arrives."))
        self.original = QLabel(self)
        self.original.setObjectName("assist_original")
        self.original.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("assist_status")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for widget in (self.translate_button, self.improve_button, self.vary_button, self.vary_count,
                       self.cancel_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("LLM"), self))
        top.addWidget(self.model_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.reply)
        layout.addWidget(self.original)
        layout.addWidget(self.status)
        self.translate_button.clicked.connect(lambda: self.start("translate"))
        self.improve_button.clicked.connect(lambda: self.start("improve"))
        self.vary_button.clicked.connect(lambda: self.start("variations"))
        self.cancel_button.clicked.connect(self.cancel)
        self.model_box.currentIndexChanged.connect(self._model_chosen)
        window.table.selectionModel().selectionChanged.connect(self.show_selection)
        self._set_busy(False)
        self.load_models()

    # --- the LLM list --------------------------------------------------------------------
    def load_models(self) -> None:
        self._set_buttons(False)
        self.status.setText(self.tr("Reading the catalog's LLMs…"))
        backend = self.window_.backend
        task = Task(lambda: text_models(_listed(backend)))
        task.signals.done.connect(self._models_loaded)
        task.signals.failed.connect(self._models_failed)
        self.pool.start(task)

    def _models_loaded(self, models) -> None:
        self._models = list(models)
        remembered = self._remembered("model")
        chosen = default_model(self._models, remembered)
        self.model_box.blockSignals(True)
        self.model_box.clear()
        for model in self._models:
            self.model_box.addItem(model.label(), model.model_id)
        if chosen is not None:
            self.model_box.setCurrentIndex(self.model_box.findData(chosen.model_id))
        self.model_box.blockSignals(False)
        if not self._models:
            self.status.setText(self.tr("The catalog lists no priced LLM, so prompt help is unavailable."))
            return
        self.status.setText("")
        self._set_buttons(True)

    def _models_failed(self, reason: str) -> None:
        self.status.setText(self.tr("Prompt help is unavailable: the LLM list could not be read ({reason}).").format(
            reason=reason))

    def _model_chosen(self, _index: int) -> None:
        self._remember("model", self.model_box.currentData())

    def current_model(self):
        model_id = self.model_box.currentData()
        return next((m for m in self._models if m.model_id == model_id), None)

    # --- a request -----------------------------------------------------------------------
    def start(self, kind: str) -> None:
        window = self.window_
        model = self.current_model()
        rows = window.selected_rows()
        if model is None or not rows or self._work is not None:
            return
        items = []
        for row in rows if kind != "variations" else rows[:1]:
            spec = window.jobs.rows[row].spec
            prompt = spec.inputs.get("prompt")
            if not isinstance(prompt, str) or not prompt.strip():
                continue
            if kind == "translate" and language_of(prompt) is None:
                continue
            info = window.backend.catalog.get(spec.model)
            items.append((row, prompt, bool(info and info.is_video)))
        if not items:
            self.status.setText(self.tr("No Korean, Japanese or Chinese prompt among the selected jobs.")
                                if kind == "translate" else self.tr("The selected jobs have no prompt."))
            return
        count = self.vary_count.value()
        estimate = estimated_cost(model, kind, [prompt for _, prompt, _ in items], count)
        if kind == "variations":
            spec = window.jobs.rows[items[0][0]].spec
            asked = QMessageBox.question(
                self, self.tr("Variations"),
                self.tr("Ask {model} for {count} variations of \"{name}\"? The call costs at most ${llm:.4f}; the "
                        "{count} new rows would cost about {each} each to generate.").format(
                    model=model.name, count=count, name=spec.name, llm=estimate,
                    each=window.jobs.rows[items[0][0]].cost.label() if window.jobs.rows[items[0][0]].cost else "?"))
            if asked != QMessageBox.StandardButton.Yes:
                return
        self._kind = kind
        self._remember("last_action", kind)
        self.reply.clear()
        self.status.setText(self.tr("Asking {model} about %n prompt(s), at most ${cost:.4f}…", "", len(items)).format(
            model=model.name, cost=estimate))
        self._work = AssistWork(window.backend.llm(), model, kind, items, count)
        self._work.setAutoDelete(True)
        self._work.signals.delta.connect(self._delta)
        self._work.signals.result.connect(self._result)
        self._work.signals.refused.connect(self._refused)
        self._work.signals.failed.connect(self._failed)
        self._work.signals.finished.connect(self._finished)
        self._set_busy(True)
        self.pool.start(self._work)

    def cancel(self) -> None:
        if self._work is not None:
            self._work.cancel.set()
            self.status.setText(self.tr("Cancelling; nothing more is changed."))

    def _delta(self, row: int, text: str) -> None:
        if row != self._streaming_row and self.reply.toPlainText():
            self.reply.insertPlainText("\n")  # each job's reply on its own line
        self._streaming_row = row
        self.reply.insertPlainText(text)

    def _charge(self, cost: Decimal) -> None:
        self.spent += cost
        try:
            self.window_.backend.ledger().add(cost)
        except OSError:
            pass  # the ledger is a cap's helper; a full disk must not lose the prompt

    def _result(self, row: int, result) -> None:
        self._charge(result.cost)
        window = self.window_
        if row >= len(window.jobs):
            return
        if result.kind == "variations":
            base = window.jobs.rows[row].spec
            for number, prompt in enumerate(result.prompts, 1):
                spec = copy.deepcopy(base)
                spec.name = f"{base.name} v{number}"
                spec.inputs["prompt"] = prompt
                self._new_rows.append(spec)
            return
        spec = copy.deepcopy(window.jobs.rows[row].spec)
        self.originals.setdefault(spec.name, result.original)
        spec.inputs["prompt"] = result.prompts[0]
        with window._undoable(self.tr("Translate prompt") if result.kind == "translate" else self.tr("Improve prompt")):
            window.jobs.set_spec(row, spec)
        window.costs.refresh_rows([row])
        window._mark_dirty()
        self.show_selection()

    def _refused(self, row: int, sentence: str, cost) -> None:
        self._charge(cost)
        name = self.window_.jobs.rows[row].spec.name if row < len(self.window_.jobs) else "?"
        self.status.setText(f"\"{name}\": {sentence}")

    def _failed(self, sentence: str) -> None:
        self.status.setText(sentence)
        theme.accent(self.status, "error")

    def _finished(self) -> None:
        window = self.window_
        if self._new_rows:
            with window._undoable(self.tr("Add %n variation(s)", "", len(self._new_rows))):
                rows = window.jobs.insert(self._new_rows, window.selected_rows()[-1] + 1 if window.selected_rows()
                                          else len(window.jobs))
            window.costs.refresh_rows(rows)
            window._mark_dirty()
            self._new_rows = []
        cancelled = self._work is not None and self._work.cancel.is_set()
        self._work = None
        self._set_busy(False)
        if cancelled:
            self.status.setText(self.tr("Cancelled; what had arrived was not used."))
        elif "…" in self.status.text():
            self.status.setText(self.tr("Done. Prompt help spent ${spent:.6f} in this session (counted in "
                                        "today's spend).").format(spent=self.spent))

    def _set_busy(self, busy: bool) -> None:
        self._set_buttons(not busy and bool(self._models))
        self.cancel_button.setEnabled(busy)
        self.model_box.setEnabled(not busy)
        if busy:
            theme.accent(self.status, "muted")

    def _set_buttons(self, enabled: bool) -> None:
        for button in (self.translate_button, self.improve_button, self.vary_button, self.vary_count):
            button.setEnabled(enabled)

    # --- what is shown for the selection ---------------------------------------------------
    def show_selection(self, *_) -> None:
        rows = self.window_.selected_rows()
        spec = self.window_.jobs.rows[rows[0]].spec if len(rows) == 1 else None
        original = self.originals.get(spec.name) if spec is not None else None
        if original and original != spec.inputs.get("prompt"):
            language = LANGUAGES.get(language_of(original) or "", "")
            self.original.setText(self.tr("As written{language}: {prompt}").format(
                language=f" ({language})" if language else "", prompt=original))
        else:
            self.original.setText("")

    def set_originals(self, originals: dict[str, str]) -> None:
        self.originals = dict(originals or {})
        self.show_selection()

    def originals_for(self, specs: list[JobSpec]) -> dict[str, str]:
        """The originals of the jobs still in the list, whose prompt is still the one sent."""
        if not self.originals:
            return {}  # the usual case: no 50,000-name set to build
        names = {spec.name for spec in specs}
        return {name: text for name, text in self.originals.items() if name in names}

    # --- remembered per job set ------------------------------------------------------------
    def _key(self, what: str) -> str:
        path = self.window_.document_path
        return f"{SETTINGS_GROUP}/{what}/{str(path) if path else 'untitled'}"

    def _remembered(self, what: str):
        return self.window_.settings.qsettings.value(self._key(what))

    def _remember(self, what: str, value) -> None:
        if value is not None:
            self.window_.settings.qsettings.setValue(self._key(what), value)


def _listed(backend) -> list[dict]:
    client = backend.client()
    try:
        return client.list_models()
    finally:
        client.close()


def capture_after_translating(window, capture) -> None:
    """For the README's picture: every job selected, translated, then the first one shown."""
    from PySide6.QtCore import QTimer

    panel = window.assist

    def when_ready() -> None:
        if not panel.model_box.count():
            QTimer.singleShot(100, when_ready)
            return
        window.select_rows(range(len(window.jobs)))
        panel.translate_button.click()
        QTimer.singleShot(100, when_done)

    def when_done() -> None:
        if panel._work is not None:
            QTimer.singleShot(100, when_done)
            return
        window.select_rows([0])
        window.dirty = False  # a picture, not an edit to keep: closing must not ask
        QTimer.singleShot(600, capture)

    when_ready()
