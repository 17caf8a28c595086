"""`tunegap import lm-eval | inspect | jsonl`: build a run directory from generations made
elsewhere, then grade and report it like any run (docs/import.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from tunegap.cli.options import csv
from tunegap.cli.output import print_results, stderr
from tunegap.errors import UserError

import_app = typer.Typer(no_args_is_help=True,
                         help="Analyse generations made with lm-eval, inspect or any server.")

OutOpt = typer.Option(..., "--out", help="the run directory to create (new or empty)")
BenchOpt = typer.Option(None, "--benchmark",
                        help="tunegap benchmark the items belong to (lm-eval: from the task)")
DataOpt = typer.Option(None, "--data-dir", help="tunegap's copy of the benchmark: match items "
                                                 "and check targets against it")
PairOpt = typer.Option("imported", "--pair", help="the pair's label")
NameOpt = typer.Option("imported", "--name", help="the run's name")
SettingOpt = typer.Option(None, "--setting", help="setting name (default: from the log's "
                                                  "n-shot, else zeroshot_cot)")
ExtractorsOpt = typer.Option(None, "--extractors", help="comma-separated (default strict,flexible)")
GradersOpt = typer.Option(None, "--graders", help="comma-separated (default: the benchmark's own)")
BaseModelOpt = typer.Option(None, "--base-model", help="the base model's name")
InstModelOpt = typer.Option(None, "--instruct-model", help="the instruct model's name")


def _finish(sources, benchmark, out, data_dir, pair, setting, extractors, graders, models,
            name="imported"):
    from tunegap.importing import ImportOptions, write_import

    if data_dir is not None and not Path(data_dir).is_dir():
        raise UserError("data directory not found", file=str(data_dir))
    opts = ImportOptions(benchmark=benchmark, out=out, name=name, data_dir=data_dir, pair=pair,
                         models={k: v for k, v in models.items() if v}, setting=setting,
                         extractors=csv(extractors), graders=csv(graders))
    results, warnings = write_import(sources, opts, sys.argv)
    err = stderr()
    for w in warnings:
        err.print(f"warning: {w}", markup=False, highlight=False, soft_wrap=True)
    print_results(results)


@import_app.command("lm-eval")
def lm_eval(
    base: Path = typer.Option(..., "--base", help="the base model's samples_<task>_*.jsonl"),
    instruct: Path = typer.Option(..., "--instruct", help="the instruct model's samples file"),
    out: Path = OutOpt, benchmark: Optional[str] = BenchOpt, data_dir: Optional[Path] = DataOpt,
    pair: str = PairOpt, setting: Optional[str] = SettingOpt, name: str = NameOpt,
    extractors: Optional[str] = ExtractorsOpt, graders: Optional[str] = GradersOpt,
    base_model: Optional[str] = BaseModelOpt, instruct_model: Optional[str] = InstModelOpt,
) -> None:
    """lm-evaluation-harness --log_samples files, one per model."""
    from tunegap.importing import read_lm_eval
    from tunegap.importing.build import TASK_BENCHMARKS

    sources = [read_lm_eval(base, "base"), read_lm_eval(instruct, "instruct")]
    tasks = {s.task for s in sources}
    if len(tasks) > 1:
        raise UserError(f"the two files are different tasks ({', '.join(map(str, tasks))})",
                        file=str(instruct))
    task = tasks.pop()
    bench = benchmark or TASK_BENCHMARKS.get(task or "")
    if bench is None:
        raise UserError(f"task '{task}' maps to no tunegap benchmark: pass --benchmark "
                        f"(known tasks: {', '.join(sorted(TASK_BENCHMARKS))})", file=str(base))
    _finish(sources, bench, out, data_dir, pair, setting, extractors, graders,
            {"base": base_model, "instruct": instruct_model}, name)


@import_app.command("inspect")
def inspect_logs(
    base: Path = typer.Option(..., "--base", help="the base model's .eval or .json log"),
    instruct: Path = typer.Option(..., "--instruct", help="the instruct model's log"),
    out: Path = OutOpt, benchmark: str = typer.Option(..., "--benchmark"),
    data_dir: Optional[Path] = DataOpt, pair: str = PairOpt, setting: Optional[str] = SettingOpt,
    name: str = NameOpt, extractors: Optional[str] = ExtractorsOpt,
    graders: Optional[str] = GradersOpt, base_model: Optional[str] = BaseModelOpt,
    instruct_model: Optional[str] = InstModelOpt,
) -> None:
    """inspect_ai logs, read with inspect_ai's own log reader (epochs become samples)."""
    from tunegap.importing import read_inspect

    sources = [read_inspect(base, "base"), read_inspect(instruct, "instruct")]
    _finish(sources, benchmark, out, data_dir, pair, setting, extractors, graders,
            {"base": base_model, "instruct": instruct_model}, name)


@import_app.command("jsonl")
def jsonl(
    files: list[Path] = typer.Argument(..., help="JSONL files: item_id, model, side, output, "
                                                 "[prompt, question, target, sample_index, meta]"),
    out: Path = OutOpt, benchmark: str = typer.Option(..., "--benchmark"),
    data_dir: Optional[Path] = DataOpt, pair: str = PairOpt, setting: Optional[str] = SettingOpt,
    name: str = NameOpt, extractors: Optional[str] = ExtractorsOpt,
    graders: Optional[str] = GradersOpt,
) -> None:
    """tunegap's plain JSONL, for generations from any script or server."""
    from tunegap.importing import read_jsonl

    _finish([read_jsonl(f) for f in files], benchmark, out, data_dir, pair, setting,
            extractors, graders, {}, name)
