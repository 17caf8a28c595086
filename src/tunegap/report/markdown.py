"""Markdown tables in the layout of the paper's GSM8K table: per pair and setting,
instruct | base | Δ (instruct − base), one block per benchmark × decoding × extractor × grader."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from tunegap.analysis.metrics import Gap


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


# Which metrics get a table: the headline one per decoding, not every k.
HEADLINE = ("accuracy", "pass@5", "pass@20", "maj@5", "maj@20", "selected")


def _headline(metric: str, all_metrics: set[str]) -> bool:
    if metric in HEADLINE:
        return True
    # pass@n / maj@n for the largest n present (e.g. pass@8 when n = 8)
    if "@" in metric:
        kind, k = metric.split("@")
        return int(k) == max(int(m.split("@")[1]) for m in all_metrics if m.startswith(kind + "@"))
    return False


def headline_metrics(gaps: Sequence[Gap]) -> set[tuple[str, str, str]]:
    """(benchmark, decoding, metric) triples worth a headline."""
    metrics_of: dict[tuple, set[str]] = defaultdict(set)
    for g in gaps:
        metrics_of[(g.benchmark, g.decoding)].add(g.metric)
    return {(*k, m) for k, ms in metrics_of.items() for m in ms if _headline(m, ms)}


def gap_tables(gaps: Sequence[Gap]) -> str:
    blocks: dict[tuple, list[Gap]] = defaultdict(list)
    for g in gaps:
        blocks[(g.benchmark, g.decoding, g.extractor, g.grader, g.metric)].append(g)
    metrics_of: dict[tuple, set[str]] = defaultdict(set)
    for b in blocks:
        metrics_of[b[:4]].add(b[4])
    out = []
    for (bench, dec, ext, grader, metric), rows in blocks.items():
        if not _headline(metric, metrics_of[(bench, dec, ext, grader)]):
            continue
        settings = list(dict.fromkeys(g.setting for g in rows))
        pairs = list(dict.fromkeys(g.pair for g in rows))
        by = {(g.pair, g.setting): g for g in rows}
        out.append(f"### {bench} · {dec} · {metric} · extractor `{ext}` · grader `{grader}`\n")
        head = ["pair"]
        for s in settings:
            head += [f"{s} inst", "base", "Δ", "n"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for p in pairs:
            cells = [p]
            for s in settings:
                g = by.get((p, s))
                cells += ([_fmt(g.instruct), _fmt(g.base), _fmt(g.delta), str(g.n)]
                          if g else ["", "", "", ""])
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)
