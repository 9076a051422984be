"""After a batch: review sessions over a batch folder, re-rolls and variations, exporting picks,
and the on-disk thumbnail cache. May import every other engine layer."""
