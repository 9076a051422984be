"""Undo and redo for job-list edits: each command holds the list before and after.

Typing in one field of the same rows merges into one step. A batch starting clears the
history: undoing past a run could make jobs that were paid for look ready to run again.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from app.ui.joblist import Snapshot

MERGEABLE = 1


class ListChange(QUndoCommand):
    def __init__(self, restore, text: str, before: Snapshot, after: Snapshot, merge_key=None):
        super().__init__(text)
        self._restore = restore
        self.before, self.after = before, after
        self.merge_key = merge_key
        self._applied = True  # pushed after the change was made

    def undo(self) -> None:
        self._restore(self.before)

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._restore(self.after)

    def id(self) -> int:
        return MERGEABLE if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ListChange) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True
