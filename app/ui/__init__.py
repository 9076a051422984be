"""The PySide6 desktop app. It drives app.engine; the engine never imports this package."""
