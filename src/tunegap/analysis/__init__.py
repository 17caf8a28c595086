"""Everything after grading, as pure functions of per-sample records (tunegap.records):
items.py (per-item scores) → cells.py (per-side summaries), compare.py (paired comparisons and
breakdowns), robustness.py (original vs variant), sensitivity.py (graders); stats.py and
cluster_robust.py hold the statistical primitives. Nothing here reads the store."""
