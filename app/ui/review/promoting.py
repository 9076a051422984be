"""Promote in review mode: "Promote picks to final" (Shift+P) re-renders the picked drafts on
their final tier, with "Keep this composition" to start each final from its draft's picture.

The plan is the engine's (review/promote.py), made on the view's pool; asking, the budget's
refusal and queueing are the view's re-roll path, so a promotion is priced, capped and confirmed
like a re-roll, then run by the window. Compare shows a final beside its draft, and the review
says what the drafts and finals saved.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QLabel, QMessageBox, QPushButton

from app.engine.atlas.ladders import build_ladders
from app.engine.review.promote import items_to_promote, plan_promote
from app.engine.review.reroll import RerollError
from app.engine.review.savings import PROMOTE, batch_saving
from app.engine.review.session import ReviewOutput

PROMOTE_SHORTCUT = "Shift+P"


class Promoter(QObject):
    def __init__(self, view, parent=None):
        super().__init__(parent or view)
        self.view = view
        self.button = QPushButton(self.tr("Promote picks to final…"), view)
        self.button.setObjectName("review_promote")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(self.tr("Render the picked drafts again on the final tier of their model, prompt, "
                                       "seed and inputs kept; shows the cost first ({key})").format(
            key=PROMOTE_SHORTCUT))
        self.keep = QCheckBox(self.tr("Keep this composition"), view)
        self.keep.setObjectName("review_keep_composition")
        self.keep.setToolTip(self.tr("Start each final from its draft's picture, where the model family has an "
                                     "image-to-image, edit or image-to-video model"))
        self.saving = QLabel(view)
        self.saving.setObjectName("review_saving")
        self.saving.hide()
        self.action = QAction(self.tr("Promote picks to final"), view)
        self.action.setShortcut(QKeySequence(PROMOTE_SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(self.action)
        row = _layout_holding(view.layout(), view.export_button)  # the view's row of actions
        row.insertWidget(row.indexOf(view.export_button), self.keep)
        row.insertWidget(row.indexOf(view.export_button), self.button)
        view.layout().insertWidget(view.layout().indexOf(view.stack), self.saving)
        view.hint.setText(view.hint.text() + " · " + self.tr("Shift+P promote picks to final"))
        self.button.clicked.connect(self.promote_picks)
        self.action.triggered.connect(self.promote_picks)
        view.compare_outputs = self.with_drafts
        view.model.modelReset.connect(self.update)
        view.model.dataChanged.connect(lambda *_: self._update_button())
        view.grid.selectionModel().selectionChanged.connect(lambda *_: self._update_button())
        self._ladders = None
        self.update()

    def ladders(self):
        catalog = self.view.backend.catalog
        if self._ladders is None or self._ladders.catalog is not catalog:
            self._ladders = build_ladders(catalog)
        return self._ladders

    def _update_button(self) -> None:
        session = self.view.session
        self.button.setEnabled(session is not None and session.has_store and not self.view._busy
                               and bool(session.picked()))

    def update(self) -> None:
        """The button, and the saving line (the store is read: on a reset, not on every mark)."""
        self._update_button()
        session = self.view.session
        saving = None
        if session is not None and session.store is not None and session.batch is not None:
            catalog = self.view.backend.catalog
            # The estimate reads schemas; a lazy catalog's are never fetched on the GUI thread.
            if all(m.schema_loaded for m in catalog.models.values() if m.model_id in session.models()):
                try:
                    saving = batch_saving(session.store, session.batch, catalog)
                except Exception:  # noqa: BLE001 - a schema not loaded yet: no figure rather than a wrong one
                    saving = None
        self.saving.setVisible(saving is not None)
        if saving is not None:
            self.saving.setText(saving.sentence())

    # --- promote ------------------------------------------------------------------------
    def promote_picks(self) -> bool:
        view, session = self.view, self.view.session
        if session is None or view._busy:
            return False
        if not session.has_store:
            QMessageBox.information(view, self.tr("Promote"), self.tr(
                "{folder} has only a manifest.json and no job store, so finals cannot join its batch.").format(
                folder=session.folder))
            return False
        view.flush()
        items = items_to_promote(session)
        if not items:
            view.message.emit(self.tr("Pick the drafts to promote first: select them and press P."))
            return False
        if not view.can_run(session.folder):
            return False
        budget = session.budget(**view.budget_source())
        catalog, ladders, keep = view.backend.catalog, self.ladders(), self.keep.isChecked()

        def plan(client):
            catalog.ensure_schemas({item.model for item in items} | {ladders.final_model(i.model) for i in items})
            promotion = plan_promote(session, items, catalog, ladders, keep_composition=keep, budget=budget,
                                     client=client)
            if not promotion.plan.jobs:
                raise RerollError("\n".join([self.tr("Nothing to promote."), *promotion.skipped]))
            notes = promotion.skipped + promotion.notices + ([promotion.plan.note] if promotion.plan.note else [])
            promotion.plan.note = "\n".join(notes) or None
            return promotion.plan

        view.message.emit(self.tr("Pricing %n final(s)…", "", len(items)))
        view._plan_on_pool(plan, self._planned)
        return True

    def _planned(self, outcome) -> None:
        self.view._queue_planned(outcome, self.tr("Promote"), lambda plan: self.tr(
            "Render %n final(s) for {total}? Each is linked to its draft and runs now.", "", len(plan.jobs)).format(
            total=plan.total_label()),
            lambda plan: self.tr("%n final(s) queued beside their drafts.", "", len(plan.jobs)))
        self.update()

    # --- compare ------------------------------------------------------------------------
    def with_drafts(self, outputs: list[ReviewOutput]) -> list[ReviewOutput]:
        """A final chosen alone is compared with its draft (and a draft with its finals)."""
        session = self.view.session
        if session is None or len(outputs) != 1:
            return outputs
        item = outputs[0].item
        if item.link is not None and item.link.kind == PROMOTE:
            partners = [other for other in session.items if other.key.position == item.link.origin_position
                        and other.key.batch == item.link.origin_batch]
            return [o for partner in partners for o in partner.outputs[:1] if o.reviewable] + outputs
        finals = [other for other in session.items if other.link is not None and other.link.kind == PROMOTE
                  and (other.link.origin_batch, other.link.origin_position) == (item.key.batch, item.key.position)]
        return outputs + [o for final in finals[:3] for o in final.outputs[:1] if o.reviewable]


def _layout_holding(layout, widget):
    for index in range(layout.count()):
        child = layout.itemAt(index).layout()
        if child is not None and child.indexOf(widget) >= 0:
            return child
    raise LookupError("the review view has no row of action buttons")
