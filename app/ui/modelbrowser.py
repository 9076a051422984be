"""Choosing a model among hundreds: grouped by task, searchable, filtered by provider.

The items are built once per catalog; typing only re-filters a proxy over them, so the
browser opens and narrows at once with 400 models. The models chosen last come first.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTreeView, QVBoxLayout, QWidget)

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.ui import theme
from app.ui.modeltiers import TierLine

MODEL_ROLE = Qt.ItemDataRole.UserRole + 10
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 11
PROVIDER_ROLE = Qt.ItemDataRole.UserRole + 12
NAME, MODEL_ID, PRICE = range(3)

RECENT_KEY = "models/recent"
RECENT_COUNT = 8
RECENT_GROUP = "recent"
# In the order the groups are shown; ModelInfo.task gives one of these keys.
TASKS = (
    ("text-to-image", QT_TRANSLATE_NOOP("ModelBrowser", "Text to image")),
    ("image-edit", QT_TRANSLATE_NOOP("ModelBrowser", "Image editing")),
    ("image-to-image", QT_TRANSLATE_NOOP("ModelBrowser", "Image to image")),
    ("text-to-video", QT_TRANSLATE_NOOP("ModelBrowser", "Text to video")),
    ("image-to-video", QT_TRANSLATE_NOOP("ModelBrowser", "Image to video")),
    ("reference-to-video", QT_TRANSLATE_NOOP("ModelBrowser", "Reference to video")),
    ("video-to-video", QT_TRANSLATE_NOOP("ModelBrowser", "Video to video")),
    ("other", QT_TRANSLATE_NOOP("ModelBrowser", "Other")),
)
TASK_KEYS = tuple(key for key, _ in TASKS)


def recent_models(settings: QSettings | None = None) -> list[str]:
    value = (settings or QSettings()).value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a one-element list back as a plain string
        value = [value]
    return [str(model_id) for model_id in (value or []) if model_id][:RECENT_COUNT]


def remember_model(model_id: str, settings: QSettings | None = None) -> None:
    settings = settings or QSettings()
    recent = [model_id] + [other for other in recent_models(settings) if other != model_id]
    settings.setValue(RECENT_KEY, recent[:RECENT_COUNT])


def price_text(price: Decimal | None) -> str:
    return "" if price is None else f"${price.normalize():f}"


def _model_row(model: ModelInfo) -> list[QStandardItem]:
    name = QStandardItem(model.display_name)
    identity = QStandardItem(model.model_id)
    price = QStandardItem(price_text(model.list_price))
    price.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    tip = model.model_id + ("\n" + ", ".join(model.categories) if model.categories else "")
    for item in (name, identity, price):
        item.setEditable(False)
        item.setData(model.model_id, MODEL_ROLE)
        item.setToolTip(tip)
    # Everything a search may match, lowered once here rather than on every keystroke.
    name.setData(" ".join((model.model_id, model.display_name, model.provider, *model.categories)).lower(),
                 SEARCH_ROLE)
    name.setData(model.provider, PROVIDER_ROLE)
    return [name, identity, price]


def _group_row(title: str, key: str) -> list[QStandardItem]:
    heading = QStandardItem(title)
    font = QFont()
    font.setBold(True)
    heading.setFont(font)
    heading.setData(key, SEARCH_ROLE)  # a group is told apart from a model by having no MODEL_ROLE
    row = [heading, QStandardItem(), QStandardItem()]
    for item in row:
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    return row


class ModelItems(QStandardItemModel):
    """A catalog's models as rows under task headings, plus a "Recently used" heading first."""

    def __init__(self, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.setHorizontalHeaderLabels([self.tr("Model"), self.tr("ID"), self.tr("Catalog price")])
        self.setHeaderData(PRICE, Qt.Orientation.Horizontal,
                           self.tr("The price the catalog lists for the model; its unit differs between models. "
                                   "The jobs table shows each job's estimate or quote."), Qt.ItemDataRole.ToolTipRole)
        recent = _group_row(self.tr("Recently used"), RECENT_GROUP)
        self.recent = recent[0]
        self.appendRow(recent)
        by_task: dict[str, list[ModelInfo]] = {}
        for model in catalog.models.values():
            task = model.task if model.task in TASK_KEYS else "other"
            by_task.setdefault(task, []).append(model)
        for key, title in TASKS:
            models = sorted(by_task.get(key, ()), key=lambda m: (m.display_name.lower(), m.model_id))
            if not models:
                continue
            group = _group_row(QCoreApplication.translate("ModelBrowser", title), key)
            for model in models:
                group[0].appendRow(_model_row(model))
            self.appendRow(group)
        self.providers = sorted({model.provider for model in catalog.models.values() if model.provider})

    def set_recent(self, model_ids: list[str]) -> None:
        self.recent.removeRows(0, self.recent.rowCount())
        for model_id in model_ids:
            model = self.catalog.get(model_id)
            if model is not None:
                self.recent.appendRow(_model_row(model))


class ModelFilter(QSortFilterProxyModel):
    """Shows the models whose id, name, provider or categories hold every typed word; a
    heading shows while one of its models does (recursive filtering)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.words: list[str] = []
        self.provider = ""

    def set_filter(self, text: str, provider: str) -> None:
        words = text.lower().split()
        if words == self.words and provider == self.provider:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateRowsFilter is deprecated there
            self.beginFilterChange()
            self.words, self.provider = words, provider
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.words, self.provider = words, provider
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        index = self.sourceModel().index(source_row, NAME, source_parent)
        if index.data(MODEL_ROLE) is None:
            return False  # a heading: shown through its models
        if self.provider and index.data(PROVIDER_ROLE) != self.provider:
            return False
        haystack = index.data(SEARCH_ROLE)
        return all(word in haystack for word in self.words)


class ModelBrowser(QDialog):
    """The popup: search box, provider filter, the grouped tree, and where the list came from.
    Typing filters, Up/Down move between models, Enter chooses, Esc closes."""

    chosen = Signal(str)

    def __init__(self, parent=None):
        # A dialog, not a Qt.Popup: a popup grabs the keyboard, which some platforms refuse.
        super().__init__(parent, Qt.WindowType.Dialog)
        self.setWindowTitle(self.tr("Choose a model"))
        self.setObjectName("model_browser")
        self.items: ModelItems | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("model_search")
        self.search.setPlaceholderText(self.tr("Search by name, id, provider or category…"))
        self.search.setClearButtonEnabled(True)
        self.provider = QComboBox(self)
        self.provider.setObjectName("model_provider")
        top.addWidget(self.search, 1)
        top.addWidget(self.provider)
        layout.addLayout(top)
        self.filter = ModelFilter(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("model_tree")
        self.tree.setModel(self.filter)
        self.tree.setUniformRowHeights(True)  # lets the view skip measuring hundreds of rows
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAllColumnsShowFocus(True)
        layout.addWidget(self.tree, 1)
        self.source = QLabel(self)
        self.source.setObjectName("catalog_source")
        self.source.setWordWrap(True)
        layout.addWidget(self.source)
        self.problem = QLabel(self)
        self.problem.setObjectName("catalog_problem")
        self.problem.setWordWrap(True)
        theme.accent(self.problem, "attention")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.tiers = TierLine(self)
        layout.insertWidget(layout.indexOf(self.source), self.tiers)
        self.resize(760, 520)
        self.search.textChanged.connect(self._filter_changed)
        self.provider.currentIndexChanged.connect(self._filter_changed)
        self.tree.activated.connect(self._activated)
        self.tree.selectionModel().currentChanged.connect(
            lambda index, _previous: self.tiers.show_for(index.data(MODEL_ROLE), self.items and self.items.catalog))
        self.search.installEventFilter(self)

    def set_items(self, items: ModelItems) -> None:
        if items is self.items:
            return
        self.items = items
        self.filter.setSourceModel(items)
        # Set once the columns exist: modes given to a header without sections are lost.
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MODEL_ID, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PRICE, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnWidth(MODEL_ID, 300)
        self.provider.blockSignals(True)
        self.provider.clear()
        self.provider.addItem(self.tr("All providers"), "")
        for provider in items.providers:
            self.provider.addItem(provider, provider)
        self.provider.blockSignals(False)
        self._filter_changed()

    def set_source(self, description: str, problem: str | None) -> None:
        self.source.setText(description)
        self.problem.setText(problem or "")
        self.problem.setVisible(bool(problem))

    def reset(self, current: str | None) -> None:
        """Called before each showing: an empty search, every provider, the current model selected."""
        self.search.clear()
        self.provider.setCurrentIndex(0)
        self._filter_changed()
        if current:
            for index in self._model_indexes():
                if index.data(MODEL_ROLE) == current and index.parent().data(SEARCH_ROLE) != RECENT_GROUP:
                    self._make_current(index)
                    break
        self.search.setFocus()

    def _filter_changed(self, *_) -> None:
        self.filter.set_filter(self.search.text(), self.provider.currentData() or "")
        self.tree.expandAll()
        first = next(self._model_indexes(), None)
        if first is not None:
            self._make_current(first)
        self.tree.scrollToTop()  # the first heading stays in sight above the first model

    def _model_indexes(self):
        """The visible model rows, top to bottom (headings skipped)."""
        for group_row in range(self.filter.rowCount()):
            group = self.filter.index(group_row, NAME)
            for row in range(self.filter.rowCount(group)):
                yield self.filter.index(row, NAME, group)

    def _make_current(self, index) -> None:
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    def _step(self, offset: int) -> None:
        indexes = list(self._model_indexes())
        if not indexes:
            return
        current = self.tree.currentIndex().siblingAtColumn(NAME)
        position = indexes.index(current) if current in indexes else -offset
        self._make_current(indexes[max(0, min(len(indexes) - 1, position + offset))])

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._step(10 if key == Qt.Key.Key_PageDown else -10)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._activated(self.tree.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._activated(self.tree.currentIndex())  # not the dialog's default button
            return
        super().keyPressEvent(event)

    def _activated(self, index) -> None:
        model_id = index.data(MODEL_ROLE) if index.isValid() else None
        if model_id:
            self.accept()
            self.chosen.emit(model_id)


class ModelPicker(QWidget):
    """A button naming the current model; it opens the browser. Same API as the combo box it
    replaces: ``model_chosen``, ``current()``, ``set_current()``."""

    model_chosen = Signal(str)

    def __init__(self, catalog: Catalog, parent=None, settings: QSettings | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.settings = settings
        self.problem: str | None = None
        self._current: str | None = None
        self._items: ModelItems | None = None
        self._browser: ModelBrowser | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton(self)
        self.button.setObjectName("model_picker")
        self.button.setStyleSheet("text-align: left; padding: 4px 8px;")
        layout.addWidget(self.button)
        self.button.clicked.connect(self.open_browser)
        self._show_current()

    def set_catalog(self, catalog: Catalog, problem: str | None = None) -> None:
        """A new catalog (or the same one with a new refresh problem); items are rebuilt when next shown."""
        if catalog is not self.catalog:
            self.catalog = catalog
            self._items = None
        self.problem = problem
        self._show_current()
        if self._browser is not None and self._browser.isVisible():
            self._prepare_browser()

    def current(self) -> str | None:
        return self._current

    def set_current(self, model_id: str | None) -> None:
        self._current = model_id
        self._show_current()

    def _show_current(self) -> None:
        model = self.catalog.get(self._current) if self._current else None
        if model is not None:
            self.button.setText(self.tr("{name}  ·  {id}").format(name=model.display_name, id=model.model_id))
        elif self._current:
            self.button.setText(self.tr("{id} (not in the catalog)").format(id=self._current))
        else:
            self.button.setText(self.tr("Choose a model…"))
        self.button.setToolTip(self.tr("Choose among {count} models ({source})").format(
            count=len(self.catalog.models), source=self.catalog.describe()))

    def browser(self) -> ModelBrowser:
        if self._browser is None:
            self._browser = ModelBrowser(self)
            self._browser.chosen.connect(self._chosen)
        return self._browser

    def _prepare_browser(self) -> ModelBrowser:
        browser = self.browser()
        if self._items is None:
            self._items = ModelItems(self.catalog, self)
        self._items.set_recent(recent_models(self.settings))
        replaced = browser.items
        browser.set_items(self._items)
        if replaced is not None and replaced is not self._items:
            replaced.deleteLater()  # an earlier catalog's items: nothing shows them any more
        browser.set_source(self.catalog.describe(), self.problem or getattr(self.catalog, "problem", None))
        return browser

    def open_browser(self) -> ModelBrowser:
        browser = self._prepare_browser()
        browser.reset(self._current)
        below = self.button.mapToGlobal(self.button.rect().bottomLeft())
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            # Under the button, but never partly off the screen (the button sits at the right edge).
            browser.resize(min(browser.width(), screen.width()), min(browser.height(), screen.height()))
            below.setX(max(screen.left(), min(below.x(), screen.right() - browser.width())))
            below.setY(max(screen.top(), min(below.y(), screen.bottom() - browser.height())))
        browser.move(below)
        browser.show()
        browser.search.setFocus()
        return browser

    def _chosen(self, model_id: str) -> None:
        remember_model(model_id, self.settings)
        self.set_current(model_id)
        self.model_chosen.emit(model_id)
