"""Running a batch: planning, the runner and its poll schedule, job records and their state
machine, the per-folder job store, the manifest, the spend ledger and budgets, webhooks and logs.
May import app.engine.jobs, app.engine.atlas and app.engine.core."""
