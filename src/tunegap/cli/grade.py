"""`tunegap grade RUN`: re-extract and re-grade a stored run, then rebuild its report.

No evaluated model is loaded; generations are read, never written. New extractors/graders are
added to the run's recorded config (so the report shows their columns); the configured ones stay.
The `llm` extractor loads its auxiliary model only for texts it has not read before.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tunegap.cli.options import csv
from tunegap.cli.output import print_results

RunArg = typer.Argument(..., help="a run directory")
ExtractorsOpt = typer.Option(None, "--extractors",
                             help="comma-separated: strict,flexible,boxed,json,llm")
GradersOpt = typer.Option(None, "--graders",
                          help="comma-separated: numeric,math-standard,math-verify,medcalc")
LlmOpt = typer.Option(None, "--llm-model", help="GGUF path or pypi:<package> for the llm "
                                                "extractor (llamacpp); else the run config's")
LimitOpt = typer.Option(None, "--time-limit", help="seconds per graded item (default 5)")


def grade(
    run_dir: Path = RunArg,
    extractors: str | None = ExtractorsOpt,
    graders: str | None = GradersOpt,
    llm_model: str | None = LlmOpt,
    time_limit: float | None = LimitOpt,
) -> None:
    """Re-extract and re-grade a stored run (no evaluated model is loaded); rebuild its report."""
    from tunegap.runner import regrade

    results = regrade(run_dir, csv(extractors), csv(graders), llm_model=llm_model,
                      time_limit=time_limit)
    print_results(results)
