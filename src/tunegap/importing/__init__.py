"""`tunegap import`: generations made with lm-eval, inspect or any server, turned into a
tunegap run directory (sources.py reads the files, build.py pairs, checks and writes)."""

from tunegap.importing.build import ImportOptions, plan_import, write_import
from tunegap.importing.sources import read_inspect, read_jsonl, read_lm_eval

__all__ = ["ImportOptions", "plan_import", "read_inspect", "read_jsonl", "read_lm_eval",
           "write_import"]
