"""What a user asks for: job specs and their validation against a model's schema, output names,
job-set files (YAML/JSON), templates, matrices and CSV, and the tutorial format.
May import app.engine.atlas and app.engine.core."""
