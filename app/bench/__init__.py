"""Benchmarks that print figures (python -m app.bench engine|gui). Not tests: targets are read, not asserted."""
