"""tables.md: the gap tables with paired intervals, breakdowns by metadata, original vs variant,
and the grader sensitivity section. Renders a Results; computes nothing."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from tunegap.analysis.compare import Comparison
from tunegap.report.sensitivity import sensitivity_markdown
from tunegap.results import Results, headline_metrics

LEGEND = ("Accuracy in %. Δ = instruct − base in points, with its paired 95 % interval; "
          "n = items both sides were scored on. `*`: significant (Holm-adjusted p < 0.05 within "
          "the benchmark); `?`: unresolved (|Δ| below the minimum detectable effect at α = 0.05 "
          "and 80 % power: the data cannot tell a gap this size from none).")


def fmt(x: float | None, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.2f}" if sign else f"{x:.2f}"


def mark(c: Comparison) -> str:
    return "*" if c.significant else ("?" if c.unresolved else "")


def delta_cell(c: Comparison) -> str:
    return f"{fmt(c.delta, sign=True)}{mark(c)} [{fmt(c.ci_low)}, {fmt(c.ci_high)}]"


def row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def gap_tables(rows: Sequence[Comparison]) -> str:
    """One block per benchmark × decoding × metric × extractor × grader (headline metrics),
    a row per pair, a column group per setting."""
    keep = headline_metrics(rows)
    blocks: dict[tuple, list[Comparison]] = defaultdict(list)
    for c in rows:
        if c.group_key is None and (c.benchmark, c.decoding, c.metric) in keep:
            blocks[(c.benchmark, c.decoding, c.metric, c.extractor, c.grader)].append(c)
    out = []
    for (bench, dec, metric, ext, grader), cs in blocks.items():
        settings = list(dict.fromkeys(c.setting for c in cs))
        pairs = list(dict.fromkeys(c.pair for c in cs))
        by = {(c.pair, c.setting): c for c in cs}
        out.append(f"### {bench} · {dec} · {metric} · extractor `{ext}` · grader `{grader}`\n")
        head = ["pair"]
        for s in settings:
            head += [f"{s} inst", "base", "Δ [95% CI]", "n"]
        out += [row(head), "|" + "---|" * len(head)]
        for p in pairs:
            cells = [p]
            for s in settings:
                c = by.get((p, s))
                cells += ([fmt(c.instruct), fmt(c.base), delta_cell(c), str(c.n)]
                          if c else ["", "", "", ""])
            out.append(row(cells))
        out.append("")
    return "\n".join(out)


def breakdown_tables(results: Results) -> str:
    """Per benchmark and metadata key, under the summary's extractor and grader: a row per
    group value and pair, a column group per setting (Table 1's layout for MedCalc-Bench)."""
    ext = results.primary_extractor
    blocks: dict[tuple, list[Comparison]] = defaultdict(list)
    for c in results.breakdowns:
        if c.extractor == ext and c.grader == results.primary_grader(c.benchmark):
            blocks[(c.benchmark, c.group_key, c.decoding, c.grader)].append(c)
    if not blocks:
        return ""
    out = ["## Breakdowns by metadata", "",
           f"Accuracy under extractor `{ext}` and each benchmark's own grader; every extractor "
           "× grader is in results.json (`breakdowns`). Holm within each breakdown.", ""]
    for (bench, key, dec, grader), cs in blocks.items():
        settings = list(dict.fromkeys(c.setting for c in cs))
        by = {(c.group, c.pair, c.setting): c for c in cs}
        out.append(f"### {bench} by {key} · {dec} · grader `{grader}`\n")
        head = [key, "pair"]
        for s in settings:
            head += [f"{s} inst", "base", "Δ [95% CI]", "n"]
        out += [row(head), "|" + "---|" * len(head)]
        for group, pair in dict.fromkeys((c.group, c.pair) for c in cs):
            cells = [group or "", pair]
            for s in settings:
                c = by.get((group, pair, s))
                cells += ([fmt(c.instruct), fmt(c.base), delta_cell(c), str(c.n)]
                          if c else ["", "", "", ""])
            out.append(row(cells))
        out.append("")
    return "\n".join(out)


def robustness_tables(results: Results) -> str:
    ext = results.primary_extractor
    rows = [r for r in results.robustness
            if r.extractor == ext and r.grader == results.primary_grader(r.benchmark)]
    if not rows:
        return ""
    out = ["## Original vs variant", "",
           "Accuracy on the originals and on their variants, drop = original − variant (points) "
           "with 95 % intervals clustered by seed problem; consistency = solved on both. "
           "Difference of drops = instruct drop − base drop (positive: instruct drops more), "
           "with a cluster-bootstrap interval over seed problems (`*`: it excludes 0).", "",
           row(["variants", "kind", "setting", "decoding", "pair", "side", "n (seeds)",
                "original", "variant", "drop [95% CI]", "relative", "consistency"]),
           "|" + "---|" * 12]
    did = []
    for r in rows:
        for side, d in (("instruct", r.instruct), ("base", r.base)):
            if d is None:
                continue
            out.append(row([r.benchmark, r.kind, r.setting, r.decoding, r.pair, side,
                            f"{d.n} ({d.seeds})", fmt(d.original), fmt(d.variant),
                            f"{fmt(d.drop, True)} [{fmt(d.drop_ci[0])}, {fmt(d.drop_ci[1])}]",
                            fmt(100 * d.relative_drop) + " %", fmt(d.consistency)]))
        if r.n_paired:
            did.append(row([r.benchmark, r.kind, r.setting, r.decoding, r.pair, str(r.n_paired),
                            f"{fmt(r.did, True)}{'*' if r.significant else ''} "
                            f"[{fmt(r.did_ci[0])}, {fmt(r.did_ci[1])}]"]))
    if did:
        out += ["", "### Difference of drops (instruct − base)", "",
                row(["variants", "kind", "setting", "decoding", "pair", "n", "Δ drop [95% CI]"]),
                "|" + "---|" * 7, *did]
    out.append("")
    return "\n".join(out)


def tables_markdown(results: Results) -> str:
    parts = [f"# tunegap results: {results.name}\n"]
    if results.caveat:
        parts.append(f"> **Caveat.** {results.caveat}\n")
    incomplete = [c for c in results.cells if not c.complete]
    if incomplete:
        cells = sorted({f"{c.pair}|{c.side}|{c.benchmark}|{c.setting}|{c.decoding}"
                        for c in incomplete})
        parts.append(f"> **Incomplete run.** {len(cells)} cell(s) have fewer scored items than "
                     f"planned (first: {cells[0]}); Δ is over the items both sides have.\n")
    if results.batching_note:
        parts.append(f"> **Batch size in the key.** {results.batching_note}\n")
    parts.append(LEGEND + "\n")
    parts.append("## Gaps\n")
    parts.append(gap_tables(results.comparisons))
    for section in (breakdown_tables(results), robustness_tables(results),
                    sensitivity_markdown(results)):
        if section:
            parts.append(section)
    return "\n".join(parts)
