"""`tunegap plan`: the grid, generation counts and token estimates; no model is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from tunegap.cli.options import BenchOpt, ConfigArg, DataOpt, LimitOpt, PresetOpt, SettingsOpt, csv, resolve_config
from tunegap.cli.output import stdout


def plan(
    config: Optional[Path] = ConfigArg,
    preset: Optional[str] = PresetOpt,
    limit: Optional[int] = LimitOpt,
    benchmarks: Optional[str] = BenchOpt,
    settings: Optional[str] = SettingsOpt,
    data_dir: Optional[Path] = DataOpt,
    against: Optional[str] = typer.Option(None, "--against",
                                          help="a preset to compare with: show what this adds"),
) -> None:
    """Print the grid, generation counts and token estimates, without loading a model."""
    from tunegap.plan_summary import extractor_generations, grid
    from tunegap.resolved import resolve

    out = stdout()
    cfg = resolve_config(config, preset, limit=limit, benchmarks=csv(benchmarks),
                         settings=csv(settings), data_dir=data_dir)
    rows = grid(cfg)
    cfg = resolve(cfg)
    _print_grid(out, rows)
    extra = extractor_generations(cfg, rows)
    if extra:
        out.print(f"llm extractor ({cfg.llm_extractor.name}): up to {extra:,} more generations, "
                  f"{cfg.llm_extractor_max_tokens} tokens each", soft_wrap=True)
    if against:
        from rich.markup import escape
        from rich.table import Table

        from tunegap.config_files import load_preset
        from tunegap.plan_summary import compare

        other = grid(load_preset(against).with_overrides(limit=limit, data_dir=data_dir))
        table = Table(title=f"'{cfg.name}' against '{against}': generations per side, "
                            "strategy and setting")
        for col in ("side", "strategy", "setting", cfg.name, against, "added"):
            table.add_column(escape(col), justify="right" if col in (cfg.name, against, "added")
                             else "left")
        for side, strategy, setting, here, there in compare(rows, other):
            table.add_row(side, escape(strategy), escape(setting), f"{here:,}", f"{there:,}",
                          f"{here - there:+,}")
        out.print(table)


def _print_grid(out: Console, rows) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in ("pair", "side", "benchmark", "setting", "decoding", "items", "generations",
                "prompt tok (est)", "gen tok budget"):
        table.add_column(col, justify="right" if col[0] in "igp" and col != "pair" else "left")
    for r in rows:
        table.add_row(*(escape(x) for x in (r.pair, r.side, r.benchmark, r.setting, r.decoding)),
                      f"{r.items:,}",
                      f"{r.generations:,}",
                      "n/a" if r.prompt_tokens is None else f"{r.prompt_tokens:,}",
                      f"{r.max_new_tokens:,}")
    out.print(table)
    gens = sum(r.generations for r in rows)
    budget = sum(r.max_new_tokens for r in rows)
    known = [r.prompt_tokens for r in rows if r.prompt_tokens is not None]
    out.print(f"{len(rows)} cells · {gens:,} generations · generated tokens at most {budget:,} "
              f"(the max_tokens budget; most outputs stop far earlier)"
              + (f" · prompt tokens ≈ {sum(known):,}" if known else
                 " · prompt tokens: pass --data-dir to estimate"))
