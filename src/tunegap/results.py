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
