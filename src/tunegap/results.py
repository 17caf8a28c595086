"""A run's results: per-cell scores and per-pair gaps, plus what produced them."""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from tunegap.analysis.metrics import CellScore, Gap, cell_scores, gaps
from tunegap.report.markdown import gap_tables
from tunegap.store import Store

SCHEMA = "tunegap.results/1"


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("tunegap", "llama_cpp_python", "transformers", "torch", "vllm", "math-verify"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


@dataclass
class Results:
    run_dir: Path
    config: dict[str, Any]
    cells: list[CellScore]
    gaps: list[Gap]
    caveat: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store, run_dir: Path) -> Results:
        config = store.get_meta("config")
        cells = cell_scores(store, config["extractors"], config["graders"],
                            by_side=config.get("extractor_by_side"))
        return cls(run_dir=run_dir, config=config, cells=cells, gaps=gaps(cells),
                   caveat=config.get("caveat"), counts=store.get_meta("counts", {}))

    def table_markdown(self) -> str:
        return gap_tables(self.gaps)

    @property
    def primary_extractor(self) -> str:
        """The extractor the terminal summary shows: by-side if configured, else the first.
        Every extractor × grader is in tables.md and results.json."""
        return "by-side" if self.config.get("extractor_by_side") else self.config["extractors"][0]

    def primary_grader(self, benchmark: str) -> str:
        """The grader the summary shows for a benchmark: its own preferred grader when the run
        has it (medcalc for MedCalc-Bench, not numeric), else the run's first that judged it."""
        from tunegap.data import BENCHMARKS

        graders = self.config["graders"]
        judged = {g.grader for g in self.gaps if g.benchmark == benchmark}
        own = BENCHMARKS[benchmark].graders if benchmark in BENCHMARKS else ()
        return next((g for g in [*own, *graders] if g in graders and g in judged), graders[0])

    def headline(self) -> list[Gap]:
        """Gaps under the primary extractor and each benchmark's primary grader, headline
        metrics only."""
        from tunegap.report.markdown import headline_metrics

        ext = self.primary_extractor
        grader_of = {b: self.primary_grader(b) for b in dict.fromkeys(g.benchmark
                                                                      for g in self.gaps)}
        chosen = [g for g in self.gaps if g.extractor == ext and g.grader == grader_of[g.benchmark]]
        keep = headline_metrics(chosen)
        return [g for g in chosen if (g.benchmark, g.decoding, g.metric) in keep]

    def gap(self, **where: str) -> list[Gap]:
        return [g for g in self.gaps if all(getattr(g, k) == v for k, v in where.items())]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "config": self.config,
            "versions": versions(),
            "counts": self.counts,
            "cells": [c.to_dict() for c in self.cells],
            "gaps": [g.to_dict() for g in self.gaps],
        }
