"""Translatable engine messages without Qt.

Engine code marks a message as `translate("Context", "text {name}").format(name=...)`;
pyside6-lupdate extracts those calls like any `tr()`. The desktop app plugs in Qt's
translator at start; the command line keeps the English source text.
"""

from __future__ import annotations

from typing import Callable

_translator: Callable[[str, str], str] | None = None


def translate(context: str, text: str) -> str:
    return _translator(context, text) if _translator is not None else text


def use_translator(translator: Callable[[str, str], str] | None) -> None:
    global _translator
    _translator = translator
