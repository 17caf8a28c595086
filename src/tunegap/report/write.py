"""Write a run's report files from one pass over its records: results.json, items.jsonl,
samples.jsonl, tables.md, the registered tables (tables/: Markdown, LaTeX, CSV), the registered
plots (plots/*.png) and report.html with its paired sample browser. Renders only: every number
comes from Results; never reads a store (the caller hands the records over once).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tunegap.records import SampleRecord
from tunegap.report.browser import BrowserData
from tunegap.report.files import umask, write_atomic, write_lines_atomic
from tunegap.report.lines import item_lines, sample_lines
from tunegap.report.markdown import tables_markdown
from tunegap.report.table import RENDERERS, Table
from tunegap.report.tables import build_tables
from tunegap.resolved import Resolved, as_resolved
from tunegap.results import Results, build_results

HTML_NAME = "report.html"
INCOMPLETE_NAME = "REPORT-INCOMPLETE.txt"  # (report/__init__.py says why)
INCOMPLETE_TEXT = (
    "This report set is incomplete: tunegap was writing it when it stopped (killed, "
    "interrupted or out of disk space).\nIts files may come from different runs or configs "
    "and must not be read together.\nRebuild it with: tunegap report {run_dir}\n")


def results_json(results: Results) -> str:
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _replace_dir(final: Path, build) -> Any:
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


def write_tables(tables: list[Table], out_dir: Path) -> list[Table]:
    """tables/: every table meant for it, in each of its file formats."""
    def build(tmp: Path):
        for t in tables:
            if "tables/" in t.outputs:
                for ext, render in RENDERERS.items():
                    (tmp / f"{t.slug}.{ext}").write_text(render(t), encoding="utf-8")
        return tables
    return _replace_dir(out_dir, build)


class _Spool:
    """samples.jsonl written while the records stream by: a temporary file beside the final
    one, moved into place only once the whole report is built (nothing half-written)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "w", encoding="utf-8")

    def tap(self, records: Iterable[SampleRecord], resolved: Resolved) -> Iterator[SampleRecord]:
        def passing() -> Iterator[SampleRecord]:
            for r in records:
                self._last = r
                yield r
        lines = sample_lines(passing(), resolved)
        for line in lines:
            self.fh.write(line)
            yield self._last

    def commit(self) -> None:
        self.fh.close()
        os.chmod(self.tmp, 0o666 & ~umask())
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        self.fh.close()
        self.tmp.unlink(missing_ok=True)


def report_run(records: Iterable[SampleRecord], resolved: Resolved, run_dir: Path, *,
               planned: Mapping[str, int] | None = None,
               counts: Mapping[str, int] | None = None,
               provenance: Mapping[str, Any] | None = None,
               attempt: Mapping[str, Any] | None = None) -> Results:
    """records → Results → every report file, in one pass over the records: the full records
    (store.records(full=True)) stream into samples.jsonl and the sample browser's data on their
    way into build_results. Returns the Results."""
    resolved = as_resolved(resolved)  # a RunConfig still, from older callers
    return _report(records, resolved, Path(run_dir), lambda tapped: build_results(
        tapped, resolved, run_dir, planned=planned, counts=counts, provenance=provenance,
        attempt=attempt))


def write_report(results: Results, samples: Iterable[SampleRecord]) -> None:
    """The report of Results already built (a second read of the records: `samples` are the
    full records for samples.jsonl and the browser). report_run reads them once."""
    def drain(tapped: Iterable[SampleRecord]) -> Results:
        for _ in tapped:
            pass
        return results
    _report(samples, results.resolved, Path(results.run_dir), drain)


def _report(records: Iterable[SampleRecord], resolved: Resolved, run_dir: Path,
            analyse: Callable[[Iterable[SampleRecord]], Results]) -> Results:
    """The records stream through samples.jsonl's spool and the browser's data into
    `analyse`; then every file is written. Nothing half-written: the spool is moved into place
    with the rest, or removed."""
    run_dir.mkdir(parents=True, exist_ok=True)
    spool = _Spool(run_dir / "samples.jsonl")
    browser = BrowserData(resolved, run_dir)
    try:
        results = analyse(browser.tap(spool.tap(records, resolved)))
        _write(results, browser, spool)
    except BaseException:
        spool.discard()
        raise
    finally:
        browser.close()
    return results


def _mark_incomplete(run_dir: Path) -> None:
    """Before the first file of the set is replaced: the set is marked until its last file is
    in place (a kill or a full disk from here on leaves the mark). Reading the records and
    spooling samples.jsonl come before it and touch no file of the set."""
    write_atomic(run_dir / INCOMPLETE_NAME, INCOMPLETE_TEXT.format(run_dir=run_dir))


def _write(results: Results, browser: BrowserData, spool: _Spool) -> None:
    from tunegap.report.html import page  # matplotlib loads only when a report is written
    from tunegap.report.plots import all_plots

    run_dir = Path(results.run_dir)
    _mark_incomplete(run_dir)
    write_atomic(run_dir / "results.json", results_json(results))
    write_lines_atomic(run_dir / "items.jsonl", item_lines(results))
    spool.commit()
    tables = build_tables(results)
    write_atomic(run_dir / "tables.md", tables_markdown(results, tables))
    write_tables(tables, run_dir / "tables")
    plots = _replace_dir(run_dir / "plots", lambda tmp: all_plots(results, tmp))
    write_lines_atomic(run_dir / HTML_NAME, page(results, tables, plots, browser))
    (run_dir / INCOMPLETE_NAME).unlink()  # every file of the set is from this report


__all__ = ["HTML_NAME", "report_run", "results_json", "write_report"]
