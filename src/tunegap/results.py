"""A run's results: a pure function of its per-sample records and its typed config.

records → per-item scores → per-side cells, paired comparisons, breakdowns by metadata,
original-vs-variant robustness, grader sensitivity. Imports analysis, never the store or the
report writers (tunegap.report renders a Results; it is not rendered here).
"""

from __future__ import annotations

import platform
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from tunegap.analysis.cells import CellScore, cell_scores
from tunegap.analysis.compare import Comparison, breakdowns, paired_comparisons
from tunegap.analysis.items import BY_SIDE, ItemScore, item_scores
from tunegap.analysis.robustness import Robustness, robustness
from tunegap.analysis.sensitivity import Agreement, GraderDelta, agreements, grader_deltas
from tunegap.config import RunConfig
from tunegap.errors import UserError, redact
from tunegap.extract.reasoning import split_reasoning
from tunegap.records import CellKey, SampleRecord

SCHEMA = "tunegap.results/2"
# Headline metrics: the ones the terminal and the main tables show (every metric is in
# results.json): accuracy, and pass@k / maj@k at the largest k, plus CoT decoding's `selected`.
HEADLINE_FIXED = ("accuracy", "selected")


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
    config: RunConfig
    items: list[ItemScore]
    cells: list[CellScore]
    comparisons: list[Comparison]
    breakdowns: list[Comparison] = field(default_factory=list)
    robustness: list[Robustness] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    grader_deltas: list[GraderDelta] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Where the generations came from: {"source": "tunegap run"}, or for `tunegap import`
    # the files with their sha256, the tool and its version where the log states it.
    provenance: dict[str, Any] = field(default_factory=lambda: {"source": "tunegap run"})
    # The attempt these results come from, and whether it finished generating and grading.
    attempt: dict[str, Any] = field(default_factory=lambda: {"id": None, "finished": True})
    # Per cell of a reasoning model: how long it thinks, and how often it never finishes.
    reasoning: list[dict[str, Any]] = field(default_factory=list)

    @property
    def caveat(self) -> str | None:
        return self.config.caveat

    @property
    def batching_note(self) -> str | None:
        """Which models' outputs are named by their batch size (and engine build), said in the
        report: their greedy outputs depend on the rows decoded together."""
        named = [(m.name, b) for p in self.config.pairs for m in (p.base, p.instruct)
                 if (b := m.batching()) is not None]
        if not named:
            return None
        models = "; ".join(f"{name}: batch size {b['batch_size']}, {b['build'] or 'build unknown'}"
                           for name, b in dict(named).items())
        return ("Greedy outputs of llama.cpp on CPU depend on the number of sequences decoded "
                "together (its kernels change with it), so these models' request keys name the "
                f"batch size and the engine build ({models}): a run with another batch size or "
                "build generates anew and never mixes outputs.")

    @property
    def extractors(self) -> list[str]:
        return [*self.config.extractors, *([BY_SIDE] if self.config.extractor_by_side else [])]

    @property
    def graders(self) -> list[str]:
        return list(self.config.graders or [])

    @property
    def complete(self) -> bool:
        """Every cell has every planned item scored, and the attempt finished."""
        return bool(self.attempt.get("finished", True)) and all(c.complete for c in self.cells)

    @property
    def primary_extractor(self) -> str:
        """The extractor the terminal summary shows: by-side if configured, else the first.
        Every extractor × grader is in tables.md and results.json."""
        return BY_SIDE if self.config.extractor_by_side else self.config.extractors[0]

    def primary_grader(self, benchmark: str) -> str:
        """The grader the summary shows for a benchmark: its own preferred grader when the run
        has it (medcalc for MedCalc-Bench, not numeric), else the run's first that judged it."""
        from tunegap.perturb.benchmark import benchmark_for

        judged = {c.grader for c in self.comparisons if c.benchmark == benchmark}
        try:
            own = benchmark_for(benchmark, self.config.perturb).graders
        except UserError:  # a benchmark no longer known (a stored run, an imported one)
            own = ()
        graders = self.graders
        return next((g for g in [*own, *graders] if g in graders and g in judged), graders[0])

    def headline(self) -> list[Comparison]:
        """Comparisons under the primary extractor and each benchmark's primary grader,
        headline metrics only."""
        ext = self.primary_extractor
        grader_of = {b: self.primary_grader(b)
                     for b in dict.fromkeys(c.benchmark for c in self.comparisons)}
        chosen = [c for c in self.comparisons
                  if c.extractor == ext and c.grader == grader_of[c.benchmark]]
        keep = headline_metrics(chosen)
        return [c for c in chosen if (c.benchmark, c.decoding, c.metric) in keep]

    def summary(self) -> dict[str, Any]:
        """What the terminal shows after a run, as plain data: kept in the store beside the
        report, so a re-run that rebuilds nothing prints it without the analysis."""
        rows = ("setting", "decoding", "metric", "instruct", "base", "delta", "ci_low", "ci_high",
                "n", "significant", "unresolved")
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for c in self.headline():
            groups.setdefault((c.pair, c.benchmark), []).append({k: getattr(c, k) for k in rows})
        return {"caveat": self.caveat, "complete": self.complete,
                "primary_extractor": self.primary_extractor,
                "tables": [{"pair": pair, "benchmark": bench,
                            "grader": self.primary_grader(bench), "rows": found}
                           for (pair, bench), found in groups.items()]}

    def config_dict(self) -> dict[str, Any]:
        """The config as written into any report: no credentials inside a URL."""
        return _redacted(self.config.model_dump(mode="json"))

    def gap(self, **where: str) -> list[Comparison]:
        return [c for c in self.comparisons if all(getattr(c, k) == v for k, v in where.items())]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "config": self.config_dict(),
            "versions": versions(),
            "provenance": self.provenance,
            "attempt": self.attempt,
            "counts": self.counts,
            "complete": self.complete,
            "reasoning": self.reasoning,
            "cells": [c.to_dict() for c in self.cells],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "breakdowns": [c.to_dict() for c in self.breakdowns],
            "robustness": [r.to_dict() for r in self.robustness],
            "sensitivity": {
                "extractors": self.extractors, "graders": self.graders,
                "agreements": [a.to_dict() for a in self.agreements],
                "grader_deltas": [g.to_dict() for g in self.grader_deltas],
            },
        }


def _redacted(obj: Any) -> Any:
    """The config as written into results.json: no credentials inside a URL."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        return {k: _redacted(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_redacted(v) for v in obj]
    return obj


def headline_metrics(rows: Iterable[Comparison]) -> set[tuple[str, str, str]]:
    """(benchmark, decoding, metric) triples worth a headline: accuracy, selected, and pass@k /
    maj@k at the largest k of that benchmark × decoding."""
    rows = list(rows)
    largest: dict[tuple, int] = {}
    for r in rows:
        if "@" in r.metric:
            kind, k = r.metric.split("@")
            key = (r.benchmark, r.decoding, kind)
            largest[key] = max(largest.get(key, 0), int(k))
    keep = set()
    for r in rows:
        if r.metric in HEADLINE_FIXED:
            keep.add((r.benchmark, r.decoding, r.metric))
        elif "@" in r.metric:
            kind, k = r.metric.split("@")
            if int(k) == largest[(r.benchmark, r.decoding, kind)]:
                keep.add((r.benchmark, r.decoding, r.metric))
    return keep


def build_results(records: Iterable[SampleRecord], config: RunConfig, run_dir: Path, *,
                  planned: Mapping[str, int] | None = None,
                  counts: Mapping[str, int] | None = None,
                  provenance: Mapping[str, Any] | None = None,
                  attempt: Mapping[str, Any] | None = None) -> Results:
    tallies: dict[tuple, Counter] = {}
    thinking: dict[CellKey, list[int]] = {}
    items = item_scores(_tally_reasoning(records, config, thinking), config.extractors,
                        config.graders or [], by_side=config.extractor_by_side, tallies=tallies)
    cluster_by = config.cluster_by
    comparisons = paired_comparisons(items, cluster_by)
    return Results(
        run_dir=Path(run_dir), config=config, items=items,
        cells=cell_scores(items, planned or {}, tallies), comparisons=comparisons,
        breakdowns=breakdowns(items, cluster_by),
        robustness=robustness(items, seed=config.seed),
        agreements=agreements([it for it in items if it.extractor != BY_SIDE],
                              config.graders or []),
        grader_deltas=grader_deltas(comparisons), counts=dict(counts or {}),
        provenance=dict(provenance or {"source": "tunegap run"}),
        attempt=dict(attempt or {"id": None, "finished": True}),
        reasoning=[{"pair": c.pair, "side": c.side, "model": c.model, "benchmark": c.benchmark,
                    "setting": c.setting, "decoding": c.decoding, "samples": n,
                    "mean_reasoning_chars": chars / n, "unfinished": unfinished}
                   for c, (chars, n, unfinished) in thinking.items()])


def _tally_reasoning(records: Iterable[SampleRecord], config: RunConfig,
                     out: dict[CellKey, list[int]]) -> Iterator[SampleRecord]:
    """Pass the records through, counting per cell of a model with a `reasoning` block the
    characters of its thinking and the samples whose thinking never closed."""
    specs = {m.name: m.reasoning for p in config.pairs for m in (p.base, p.instruct)
             if m.reasoning is not None}
    for rec in records:
        spec = specs.get(rec.cell.model)
        if spec is not None:
            split = split_reasoning(rec.output, spec.start, spec.end, starts_open=spec.starts_open)
            tally = out.setdefault(rec.cell, [0, 0, 0])
            tally[0] += len(split.reasoning or "")
            tally[1] += 1
            tally[2] += split.answer is None
        yield rec
