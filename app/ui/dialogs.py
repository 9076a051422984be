"""Settings, the first-start choice, and error dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.engine.atlas import secrets
from app.engine.atlas.client import DEFAULT_BASE_URL
from app.engine.jobs.outputs import folder_problem as output_folder_problem
from app.ui import i18n
from app.ui.settings import AppSettings


def folder_problem(folder: Path) -> str | None:
    problem = output_folder_problem(folder)
    if problem is None:
        return None
    return QCoreApplication.translate("dialogs", "Batch Studio {problem}. Choose another folder.").format(
        problem=problem)


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.settings = settings
        self.key_changed = self.language_changed = self.theme_changed = False
        env_key = secrets.key_from_environment()
        stored_key = secrets.key_from_keyring()
        self.key = QLineEdit(self)
        self.key.setObjectName("api_key")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("apikey-…")
        self.key_status = QLabel(self)
        self.key_status.setWordWrap(True)
        if env_key:
            self.key.setEnabled(False)
            self.key_status.setText(self.tr("Using the key from ATLASCLOUD_API_KEY ({key}); the environment wins "
                                            "over a stored key.").format(key=secrets.masked(env_key)))
        elif stored_key:
            self.key_status.setText(self.tr("A key is stored in the system keyring ({key}). Type a new one to "
                                            "replace it.").format(key=secrets.masked(stored_key)))
        else:
            self.key_status.setText(self.tr("No key yet: Batch Studio runs in demo mode. Keys look like apikey-…"))
        self.base_url = QLineEdit(settings.base_url, self)
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.concurrency = QSpinBox(self)
        self.concurrency.setRange(1, 64)
        self.concurrency.setValue(settings.concurrency)
        self.image_limit = QSpinBox(self)
        self.image_limit.setRange(1, 240)
        self.image_limit.setSuffix(self.tr(" min"))
        self.image_limit.setValue(settings.image_limit_minutes)
        self.video_limit = QSpinBox(self)
        self.video_limit.setRange(1, 600)
        self.video_limit.setSuffix(self.tr(" min"))
        self.video_limit.setValue(settings.video_limit_minutes)
        self.daily_cap = QDoubleSpinBox(self)
        self.daily_cap.setObjectName("daily_cap")
        self.daily_cap.setPrefix("$")
        self.daily_cap.setRange(0, 1_000_000)
        self.daily_cap.setSpecialValueText(self.tr("none"))
        self.daily_cap.setValue(settings.daily_cap)
        self.daily_cap.setToolTip(self.tr("Across all batches in a day: nothing is submitted that would pass it."))
        self.resubmit_lost = QCheckBox(self.tr("Resubmit once a lost submit that Atlas's history shows was never "
                                               "created"), self)
        self.resubmit_lost.setObjectName("resubmit_lost")
        self.resubmit_lost.setChecked(settings.resubmit_lost)
        self.resubmit_lost.setToolTip(self.tr("Off: such a job waits for you instead. A lost submit found in the "
                                              "history is always followed, never sent again."))
        self.strict_budget = QCheckBox(self.tr("Refuse to run above the budget (instead of asking)"), self)
        self.strict_budget.setChecked(settings.strict_budget)
        self.demo = QCheckBox(self.tr("Demo mode: use the built-in simulator, nothing is billed"), self)
        self.demo.setChecked(settings.demo_mode)
        self.output = QLineEdit(str(settings.output_dir), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._choose_output)
        output_row = QWidget(self)
        output_layout = QHBoxLayout(output_row)
        output_layout.setContentsMargins(0, 0, 0, 0)
        output_layout.addWidget(self.output, 1)
        output_layout.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("API key"), self.key)
        form.addRow("", self.key_status)
        form.addRow(self.tr("Base URL"), self.base_url)
        form.addRow("", self.demo)
        form.addRow(self.tr("Jobs at once"), self.concurrency)
        form.addRow(self.tr("Image time limit"), self.image_limit)
        form.addRow(self.tr("Video time limit"), self.video_limit)
        form.addRow(self.tr("Daily spend cap"), self.daily_cap)
        form.addRow("", self.strict_budget)
        form.addRow("", self.resubmit_lost)
        form.addRow(self.tr("Default output folder"), output_row)
        self.embed_recipes = QCheckBox(self.tr("Write each output's recipe into the file (else beside it, the file "
                                               "kept exactly as downloaded)"), self)
        self.embed_recipes.setChecked(settings.embed_recipes)
        self.prompts_in_files = QCheckBox(self.tr("Include the prompts in the files' metadata"), self)
        self.prompts_in_files.setChecked(settings.prompts_in_files)
        self.prompts_in_files.setToolTip(self.tr("Off for files you share: the manifest and sidecars keep the "
                                                 "prompts."))
        form.addRow(self.tr("Recipes"), self.embed_recipes)
        form.addRow("", self.prompts_in_files)
        self.webhook = QLineEdit(settings.webhook_url, self)
        self.webhook.setPlaceholderText(self.tr("https://… (optional; a job set's webhook_url wins)"))
        self.webhook.setToolTip(self.tr("Signed JSON events when jobs finish or fail and when a batch ends or "
                                        "pauses. The signing secret comes from BATCH_STUDIO_WEBHOOK_SECRET or the "
                                        "keyring."))
        form.addRow(self.tr("Webhook URL"), self.webhook)
        self.executor = QComboBox(self)
        self.executor.addItem(self.tr("This computer"), "local")
        self.executor.addItem(self.tr("Celery workers (Redis)"), "celery")
        self.executor.setCurrentIndex(max(0, self.executor.findData(settings.executor)))
        self.broker = QLineEdit(settings.broker_url, self)
        self.broker.setPlaceholderText(self.tr("redis://127.0.0.1:6379/0 (or BATCH_STUDIO_BROKER_URL)"))
        form.addRow(self.tr("Run jobs on"), self.executor)
        form.addRow(self.tr("Broker URL"), self.broker)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language.addItem(self.tr("Same as the system"), "system")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)  # each language in its own words
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.language.setToolTip(self.tr("Applies when Batch Studio starts again."))
        form.addRow(self.tr("Language"), self.language)
        self.theme = QComboBox(self)
        self.theme.setObjectName("theme")
        for code, name in (("system", self.tr("Same as the system")), ("light", self.tr("Light")),
                           ("dark", self.tr("Dark"))):
            self.theme.addItem(name, code)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form.addRow(self.tr("Theme"), self.theme)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Output folder"), self.output.text())
        if folder:
            self.output.setText(folder)

    def accept(self) -> None:
        key = self.key.text().strip()
        if key:
            if not key.startswith("apikey-"):
                QMessageBox.warning(self, self.tr("API key"),
                                    self.tr("Atlas Cloud keys start with apikey-. Check the key and try again."))
                return
            try:
                secrets.store_key(key)
            except secrets.KeyringUnavailable as exc:
                QMessageBox.warning(self, self.tr("API key"), self.tr("The key was not saved: {reason}.").format(
                    reason=exc))
                return
            self.key_changed = True
            self.settings.demo_mode = False
        folder = Path(self.output.text().strip() or str(self.settings.output_dir)).expanduser()
        problem = folder_problem(folder)
        if problem:
            QMessageBox.warning(self, self.tr("Output folder"), problem)
            return
        if not key:
            self.settings.demo_mode = self.demo.isChecked()
        self.settings.base_url = self.base_url.text()
        self.settings.concurrency = self.concurrency.value()
        self.settings.image_limit_minutes = self.image_limit.value()
        self.settings.video_limit_minutes = self.video_limit.value()
        self.settings.strict_budget = self.strict_budget.isChecked()
        self.settings.daily_cap = self.daily_cap.value()
        self.settings.embed_recipes = self.embed_recipes.isChecked()
        self.settings.prompts_in_files = self.prompts_in_files.isChecked()
        self.settings.resubmit_lost = self.resubmit_lost.isChecked()
        webhook = self.webhook.text().strip()
        if webhook and not webhook.startswith(("http://", "https://")):
            QMessageBox.warning(self, self.tr("Webhook URL"),
                                self.tr("The webhook URL must start with http:// or https://."))
            return
        self.settings.webhook_url = webhook
        self.settings.executor = self.executor.currentData()
        self.settings.broker_url = self.broker.text().strip()
        self.settings.output_dir = folder
        self.language_changed = self.language.currentData() != self.settings.language
        self.settings.language = self.language.currentData()
        self.theme_changed = self.theme.currentData() != self.settings.theme
        self.settings.theme = self.theme.currentData()
        self.key.clear()  # the key never stays in a widget longer than needed
        super().accept()


class FirstRunDialog(QDialog):
    """Without a key: try the demo (the simulator on loopback), or enter a key."""

    DEMO, ENTER_KEY = 1, 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Batch Studio"))
        self.choice = self.DEMO
        text = QLabel(self.tr("No Atlas Cloud API key is set.\n\nTry the demo first: a local simulator stands in "
                              "for Atlas Cloud and makes real PNG and MP4 files. Nothing is real and nothing is "
                              "billed.\n\nOr enter your API key to generate for real."), self)
        text.setWordWrap(True)
        demo = QPushButton(self.tr("Try the demo"), self)
        demo.setObjectName("try_demo")
        key = QPushButton(self.tr("Enter an API key…"), self)
        demo.setDefault(True)
        demo.clicked.connect(lambda: self._done(self.DEMO))
        key.clicked.connect(lambda: self._done(self.ENTER_KEY))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(key)
        row.addWidget(demo)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(row)

    def _done(self, choice: int) -> None:
        self.choice = choice
        self.accept()


def show_problems(parent, title: str, heading: str, problems: list[str]) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, heading, QMessageBox.StandardButton.Ok, parent)
    shown = problems[:15]
    more = "\n" + QCoreApplication.translate("dialogs", "… and %n more", "", len(problems) - 15) \
        if len(problems) > 15 else ""
    box.setInformativeText("\n".join(f"• {p}" for p in shown) + more)
    box.exec()
