"""`tunegap run`: generate, extract, grade and report (or resume a run)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from tunegap.cli.options import (
    BenchOpt,
    ConfigArg,
    DataOpt,
    LimitOpt,
    MaxTokOpt,
    OutOpt,
    PresetOpt,
    SettingsOpt,
    csv,
    resolve_config,
)
from tunegap.cli.output import print_summary, stderr


def run(
    config: Optional[Path] = ConfigArg,
    preset: Optional[str] = PresetOpt,
    limit: Optional[int] = LimitOpt,
    benchmarks: Optional[str] = BenchOpt,
    settings: Optional[str] = SettingsOpt,
    data_dir: Optional[Path] = DataOpt,
    out_dir: Optional[Path] = OutOpt,
    max_tokens: Optional[int] = MaxTokOpt,
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Run (or resume) an evaluation: generate, extract, grade, report."""
    from tunegap.runner import execute

    cfg = resolve_config(config, preset, limit=limit, benchmarks=csv(benchmarks),
                         settings=csv(settings), data_dir=data_dir, out=out_dir,
                         max_tokens=max_tokens)
    # The summary is all this prints: a finished run whose report is current is not analysed.
    outcome = execute(cfg, argv=sys.argv, progress=progress, console=stderr(), need_results=False)
    print_summary(outcome.summary, outcome.run_dir)
