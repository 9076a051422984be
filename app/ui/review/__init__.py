"""Review mode: a grid of a batch folder's outputs to triage, compare, re-roll and hand off."""
