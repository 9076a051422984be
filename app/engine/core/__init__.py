"""What every other layer leans on: the translation hook, atomic file writes and version checks,
the user's data folders and where bundled resources live. Imports nothing else of the app."""
