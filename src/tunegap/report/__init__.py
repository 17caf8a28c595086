"""The report: a run's Results rendered into files (report/write.py writes them all). Light on
import: `tunegap.report.table`, the one table model, loads without the analysis."""

from __future__ import annotations

from typing import Any

HTML_NAME = "report.html"
# Present while a report set is being (re)written; left behind when the writer is killed or
# fails (a full disk), so a set mixing files of two reports never passes for a complete one.
INCOMPLETE_NAME = "REPORT-INCOMPLETE.txt"
__all__ = ["HTML_NAME", "INCOMPLETE_NAME", "report_run", "results_json", "write_report"]


def __getattr__(name: str) -> Any:  # the writers load (with the analysis) on first use
    if name in ("report_run", "results_json", "write_report"):
        from tunegap.report import write

        return getattr(write, name)
    raise AttributeError(name)
