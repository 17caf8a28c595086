"""`tunegap data`: which benchmarks exist, where their data comes from, what their items hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tunegap.cli.output import stdout
from tunegap.errors import UserError

if TYPE_CHECKING:
    from tunegap.data.base import Benchmark
    from tunegap.types import Example

data_app = typer.Typer(no_args_is_help=True,
                       help="Benchmarks: list them with their sources and sizes; show items.")
DataOpt = typer.Option(None, "--data-dir",
                       help="folder with benchmarks in their release format (see `data list`)")


def _local_count(bench: Benchmark, data_dir: Path | None) -> str:
    """Items found in the folder; a broken or absent file is reported, never hidden."""
    if data_dir is None:
        return "built in" if not bench.needs_data_dir else "-"
    try:
        return f"{len(bench.load_test(data_dir)):,}"
    except UserError as exc:
        return f"error: {exc.one_line()}" if "not found" not in exc.message else "missing"


@data_app.command("list")
def list_benchmarks(data_dir: Path | None = DataOpt) -> None:
    """Benchmarks, their settings and sources; with --data-dir, the items found there."""
    from tunegap.data import BENCHMARKS

    if data_dir is not None and not Path(data_dir).is_dir():
        raise UserError("data directory not found", file=str(data_dir))
    out = stdout()
    table = Table()
    for col in ("benchmark", "settings", "graders", "local files (under --data-dir)", "hub id",
                "size", "found"):
        table.add_column(col, justify="right" if col in ("size", "found") else "left",
                         no_wrap=col in ("benchmark", "hub id", "size"), overflow="fold")
    for name, bench in BENCHMARKS.items():
        local = "(generated)" if not bench.needs_data_dir else "\n".join(bench.local_files)
        hub = bench.hub_id or ("-" if bench.needs_data_dir else "(none needed)")
        size = f"{bench.expected_size:,}" if bench.expected_size else "?"
        table.add_row(*(escape(x) for x in (name, "\n".join(bench.settings),
                                            "\n".join(bench.graders), local, hub, size,
                                            _local_count(bench, data_dir))))
    out.print(table)
    out.print("Without --data-dir, hub benchmarks load through `datasets` "
              "(pip install 'tunegap[data]'); MATH-Perturb needs its release folder.",
              markup=False, highlight=False)


def _short(text: str, width: int) -> str:
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_example(out: Console, ex: Example, width: int) -> None:
    out.print(f"[bold]{escape(ex.id)}[/bold]  answer_type={ex.answer_type}  "
              f"target={escape(ex.target)!s}", highlight=False)
    if ex.context:
        out.print(f"  context: {escape(_short(ex.context, width))}", highlight=False)
    out.print(f"  question: {escape(_short(ex.question, width))}", highlight=False)
    if ex.solution:
        out.print(f"  solution: {escape(_short(ex.solution, width))}", highlight=False)
    meta = json.dumps(ex.meta, ensure_ascii=False, default=str)
    out.print(f"  meta: {escape(_short(meta, width))}", highlight=False)


@data_app.command("show")
def show(
    name: str = typer.Argument(..., help="a benchmark name (see `tunegap data list`)"),
    n: int = typer.Option(3, "--n", min=1, help="how many items"),
    data_dir: Path | None = DataOpt,
    source: str | None = typer.Option(
        None, "--source", help="a hub dataset id or a local copy of one (instead of --data-dir)"),
    width: int = typer.Option(300, "--width", min=20, help="characters shown per field"),
) -> None:
    """The first N items of a benchmark, as the evaluation will see them."""
    from tunegap.data import get_benchmark

    bench = get_benchmark(name)
    if source is not None and data_dir is not None:
        raise UserError("give --data-dir or --source, not both")
    if source is not None:
        if bench.load_hub is None:
            raise UserError(f"benchmark '{name}' has no hub loader; use --data-dir")
        examples = bench.load_hub(source)
    else:
        if data_dir is not None and not Path(data_dir).is_dir():
            raise UserError("data directory not found", file=str(data_dir))
        examples = bench.load_test(data_dir)
    out = stdout()
    out.print(f"{name}: {len(examples):,} items; first {min(n, len(examples))}:")
    for ex in examples[:n]:
        _print_example(out, ex, width)
