"""The main window's model catalog, settings and balance: choosing a model, refreshing the
list, following a new catalog, and the balance shown in the status bar. A mixin of MainWindow."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.engine.atlas.pricing import format_money
from app.ui import theme
from app.ui.dialogs import SettingsDialog
from app.ui.tasks import Task

# These texts keep the window's translation context, "MainWindow", under which the catalogues hold
# them; lupdate reads each call's literal context. Texts that count (%n) come from the window's
# _text_* methods instead: lupdate reads a count only from self.tr().
translate = QCoreApplication.translate


class WindowCatalog:
    """The model catalog, the settings dialog and the balance. A mixin of MainWindow, which
    builds what it uses."""

    def choose_model(self) -> None:
        if self.editor.picker.isEnabled():
            self.editor.picker.open_browser()

    def refresh_catalog(self, force: bool = True) -> bool:
        started = self.catalogs.refresh(force)
        if started:
            self.statusBar().showMessage(translate("MainWindow", "Fetching the model list…"))
        elif self.backend.demo:
            self.statusBar().showMessage(translate(
                "MainWindow", "Demo mode uses the simulator's models; there is nothing to refresh."), 8000)
        return started

    def _catalog_busy(self, busy: bool) -> None:
        self.act_refresh_catalog.setEnabled(not busy)

    def _catalog_changed(self, catalog) -> None:
        """Every view moves to the new catalog together; a job whose model is gone becomes invalid."""
        self.model.catalog = catalog
        self.editor.set_catalog(catalog, catalog.problem)
        self.costs.schema_failures.clear()
        self.costs.refresh_all()
        if self._load_waiting is not None:
            self.catalogs.ensure_schemas(self._load_waiting[2])
        self._selection_changed()

    def _catalog_problem(self, problem: str) -> None:
        catalog = self.backend.catalog
        self.editor.picker.set_catalog(catalog, problem or None)
        if problem:
            self.statusBar().showMessage(problem[:1].upper() + problem[1:], 15000)
        else:
            self.statusBar().showMessage(
                translate("MainWindow", "Model list: {source}.").format(source=catalog.describe()), 8000)

    def _schemas_loaded(self, model_ids, failures: dict) -> None:
        self.costs.schemas_arrived(model_ids, failures)
        self._load_if_schemas_arrived()

    # --- settings and balance ----------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.output_dir = self.settings.output_dir
            self._update_status()
            if dialog.key_changed or self.settings.demo_mode != self.backend.demo:
                QMessageBox.information(self, translate("MainWindow", "Settings saved"), translate(
                    "MainWindow", "Restart Batch Studio to switch between Demo and Live mode."))
            elif dialog.language_changed:
                QMessageBox.information(self, translate("MainWindow", "Settings saved"), translate(
                    "MainWindow", "The new language applies when Batch Studio starts again."))
            if dialog.theme_changed:
                theme.apply(QApplication.instance(), self.settings.theme)

    def refresh_balance(self) -> None:
        if not self.backend.has_key:
            self.balance_text = ""
            self._update_status()
            return
        backend = self.backend

        def fetch():
            client = backend.client()
            try:
                return client.balance()
            finally:
                client.close()

        task = Task(fetch)
        task.signals.done.connect(self._show_balance)
        self.costs.pool.start(task)

    def _show_balance(self, amount) -> None:
        label = (translate("MainWindow", "Demo balance {amount}.") if self.backend.demo
                 else translate("MainWindow", "Balance {amount}."))
        self.balance_text = label.format(amount=format_money(amount))
        self._update_status()

