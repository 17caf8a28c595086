"""Options and argument parsing that several commands share (run and plan read a config the
same way; every comma-separated list is split the same way)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from tunegap.errors import UserError


def csv(value: Optional[str]) -> Optional[list[str]]:
    """"a, b,,c" → ["a", "b", "c"]; nothing given (or nothing but commas) → None."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def resolve_config(config: Optional[Path], preset: Optional[str], **overrides):
    """The RunConfig of a CONFIG file or a --preset, with the command line's overrides."""
    from tunegap.config_files import load_config_file, load_preset, preset_names

    if (config is None) == (preset is None):
        raise UserError("give exactly one of a CONFIG file or --preset NAME "
                        f"(presets: {', '.join(preset_names())})")
    cfg = load_config_file(config) if config is not None else load_preset(preset or "")
    if overrides.get("data_dir") is not None and not Path(overrides["data_dir"]).is_dir():
        raise UserError("data directory not found", file=str(overrides["data_dir"]))
    return cfg.with_overrides(**overrides)


ConfigArg = typer.Argument(None, help="run config YAML", show_default=False)
PresetOpt = typer.Option(None, "--preset", "-p", help="a packaged preset: demo, ...")
LimitOpt = typer.Option(None, "--limit", help="first N items of each benchmark")
BenchOpt = typer.Option(None, "--benchmarks", help="comma-separated benchmark names")
SettingsOpt = typer.Option(None, "--settings", help="comma-separated settings")
DataOpt = typer.Option(None, "--data-dir", help="folder with benchmarks in release format")
OutOpt = typer.Option(None, "--out", help="run directory (default runs/<name>)")
MaxTokOpt = typer.Option(None, "--max-tokens", help="generation budget for every strategy")
