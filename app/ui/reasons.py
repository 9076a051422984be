"""The engine's fixed reasons, shown in the interface language.

The engine writes its reasons in English into the store, the manifest and webhooks, and
the app matches some of them (a rejected key, an empty balance), so they are translated
only when shown. A reason not listed here (an API's own error text) shows as sent.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "EngineReason"
KNOWN = (
    QT_TRANSLATE_NOOP("EngineReason", "all jobs ended"),
    QT_TRANSLATE_NOOP("EngineReason", "paused by the user"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user"),
    QT_TRANSLATE_NOOP("EngineReason", "the app was closed; reopen the folder to continue"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled before it was submitted; nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user; nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user; Atlas Cloud has no cancel call, so the submitted task "
                                      "still runs and its charge stands"),
)


def shown(reason: str) -> str:
    return QCoreApplication.translate(CONTEXT, reason) if reason else reason
