"""The paper's table layouts (../shared/PAPER.md), built from a Results — or, for the two
writers `gap_table` and `category_table`, from rows of published numbers with no run at all.

A `Gap` is one instruct-vs-base cell: both means, Δ, its interval and marks. `Gap.of` reads a
Comparison; `Gap.published` takes the two numbers a paper prints (no interval, no marks).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tunegap.analysis.compare import Comparison
from tunegap.report.table import CI, CLUSTER_MARKS, LEGEND, OUTPUTS, Num, Table
from tunegap.results import Results, benchmark_of, headline_metrics

# The paper's layouts go to tables/ and report.html; tables.md has its own (report/markdown.py).
PAPER = OUTPUTS - {"tables.md"}

# MedCalc-Bench's categories in the paper's order (largest first); other groups keep theirs.
CATEGORY_ORDER = ("lab", "risk", "physical", "severity", "diagnosis", "date", "dosage")
MAX_GROUP_COLUMNS = 12  # wider breakdowns (55 calculators) stay in tables.md / results.json


@dataclass(frozen=True)
class Gap:
    instruct: float | None
    base: float | None
    delta: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    significant: bool = False
    unresolved: bool = False
    cluster_flag: str | None = None  # "single-cluster" | "few-clusters" (marks † / ‡)

    @classmethod
    def of(cls, c: Comparison) -> Gap:
        return cls(c.instruct, c.base, c.delta, c.ci_low, c.ci_high, c.n, c.significant,
                   c.unresolved, c.cluster_flag)

    @classmethod
    def published(cls, instruct: float, base: float) -> Gap:
        """Numbers as a paper prints them: Δ is computed, the interval is unknown."""
        return cls(instruct, base, instruct - base)

    @property
    def mark(self) -> str:
        flag = CLUSTER_MARKS.get(self.cluster_flag or "", "")
        return ("*" if self.significant else ("?" if self.unresolved else "")) + flag

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None


def bench_title(name: str) -> str:
    """How reports name a benchmark: its own title (Benchmark.display_title)."""
    bench = benchmark_of(name)
    return bench.display_title if bench is not None else name


def setting_title(label: str) -> str:
    """zeroshot_cot → 0-shot CoT, fewshot_cot[k=8] → 8-shot CoT; suffixes (+chat) stay."""
    m = re.match(r"^(zeroshot|oneshot|fewshot)_cot(?:\[k=(\d+)\])?(.*)$", label)
    if not m:
        return label
    k = {"zeroshot": "0", "oneshot": "1"}.get(m.group(1), m.group(2) or "k")
    return f"{k}-shot CoT{m.group(3)}"


def _slug(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-").lower()


# --- the two writers that also take published numbers ------------------------------------------

def gap_table(rows: Sequence[tuple[str | tuple[str, ...], str, Gap]], *, slug: str, title: str,
              row_header: str | Sequence[str] = "pair", note: str = LEGEND,
              outputs: frozenset[str] = PAPER) -> Table:
    """rows: (row label, column group, gap). One row per label, a column group per group
    (inst | base | Δ, plus 95 % CI and n when known): the paper's GSM8K / MedCalc-overall /
    two-grader layout. A label may be a tuple, one column each (`row_header` names them)."""
    labels = list(dict.fromkeys(r[0] for r in rows))
    groups = list(dict.fromkeys(r[1] for r in rows))
    by = {(r[0], r[1]): r[2] for r in rows}
    with_ci = any(g.has_ci for *_x, g in rows)
    with_n = any(g.n is not None for *_x, g in rows)
    sub = ["inst", "base", "Δ", *(["95% CI"] if with_ci else []), *(["n"] if with_n else [])]
    heads = [row_header] if isinstance(row_header, str) else list(row_header)
    t = Table(slug=slug, title=title, columns=[*heads, *sub * len(groups)],
              groups=[("", len(heads)), *[(g, len(sub)) for g in groups]], note=note,
              outputs=outputs)
    for label in labels:
        cells: list = list(label) if isinstance(label, tuple) else [label]
        for grp in groups:
            g = by.get((label, grp))
            if g is None:
                cells += [""] * len(sub)
                continue
            cells += [Num(g.instruct), Num(g.base), Num(g.delta, g.mark)]
            cells += [CI(g.ci_low, g.ci_high)] if with_ci else []
            cells += [g.n if g.n is not None else ""] if with_n else []
        t.rows.append(cells)
    return t


def category_table(rows: Sequence[tuple[str, str, Gap]], *, slug: str, title: str,
                   note: str = LEGEND) -> Table:
    """rows: (pair, group, gap), "Overall" being one more group. The paper's Table 1: a column
    per group, rows Instruct / Base / Δ per pair (and 95 % CI when any interval is known)."""
    pairs = list(dict.fromkeys(r[0] for r in rows))
    groups = list(dict.fromkeys(r[1] for r in rows))
    by = {(r[0], r[1]): r[2] for r in rows}
    with_ci = any(g.has_ci for *_x, g in rows)
    t = Table(slug=slug, title=title, columns=["Model", "Variant", *groups], note=note,
              outputs=PAPER)
    for p in pairs:
        gaps = [by.get((p, grp)) for grp in groups]
        t.rules.add(len(t.rows))
        t.rows.append([p, "Instruct", *[Num(g.instruct) if g else "" for g in gaps]])
        t.rows.append(["", "Base", *[Num(g.base) if g else "" for g in gaps]])
        t.rows.append(["", "Δ", *[Num(g.delta, g.mark) if g else "" for g in gaps]])
        if with_ci:
            t.rows.append(["", "95% CI", *[CI(g.ci_low, g.ci_high) if g else "" for g in gaps]])
    return t


# --- tables from a Results -------------------------------------------------------------------

def headline_table(results: Results) -> Table:
    t = Table(slug="headline", title="Headline: instruct − base per pair, benchmark and setting",
              columns=["pair", "benchmark", "setting", "decoding", "metric", "grader", "inst",
                       "base", "Δ", "95% CI", "n"],
              note=f"Extractor `{results.primary_extractor}`, each benchmark's own grader. "
                   + LEGEND, outputs=PAPER)
    for c in results.headline():
        t.rows.append([c.pair, bench_title(c.benchmark), setting_title(c.setting), c.decoding,
                       c.metric, c.grader, Num(c.instruct), Num(c.base),
                       Num(c.delta, Gap.of(c).mark), CI(c.ci_low, c.ci_high), c.n])
    return t


def setting_tables(results: Results) -> list[Table]:
    """GSM8K zero- vs few-shot, MedCalc-Bench across its three settings: any benchmark."""
    blocks: dict[tuple, list] = defaultdict(list)
    for c in results.headline():
        blocks[(c.benchmark, c.decoding, c.metric, c.grader)].append(
            (c.pair, setting_title(c.setting), Gap.of(c)))
    return [gap_table(rows, slug=_slug("settings", b, d, m),
                      title=f"{bench_title(b)}: instruct vs base per setting · {m} · {d}",
                      note=f"Extractor `{results.primary_extractor}`, grader `{g}`. " + LEGEND)
            for (b, d, m, g), rows in blocks.items()]


def _group_order(group: str) -> tuple:
    g = group.lower()
    return (CATEGORY_ORDER.index(g), "") if g in CATEGORY_ORDER else (len(CATEGORY_ORDER), "")


def category_tables(results: Results) -> list[Table]:
    """MedCalc-Bench per category (Table 1), and any other breakdown of ≤ 12 groups."""
    blocks: dict[tuple, list[Comparison]] = defaultdict(list)
    for c in results.breakdowns:
        if results.chosen(c):
            blocks[(c.benchmark, c.group_key, c.setting, c.decoding, c.grader)].append(c)
    overall = {(c.pair, c.benchmark, c.setting, c.decoding, c.grader): c
               for c in results.comparisons
               if c.metric == "accuracy" and c.extractor == results.primary_extractor}
    out = []
    for (b, key, s, d, g), cs in blocks.items():
        groups = sorted(dict.fromkeys(c.group or "" for c in cs), key=_group_order)
        if len(groups) > MAX_GROUP_COLUMNS:
            continue
        by = {(c.pair, c.group or ""): c for c in cs}
        rows = []
        for p in dict.fromkeys(c.pair for c in cs):
            rows += [(p, grp[:1].upper() + grp[1:], Gap.of(by[(p, grp)]))
                     for grp in groups if (p, grp) in by]
            if (p, b, s, d, g) in overall:
                rows.append((p, "Overall", Gap.of(overall[(p, b, s, d, g)])))
        out.append(category_table(
            rows, slug=_slug("by", key, b, s, d),
            title=f"{bench_title(b)} per {key} · {setting_title(s)} · accuracy · {d}",
            note=f"Extractor `{results.primary_extractor}`, grader `{g}`; Holm within the "
                 "breakdown. " + LEGEND))
    return out


def grader_tables(results: Results) -> list[Table]:
    """Math-500 under two graders: Δ per grader, any benchmark judged by ≥ 2 graders."""
    ext = results.primary_extractor
    rows = [c for c in results.comparisons if c.extractor == ext]
    keep = headline_metrics(rows)
    blocks: dict[tuple, list] = defaultdict(list)
    for c in rows:
        if (c.benchmark, c.decoding, c.metric) in keep:
            blocks[(c.benchmark, c.setting, c.decoding, c.metric)].append(c)
    out = []
    for (b, s, d, m), cs in blocks.items():
        if len({c.grader for c in cs}) < 2:
            continue
        out.append(gap_table([(c.pair, c.grader, Gap.of(c)) for c in cs],
                             slug=_slug("graders", b, s, d, m),
                             title=f"{bench_title(b)} under each grader · {setting_title(s)} · "
                                   f"{m} · {d}",
                             note=f"Extractor `{ext}`. " + LEGEND))
    return out


def _rob_kind(rows) -> list:
    """One kind per (pair, benchmark, setting, decoding, extractor, grader): "all" when there
    are several kinds, else the only one."""
    kinds: dict[tuple, set] = defaultdict(set)
    for r in rows:
        kinds[(r.pair, r.benchmark, r.setting, r.decoding, r.extractor, r.grader)].add(r.kind)
    return [r for r in rows if r.kind == "all" or len(
        kinds[(r.pair, r.benchmark, r.setting, r.decoding, r.extractor, r.grader)]) == 1]


def perturb_tables(results: Results) -> list[Table]:
    """Math-500 → MATH-Perturb: originals and variants per side, under every grader."""
    rows = _rob_kind([r for r in results.robustness if r.extractor == results.primary_extractor])
    blocks: dict[tuple, list] = defaultdict(list)
    for r in rows:
        blocks[(r.benchmark, r.setting, r.decoding)].append(r)
    out = []
    for (b, s, d), rs in blocks.items():
        graders = list(dict.fromkeys(r.grader for r in rs))
        t = Table(slug=_slug("perturb", b, s, d),
                  title=f"Originals → {bench_title(b)} · {setting_title(s)} · {d}",
                  columns=["model", *["originals", "variants"] * len(graders)],
                  groups=[("", 1), *[(g, 2) for g in graders]],
                  note=f"Accuracy in % under each grader, extractor `{results.primary_extractor}`;"
                       " the rows whose variant names its original (meta.seed_id).",
                  outputs=PAPER)
        by = {(r.pair, r.grader): r for r in rs}
        for p in dict.fromkeys(r.pair for r in rs):
            for side in ("instruct", "base"):
                cells: list = [f"{p} {side}"]
                for g in graders:
                    d_ = getattr(by[(p, g)], side) if (p, g) in by else None
                    cells += [Num(d_.original), Num(d_.variant)] if d_ else ["", ""]
                t.rows.append(cells)
        out.append(t)
    return out


def drop_tables(results: Results) -> list[Table]:
    """Original vs variant per side: drops with cluster intervals and the difference of drops."""
    rows = [r for r in results.robustness if results.chosen(r)]
    blocks: dict[tuple, list] = defaultdict(list)
    for r in rows:
        blocks[(r.benchmark, r.setting, r.decoding, r.grader)].append(r)
    out = []
    side_cols = ["original", "variant", "drop", "95% CI"]
    for (b, s, d, g), rs in blocks.items():
        t = Table(slug=_slug("drops", b, s, d),
                  title=f"Original vs variant: {bench_title(b)} · {setting_title(s)} · {d}",
                  columns=["pair", "kind", *side_cols, *side_cols, "Δ drop", "95% CI"],
                  groups=[("", 2), ("instruct", 4), ("base", 4), ("instruct − base", 2)],
                  note=f"Accuracy in %, extractor `{results.primary_extractor}`, grader `{g}`. "
                       "Drop = original − variant, interval clustered by seed problem; "
                       "Δ drop = instruct drop − base drop (positive: instruct drops more), "
                       "CR2 cluster-robust interval; * it excludes 0; † one seed problem, no "
                       "interval; ‡ too few seed problems to trust it.", outputs=PAPER)
        for r in rs:
            cells: list = [r.pair, r.kind]
            for sd in (r.instruct, r.base):
                flag = CLUSTER_MARKS.get(sd.flag or "", "") if sd else ""
                cells += ([Num(sd.original), Num(sd.variant), Num(sd.drop, flag), CI(*sd.drop_ci)]
                          if sd else ["", "", "", ""])
            paired = r.n_paired > 0
            did_mark = ("*" if r.significant else "") + CLUSTER_MARKS.get(r.did_flag or "", "")
            cells += [Num(r.did if paired else None, did_mark),
                      CI(*r.did_ci) if paired else CI(None, None)]
            t.rows.append(cells)
        out.append(t)
    return out


def sensitivity_tables(results: Results) -> list[Table]:
    out = []
    if results.agreements:
        t = Table(slug="grader-agreement", title="Grader agreement (Cohen's κ per sample)",
                  columns=["benchmark", "setting", "decoding", "extractor", "graders", "n",
                           "both right", "only first", "only second", "both wrong", "κ",
                           "disagree", "timeouts"],
                  note="Right / not right per sample under two graders; the disputed samples are "
                       "in results.json and in the sample browser's grader-disagreement filter.",
                  outputs=PAPER)
        for a in results.agreements:
            t.rows.append([bench_title(a.benchmark), setting_title(a.setting), a.decoding,
                           a.extractor, f"{a.grader_a} vs {a.grader_b}", a.n, a.both_right,
                           a.only_a, a.only_b, a.both_wrong, Num(a.kappa), a.disagree, a.timeouts])
        out.append(t)
    if len(results.graders) > 1 and results.grader_deltas:
        graders = results.graders
        t = Table(slug="grader-deltas", title="Δ (instruct − base) under each grader",
                  columns=["pair", "benchmark", "setting", "decoding", "extractor",
                           *[f"Δ {g}" for g in graders], "sign flip"],
                  note="Accuracy Δ in points; sign flip: the graders disagree on which side is "
                       "better.", outputs=PAPER)
        for gd in results.grader_deltas:
            t.rows.append([gd.pair, bench_title(gd.benchmark), setting_title(gd.setting),
                           gd.decoding, gd.extractor, *[Num(gd.deltas.get(g)) for g in graders],
                           "yes" if gd.sign_flip else ""])
        out.append(t)
    return out
