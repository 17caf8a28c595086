"""`tunegap perturb`: write a benchmark's verified variants to JSONL, or check GSM-Symbolic's
templates against GSM8K (`--check-gsm-symbolic DIR`)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

from tunegap.cli.output import stdout
from tunegap.errors import UserError


def check_gsm_symbolic(folder: Path, family: str = "symbolic") -> tuple[int, list[tuple[str, str]]]:
    """(templates whose original values reproduce the GSM8K answer, [(id, reason) for the rest])."""
    from tunegap.templates.gsm_symbolic import check, read_folder

    templates = read_folder(folder, families=(family,))
    failures = [(t.id, problems[0]) for t in templates if (problems := check(t))]
    return len(templates) - len(failures), failures


def write_variants(benchmark: str, kinds: list[str], variants: int, seed: int, out: Path,
                   data_dir: Path | None = None, seeds: int | None = None,
                   progress: bool = True) -> int:
    """Python twin of the command; returns the number of variants written."""
    from rich.progress import Progress

    from tunegap.config import PerturbSpec
    from tunegap.fs_faults import one_line_faults
    from tunegap.perturb.benchmark import Spec, source_items, variants_of
    from tunegap.report.files import write_lines_atomic

    try:
        spec_in = PerturbSpec(source=benchmark, kinds=kinds, variants=variants, seed=seed, seeds=seeds)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        msg = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
        field = "--kinds" if "kind" in msg else "--benchmark"
        raise UserError(msg.removeprefix("Value error, "), field=field) from None
    if not 1 <= variants <= MAX_VARIANTS:
        raise UserError(f"must be between 1 and {MAX_VARIANTS} (got {variants})",
                        field="--variants")
    out = Path(out)
    _check_out(out)
    spec = Spec(spec_in.set_name, benchmark, tuple(kinds), variants, seed, seeds)
    originals = source_items(spec, data_dir)
    total = len(originals) * len(kinds) * variants
    if total > MAX_TOTAL:
        raise UserError(f"{len(originals)} items x {len(kinds)} kinds x {variants} variants = "
                        f"{total} variants, more than {MAX_TOTAL}: lower --variants or pass "
                        "--seeds N", field="--variants")
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(f"perturbing {benchmark}", total=total)
        items = variants_of(originals, spec, data_dir, progress=lambda k: bar.advance(task, k))
    with one_line_faults(out):  # written whole or not at all (a full disk leaves no half file)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_lines_atomic(out, (json.dumps(ex.to_dict(), sort_keys=True, ensure_ascii=False)
                                 + "\n" for ex in items))
    return len(items)


MAX_VARIANTS = 1000  # per item and kind; far past any use, short of filling a disk
MAX_TOTAL = 1_000_000  # variants in one file


def _check_out(out: Path) -> None:
    """Before any work: --out can be written as a file."""
    if out.is_dir():
        raise UserError("--out is a directory: give a file name (e.g. variants.jsonl)",
                        file=str(out))
    parent = out.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UserError("cannot write --out: its folder is not writable", file=str(out))


def _kinds(values: Optional[list[str]]) -> list[str]:
    return [k.strip() for v in values or [] for k in v.split(",") if k.strip()]


def perturb(
    benchmark: Optional[str] = typer.Option(None, "--benchmark", help="source benchmark"),
    kinds: Optional[list[str]] = typer.Option(None, "--kinds", help="kinds, comma-separated or repeated"),
    variants: int = typer.Option(1, "--variants", help="variants per item and kind (1 to 1000)"),
    seed: int = typer.Option(0, "--seed"),
    seeds: Optional[int] = typer.Option(None, "--seeds", min=1, help="only the first N items"),
    out: Optional[Path] = typer.Option(None, "--out", help="FILE.jsonl"),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
    check_dir: Optional[Path] = typer.Option(None, "--check-gsm-symbolic",
                                             help="GSM-Symbolic templates/ folder: check, write nothing"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Write verified variants of a benchmark (one JSON object per line), or check GSM-Symbolic."""
    from tunegap.perturb import PERTURBATION_KINDS

    console = stdout()
    if check_dir is not None:
        ok, failures = check_gsm_symbolic(check_dir)
        console.print(f"{ok} of {ok + len(failures)} GSM-Symbolic templates reproduce the GSM8K "
                      "answer at their original values", markup=False)
        for tid, reason in failures:
            console.print(f"  {tid}: {reason}", markup=False, highlight=False, soft_wrap=True)
        return
    kind_list = _kinds(kinds)
    if benchmark is None or not kind_list or out is None:
        raise UserError("give --benchmark, --kinds and --out (or --check-gsm-symbolic DIR); "
                        f"kinds: {', '.join(PERTURBATION_KINDS)}")
    if data_dir is not None and not data_dir.is_dir():
        raise UserError("data directory not found", file=str(data_dir))
    n = write_variants(benchmark, kind_list, variants, seed, out, data_dir, seeds, progress)
    console.print(f"{n} variants written to {out}", markup=False)
    if benchmark == "gsm_symbolic":
        console.print("note: GSM-Symbolic's licence (CC BY-NC-ND 4.0) forbids sharing derived files; "
                      "keep this file to yourself.", markup=False)
