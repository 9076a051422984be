"""File > Recover from Atlas…: the account's recent generations, chosen ones downloaded.

The history is read on a pool thread; the chosen tasks become a batch folder the controller
follows like a reopened one (app.engine.run.recover makes the records), so their outputs are
downloaded while the URLs still work, with the store, the manifest and each request body as
the recipe.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout)

from app.engine.jobs.outputs import folder_problem
from app.engine.run import recover
from app.engine.run.store import JobStore
from app.ui.tasks import Task



class RecoverDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(self.tr("Recover from Atlas"))
        self.setObjectName("recover_dialog")
        self.resize(760, 460)
        self.pool = QThreadPool(self)
        self.entries: list[recover.Recoverable] = []
        self.span = QComboBox(self)
        for code, label in (("1d", self.tr("the last day")), ("7d", self.tr("the last 7 days")),
                            ("30d", self.tr("the last 30 days"))):
            self.span.addItem(label, code)
        self.span.setCurrentIndex(1)
        self.reload = QPushButton(self.tr("Refresh"), self)
        self.listing = QListWidget(self)
        self.listing.setObjectName("recover_list")
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.download = self.buttons.addButton(self.tr("Download chosen…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Generations of this key made in"), self))
        top.addWidget(self.span)
        top.addWidget(self.reload)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Everything this API key generated, here or elsewhere. Tick the ones to "
                                        "download into a new batch folder while their links still work."), self))
        layout.addLayout(top)
        layout.addWidget(self.listing, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.reload.clicked.connect(self.load)
        self.span.currentIndexChanged.connect(self.load)
        self.buttons.rejected.connect(self.reject)
        self.download.clicked.connect(self.download_chosen)
        self.load()

    def load(self) -> None:
        self.download.setEnabled(False)
        self.status.setText(self.tr("Reading the account's history…"))
        backend, since = self.window_.backend, recover.parse_since(self.span.currentData())

        def work():
            client = backend.client()
            try:
                return recover.assess(recover.recent(client, since), backend.catalog)
            finally:
                client.close()

        task = Task(work)
        task.signals.done.connect(self._loaded)
        task.signals.failed.connect(self._failed)
        self.pool.start(task)

    def _loaded(self, entries) -> None:
        self.entries = list(entries)
        self.listing.clear()
        for entry in self.entries:
            text = recover.describe(entry.item) + ("" if entry.ok else f"  ({entry.problem})")
            item = QListWidgetItem(text, self.listing)
            if entry.ok:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        usable = sum(1 for e in self.entries if e.ok)
        self.status.setText(self.tr("%n generation(s) found; {usable} can be downloaded.", "",
                                    len(self.entries)).format(usable=usable))
        self.download.setEnabled(usable > 0)

    def _failed(self, reason: str) -> None:
        self.status.setText(self.tr("The account's history could not be read: {reason}").format(reason=reason))

    def chosen(self) -> list[recover.Recoverable]:
        return [entry for row, entry in enumerate(self.entries)
                if entry.ok and self.listing.item(row).checkState() == Qt.CheckState.Checked]

    def download_chosen(self, folder: Path | None = None) -> bool:
        chosen = self.chosen()
        if not chosen:
            self.status.setText(self.tr("Tick at least one generation to download."))
            return False
        if not isinstance(folder, Path):
            start = str(recover.default_folder(self.window_.settings.output_dir))
            picked = QFileDialog.getExistingDirectory(self, self.tr("Download into a new batch folder"), start)
            if not picked:
                return False
            folder = Path(picked)
        if (problem := folder_problem(folder)) is not None:
            self.status.setText(problem)
            return False
        store = JobStore(folder)
        try:
            if store.unfinished():
                self.status.setText(self.tr("{folder} holds an unfinished batch; choose another folder.").format(
                    folder=folder))
                return False
            store.new_batch(recover.recovered_records(chosen, self.window_.backend.catalog))
        finally:
            store.close()
        self.accept()
        # Followed like a reopened batch: every job is already submitted, so nothing is sent.
        return self.window_.reopen_folder(folder)
