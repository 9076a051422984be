"""The headless engine: catalog, job specs, pricing, HTTP client, runner, manifests.

Pure Python: it must never import Qt (a test proves it), so the CLI, the desktop app and
the distributed workers all drive the same code.
"""
