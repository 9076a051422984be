"""The tiers of the model under the cursor in the model browser: its family from cheapest to
dearest (app/engine/atlas/ladders.py), the one shown in bold, so a user sees the draft and
final tiers before choosing."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.engine.atlas.ladders import Ladders, build_ladders


class TierLine(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("model_tiers")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._ladders: Ladders | None = None
        self.hide()

    def ladders(self, catalog) -> Ladders:
        if self._ladders is None or self._ladders.catalog is not catalog:
            self._ladders = build_ladders(catalog)
        return self._ladders

    def show_for(self, model_id: str | None, catalog) -> None:
        ladder = self.ladders(catalog).of(model_id) if model_id and catalog is not None else None
        if ladder is None:
            self.setText(self.tr("This model comes in no other tier: draft mode runs it as itself.")
                         if model_id else "")
            self.setVisible(bool(model_id))
            return
        parts = []
        for tier in ladder.tiers:
            model = catalog.get(tier.model_id)
            name = escape(model.display_name if model else tier.model_id)
            price = f" (${tier.price.normalize():f})" if tier.price is not None else ""
            parts.append(f"<b>{name}{price}</b>" if tier.model_id == model_id else f"{name}{price}")
        self.setText(self.tr("Tiers, cheapest first (drafts run on the first): {tiers}").format(
            tiers=" · ".join(parts)))
        self.show()
