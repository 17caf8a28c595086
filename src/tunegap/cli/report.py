"""`tunegap report RUN`: rebuild a stored run's report files."""

from __future__ import annotations

from pathlib import Path

import typer

from tunegap.cli.output import print_results


def report(run_dir: Path = typer.Argument(..., help="a run directory")) -> None:
    """Rebuild results.json, samples.jsonl and tables from a stored run (no model is loaded)."""
    from tunegap.runner import report as rebuild

    print_results(rebuild(run_dir))
