"""A run's results: a pure function of its per-sample records and its resolved config.

records → per-item scores → per-side cells, paired comparisons, breakdowns by metadata,
original-vs-variant robustness, grader sensitivity. Imports analysis, never the store or the
report writers (tunegap.report renders a Results; it is not rendered here).
"""

from __future__ import annotations

import platform
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from tunegap.analysis.cells import CellScore, cell_scores
from tunegap.analysis.compare import Comparison, breakdowns, paired_comparisons
from tunegap.analysis.items import BY_SIDE, ItemScore, item_scores
from tunegap.analysis.metrics import ACCURACY, SELECTED, Metric
from tunegap.analysis.robustness import Robustness, robustness
from tunegap.analysis.sensitivity import Agreement, GraderDelta, agreements, grader_deltas
from tunegap.errors import redact
from tunegap.extract.reasoning import split_reasoning
from tunegap.records import CellKey, SampleRecord
from tunegap.resolved import Resolved, as_resolved

SCHEMA = "tunegap.results/2"
# Headline metrics: the ones the terminal and the main tables show (every metric is in
# results.json): accuracy, and pass@k / maj@k at the largest k, plus CoT decoding's `selected`.
HEADLINE_FIXED = (ACCURACY, SELECTED)


def versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("tunegap", "llama_cpp_python", "transformers", "torch", "vllm", "math-verify"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


@dataclass(frozen=True)
class Headline:
    """What the terminal, the headline table, the summary cards and the figures show, chosen
    once: the summary's extractor column, each benchmark's grader (its own preferred one when
    the run has it: medcalc for MedCalc-Bench, not numeric; else the run's first that judged it)
    and the comparisons under them at the headline metrics."""

    extractor: str
    graders: Mapping[str, str]  # benchmark → grader
    rows: tuple[Comparison, ...]

    def chosen(self, row: Any) -> bool:
        """Whether a row (comparison, cell, robustness row) is under the headline's extractor
        and its benchmark's grader."""
        return row.extractor == self.extractor and row.grader == self.graders.get(row.benchmark)


def benchmark_of(name: str, resolved: Resolved | None = None) -> Any:
    """The Benchmark of a name (its title, its preferred graders): a registered one or one of
    the run's perturbed sets; None for a benchmark this process does not know (an imported or
    stored run's)."""
    from tunegap.errors import UserError

    try:
        if resolved is not None:
            return resolved.benchmark(name)
        from tunegap.data import BENCHMARKS

        return BENCHMARKS.get(name) if name in BENCHMARKS else None
    except UserError:
        return None


def choose_headline(comparisons: Sequence[Comparison], resolved: Resolved) -> Headline:
    ext = resolved.summary_extractor
    graders = list(resolved.graders)
    grader_of = {}
    for bench in dict.fromkeys(c.benchmark for c in comparisons):
        judged = {c.grader for c in comparisons if c.benchmark == bench}
        own = bench_.graders if (bench_ := benchmark_of(bench, resolved)) is not None else ()
        grader_of[bench] = next((g for g in [*own, *graders] if g in graders and g in judged),
                                graders[0])
    chosen = [c for c in comparisons if c.extractor == ext and c.grader == grader_of[c.benchmark]]
    keep = headline_metrics(chosen)
    return Headline(ext, grader_of,
                    tuple(c for c in chosen if (c.benchmark, c.decoding, c.metric) in keep))


@dataclass
class Results:
    run_dir: Path
    resolved: Resolved
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
    choice: Headline | None = None  # the headline (build_results chooses it)

    def __post_init__(self) -> None:
        if self.choice is None:
            self.choice = choose_headline(self.comparisons, self.resolved)

    @property
    def name(self) -> str:
        return self.resolved.name

    @property
    def caveat(self) -> str | None:
        return self.resolved.caveat

    @property
    def batching_note(self) -> str | None:
        """Which models' outputs are named by their batch size (and engine build), said in the
        report: their greedy outputs depend on the rows decoded together."""
        named = [(m.name, b) for m in self.resolved.models if (b := m.batching()) is not None]
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
        """The extractor columns: the configured extractors, then by-side when configured."""
        return list(self.resolved.extractor_columns)

    @property
    def graders(self) -> list[str]:
        return list(self.resolved.graders)

    @property
    def complete(self) -> bool:
        """Every cell has every planned item scored, and the attempt finished."""
        return bool(self.attempt.get("finished", True)) and all(c.complete for c in self.cells)

    @property
    def primary_extractor(self) -> str:
        """The extractor the terminal summary shows: by-side if configured, else the first.
        Every extractor × grader is in tables.md and results.json."""
        return self.choice.extractor

    def primary_grader(self, benchmark: str) -> str:
        """The grader the summary shows for a benchmark (Headline)."""
        return self.choice.graders.get(benchmark, self.graders[0])

    def chosen(self, row: Any) -> bool:
        return self.choice.chosen(row)

    def headline(self) -> list[Comparison]:
        """Comparisons under the primary extractor and each benchmark's primary grader,
        headline metrics only."""
        return list(self.choice.rows)

    def summary(self) -> dict[str, Any]:
        """What the terminal shows after a run, as plain data: kept in the store beside the
        report, so a re-run that rebuilds nothing prints it without the analysis."""
        rows = ("setting", "decoding", "metric", "instruct", "base", "delta", "ci_low", "ci_high",
                "n", "significant", "unresolved")
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for c in self.choice.rows:
            groups.setdefault((c.pair, c.benchmark), []).append({k: getattr(c, k) for k in rows})
        return {"caveat": self.caveat, "complete": self.complete,
                "primary_extractor": self.primary_extractor,
                "tables": [{"pair": pair, "benchmark": bench,
                            "grader": self.primary_grader(bench), "rows": found}
                           for (pair, bench), found in groups.items()]}

    def config_dict(self) -> dict[str, Any]:
        """The config as written into any report: no credentials inside a URL."""
        return _redacted(self.resolved.dump())

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
        m = Metric.of(r.metric)
        if m.k is not None:
            key = (r.benchmark, r.decoding, m.kind)
            largest[key] = max(largest.get(key, 0), m.k)
    keep = set()
    for r in rows:
        m = Metric.of(r.metric)
        if m in HEADLINE_FIXED or (m.k is not None
                                   and m.k == largest[(r.benchmark, r.decoding, m.kind)]):
            keep.add((r.benchmark, r.decoding, r.metric))
    return keep


def build_results(records: Iterable[SampleRecord], resolved: Resolved, run_dir: Path, *,
                  planned: Mapping[str, int] | None = None,
                  counts: Mapping[str, int] | None = None,
                  provenance: Mapping[str, Any] | None = None,
                  attempt: Mapping[str, Any] | None = None) -> Results:
    """The analysis of one stream of records (light or full: it reads only the graded parts).
    `resolved` may be a RunConfig still (resolved here) until every caller hands a Resolved."""
    resolved = as_resolved(resolved)
    tallies: dict[tuple, Counter] = {}
    thinking: dict[CellKey, list[int]] = {}
    items = item_scores(_tally_reasoning(records, resolved, thinking), resolved.extractors,
                        resolved.graders, by_side=resolved.by_side, tallies=tallies)
    cluster_by = resolved.cluster_by
    comparisons = paired_comparisons(items, cluster_by)
    return Results(
        run_dir=Path(run_dir), resolved=resolved, items=items,
        cells=cell_scores(items, planned or {}, tallies), comparisons=comparisons,
        breakdowns=breakdowns(items, cluster_by),
        robustness=robustness(items, seed=resolved.seed),
        agreements=agreements([it for it in items if it.extractor != BY_SIDE],
                              resolved.graders),
        grader_deltas=grader_deltas(comparisons), counts=dict(counts or {}),
        provenance=dict(provenance or {"source": "tunegap run"}),
        attempt=dict(attempt or {"id": None, "finished": True}),
        reasoning=[{"pair": c.pair, "side": c.side, "model": c.model, "benchmark": c.benchmark,
                    "setting": c.setting, "decoding": c.decoding, "samples": n,
                    "mean_reasoning_chars": chars / n, "unfinished": unfinished}
                   for c, (chars, n, unfinished) in thinking.items()])


def _tally_reasoning(records: Iterable[SampleRecord], resolved: Resolved,
                     out: dict[CellKey, list[int]]) -> Iterator[SampleRecord]:
    """Pass the records through, counting per cell of a model with a `reasoning` block the
    characters of its thinking and the samples whose thinking never closed."""
    specs = {name: spec for name, spec in resolved.reasoning.items() if spec is not None}
    for rec in records:
        spec = specs.get(rec.cell.model)
        if spec is not None:
            split = split_reasoning(rec.output, spec.start, spec.end, starts_open=spec.starts_open)
            tally = out.setdefault(rec.cell, [0, 0, 0])
            tally[0] += len(split.reasoning or "")
            tally[1] += 1
            tally[2] += split.answer is None
        yield rec
