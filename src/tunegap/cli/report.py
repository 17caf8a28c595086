"""`tunegap report RUN`: rebuild a stored run's report files."""

from __future__ import annotations

from pathlib import Path

import typer

from tunegap.cli.output import print_results
from tunegap.errors import UserError


def report(run_dir: Path = typer.Argument(..., help="a run directory")) -> None:
    """Rebuild results.json, samples.jsonl and tables from a stored run (no model is loaded)."""
    from tunegap.runner import STORE_NAME
    from tunegap.runner import report as rebuild

    if not (run_dir / STORE_NAME).is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run_dir))
    print_results(rebuild(run_dir))
