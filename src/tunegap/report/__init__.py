"""Write a run's report files from its Results and records: results.json, items.jsonl,
samples.jsonl, tables.md, the paper's tables (tables/: Markdown, LaTeX, CSV), the plots
(plots/*.png) and report.html with its paired sample browser. Renders only: every number comes
from Results; never reads a store."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from tunegap.records import SampleRecord
from tunegap.report.browser import BrowserData
from tunegap.report.files import umask, write_atomic, write_lines_atomic
from tunegap.report.lines import item_lines, sample_lines
from tunegap.report.markdown import tables_markdown
from tunegap.report.paper import all_tables
from tunegap.report.table import RENDERERS
from tunegap.results import Results

HTML_NAME = "report.html"
# Present while a report set is being (re)written; left behind when the writer is killed or
# fails (a full disk), so a set mixing files of two reports never passes for a complete one.
INCOMPLETE_NAME = "REPORT-INCOMPLETE.txt"
INCOMPLETE_TEXT = (
    "This report set is incomplete: tunegap was writing it when it stopped (killed, "
    "interrupted or out of disk space).\nIts files may come from different runs or configs "
    "and must not be read together.\nRebuild it with: tunegap report {run_dir}\n")


def results_json(results: Results) -> str:
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _replace_dir(final: Path, build) -> None:
    """Build a folder beside `final`, then swap it in: no stale table or plot survives."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    tmp.chmod(0o777 & ~umask())  # mkdtemp's 0700 would hide the folder; the umask decides
    try:
        out = build(tmp)
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return out
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_tables(results: Results, out_dir: Path) -> list:
    tables = all_tables(results)

    def build(tmp: Path):
        for t in tables:
            for ext, render in RENDERERS.items():
                (tmp / f"{t.slug}.{ext}").write_text(render(t), encoding="utf-8")
        return tables
    return _replace_dir(out_dir, build)


def write_report(results: Results, samples: Iterable[SampleRecord]) -> None:
    """`samples`: the full records (store.records(full=True)), streamed into samples.jsonl and,
    on the way, into the sample browser's data."""
    from tunegap.report.html import page  # matplotlib loads only when a report is written
    from tunegap.report.plots import all_plots

    run_dir = Path(results.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    marker = run_dir / INCOMPLETE_NAME
    write_atomic(marker, INCOMPLETE_TEXT.format(run_dir=run_dir))  # before the first file
    write_atomic(run_dir / "results.json", results_json(results))
    write_lines_atomic(run_dir / "items.jsonl", item_lines(results))
    browser = BrowserData(results, run_dir)
    try:
        write_lines_atomic(run_dir / "samples.jsonl", sample_lines(browser.tap(samples), results))
        write_atomic(run_dir / "tables.md", tables_markdown(results))
        tables = write_tables(results, run_dir / "tables")
        plots = _replace_dir(run_dir / "plots", lambda tmp: all_plots(results, tmp))
        write_lines_atomic(run_dir / HTML_NAME, page(results, tables, plots, browser))
    finally:
        browser.close()
    marker.unlink()  # every file of the set is from this report


__all__ = ["HTML_NAME", "INCOMPLETE_NAME", "results_json", "write_report"]
