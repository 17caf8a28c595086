"""Write a run's report files from its Results and records: results.json, items.jsonl,
samples.jsonl, tables.md. Renders only: every number comes from Results; never reads a store."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from tunegap.records import SampleRecord
from tunegap.report.files import write_atomic, write_lines_atomic
from tunegap.report.lines import item_lines, sample_lines
from tunegap.report.markdown import tables_markdown
from tunegap.results import Results


def results_json(results: Results) -> str:
    return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(results: Results, samples: Iterable[SampleRecord]) -> None:
    """`samples`: the full records (store.records(full=True)), streamed into samples.jsonl."""
    run_dir = Path(results.run_dir)
    write_atomic(run_dir / "results.json", results_json(results))
    write_lines_atomic(run_dir / "items.jsonl", item_lines(results))
    write_lines_atomic(run_dir / "samples.jsonl", sample_lines(samples, results))
    write_atomic(run_dir / "tables.md", tables_markdown(results))


__all__ = ["results_json", "write_report"]
