"""The headless engine: everything Batch Studio does without a window, in five layers.

    review   review sessions, re-rolls and variations, picks export, thumbnails
      run    planning, the runner and its poll schedule, records, store, manifest, ledger, logs
     jobs    job specs and their validation, job-set files, templates, CSV, the tutorial format
    atlas    the HTTP client and its errors, uploads, catalog and schemas, pricing, secrets
     core    translation hook, atomic files, data folders, bundled resources

A layer imports only the layers below it (tests/test_architecture.py holds import-linter's
contracts). Pure Python: nothing here imports Qt, so the CLI, the desktop app, the batch child
process and the Celery workers all drive the same code.
"""
