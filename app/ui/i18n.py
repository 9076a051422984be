"""The interface language: English (the source text) or Korean, from the system or the settings.

Translations are Qt's own: `pyside6-lupdate` collects every `tr()`/`translate()` call into
resources/translations/*.ts, `pyside6-lrelease` compiles them to the .qm files loaded here
(see resources/translations/README.md). Qt's own dialogs (file pickers, Yes/No buttons)
come from Qt's bundled qtbase catalogue in the same language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.engine.core import i18n as engine_i18n
from app.engine.core.paths import resources_dir

# The languages the interface is complete in, each named in itself (for the settings list).
LANGUAGES = {"en": "English", "ko": "한국어"}
SOURCE_LANGUAGE = "en"
CATALOGUE = "batch_studio"

_installed: list[QTranslator] = []
_default_locale: list[QLocale] = []


def translations_dir():
    return resources_dir() / "translations"


def resolve(choice: str, system: QLocale | None = None) -> str:
    """The language code to use for a settings choice ("system" or a code)."""
    if choice in LANGUAGES:
        return choice
    system = system or QLocale.system()
    for name in system.uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


def install(choice: str = "system") -> str:
    """Loads the catalogues for ``choice`` into the application; returns the language used."""
    app = QCoreApplication.instance()
    uninstall()
    _default_locale.append(QLocale())
    language = resolve(choice)
    QLocale.setDefault(QLocale(language))
    # English needs its catalogue too: it holds the plural forms ("1 job", "2 jobs").
    ours = QTranslator(app)
    if ours.load(f"{CATALOGUE}_{language}", str(translations_dir())):
        app.installTranslator(ours)
        _installed.append(ours)
    if language != SOURCE_LANGUAGE:
        qt = QTranslator(app)
        if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt)
            _installed.append(qt)
    engine_i18n.use_translator(lambda context, text: QCoreApplication.translate(context, text))
    return language


def uninstall() -> None:
    app = QCoreApplication.instance()
    while _installed:
        app.removeTranslator(_installed.pop())
    engine_i18n.use_translator(None)
    if _default_locale:
        QLocale.setDefault(_default_locale.pop())
