"""The `tunegap` command line. Every command has a Python twin in tunegap/__init__.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from tunegap.cli_backends import backends as backends_command
from tunegap.cli_data import data_app
from tunegap.cli_grade import grade as grade_command
from tunegap.cli_import import import_app
from tunegap.cli_perturb import perturb as perturb_command
from tunegap.config import RunConfig, load_config_file, load_preset, preset_names
from tunegap.errors import BackendError, UserError, printable, redact

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Does instruction tuning make a model reason better, or only answer "
                       "better in its tuned format? Base vs instruct, same benchmarks, same budget.")
# Piped or redirected output has no terminal width to fit: give wide tables room instead of
# rich's default of 80 columns, which truncates them (COLUMNS still wins when set).
out = Console() if sys.stdout.isatty() or "COLUMNS" in os.environ else Console(width=160)
err = Console(stderr=True)


def _csv(value: Optional[str]) -> Optional[list[str]]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def resolve_config(config: Optional[Path], preset: Optional[str], **overrides) -> RunConfig:
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


@app.command()
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
    from tunegap.runner import run as run_eval

    cfg = resolve_config(config, preset, limit=limit, benchmarks=_csv(benchmarks),
                         settings=_csv(settings), data_dir=data_dir, out=out_dir,
                         max_tokens=max_tokens)
    results = run_eval(cfg, argv=sys.argv, progress=progress, console=err)
    _print_results(results)


@app.command()
def report(run_dir: Path = typer.Argument(..., help="a run directory")) -> None:
    """Rebuild results.json, samples.jsonl and tables from a stored run (no model is loaded)."""
    from tunegap.runner import STORE_NAME
    from tunegap.runner import report as rebuild

    if not (run_dir / STORE_NAME).is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run_dir))
    _print_results(rebuild(run_dir))


@app.command()
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

    cfg = resolve_config(config, preset, limit=limit, benchmarks=_csv(benchmarks),
                         settings=_csv(settings), data_dir=data_dir)
    rows = grid(cfg)
    _print_grid(rows)
    extra = extractor_generations(cfg, rows)
    if extra:
        out.print(f"llm extractor ({cfg.llm_extractor.name}): up to {extra:,} more generations, "
                  f"{cfg.llm_extractor_max_tokens} tokens each", soft_wrap=True)
    if against:
        from rich.markup import escape
        from rich.table import Table

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


def _print_grid(rows) -> None:
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


def _print_results(results) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from tunegap.report.markdown import fmt

    if results.caveat:
        out.print(f"[yellow]Caveat:[/yellow] {escape(results.caveat)}")
    if not results.complete:
        out.print("[yellow]Incomplete:[/yellow] some cells have fewer scored items than planned; "
                  "Δ is over the items both sides have (see tables.md).", soft_wrap=True)
    out.print(f"instruct − base, % (extractor {escape(results.primary_extractor)}); Δ with its "
              "paired 95 % CI; * significant (Holm), ? unresolved (|Δ| < minimum detectable "
              "effect); every extractor × grader is in tables.md", soft_wrap=True)
    # One table per pair and benchmark keeps each row readable in an 80-column terminal.
    groups: dict[tuple[str, str], list] = {}
    for c in results.headline():
        groups.setdefault((c.pair, c.benchmark), []).append(c)
    for (pair, benchmark), rows in groups.items():
        grader = results.primary_grader(benchmark)
        table = Table(title=f"{escape(pair)} · {escape(benchmark)} · grader {escape(grader)}",
                      box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for col in ("setting", "decoding", "metric", "inst", "base", "Δ", "95% CI", "n"):
            table.add_column(col, justify="left" if col in ("setting", "decoding", "metric")
                             else "right")
        for c in rows:
            flag = "*" if c.significant else ("?" if c.unresolved else " ")
            table.add_row(*(escape(x) for x in (c.setting, c.decoding, c.metric)),
                          f"{c.instruct:.1f}", f"{c.base:.1f}", f"{fmt(c.delta, True)}{flag}",
                          f"[{fmt(c.ci_low)}, {fmt(c.ci_high)}]", str(c.n))
        out.print(table)
    run_dir = results.run_dir
    out.print(f"Report: {run_dir / 'report.html'} · {run_dir / 'tables.md'} · "
              f"{run_dir / 'results.json'} · {run_dir / 'tables'}/ · {run_dir / 'plots'}/ · "
              f"{run_dir / 'samples.jsonl'}", soft_wrap=True)


# Commands that live in their own modules.
app.command(name="grade")(grade_command)
app.add_typer(data_app, name="data")
app.command(name="backends")(backends_command)
app.command(name="perturb")(perturb_command)
app.add_typer(import_app, name="import")


def _click_message(exc: BaseException) -> str | None:
    """The message of a command-line usage error, from click or the click typer bundles
    (`typer._click`): matched by class name, since the two are different classes."""
    names = {c.__name__ for c in type(exc).__mro__}
    if "ClickException" in names:
        return exc.format_message()  # type: ignore[attr-defined]
    return None


def _one_line(text: str) -> str:
    """One printable line: no escape sequences or credentials from a server reach the terminal."""
    return " ".join(redact(printable(text)).split())


def main() -> None:
    try:
        app(standalone_mode=False)
    except UserError as exc:
        err.print(f"error: {_one_line(exc.one_line())}", markup=False, highlight=False,
                  soft_wrap=True)
        sys.exit(exc.exit_code)
    except BackendError as exc:
        err.print(f"error: {_one_line(str(exc))}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted; re-run the same command to resume")
        sys.exit(130)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code)
    except Exception as exc:
        message = _click_message(exc)
        if message is None:
            if type(exc).__name__ == "Abort":  # click's Ctrl-C at a prompt
                sys.exit(130)
            raise
        err.print(f"error: {_one_line(message)} (see: tunegap --help)", markup=False,
                  highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
