"""Paired comparison of instruct and base on the same items, per cell and per metadata group.

A comparison cell is pair × benchmark × setting × decoding × extractor × grader × metric. Only
items scored on both sides enter it (paired by example id). Reported: n items and n clusters,
instruct and base means, Δ = instruct − base with a 95 % interval, a p-value, the 2×2 table of a
0/1 metric (b = base right / instruct wrong, c = the reverse), the correlation of the two sides'
per-item scores, the minimum detectable effect (α = 0.05, power 0.8) and `unresolved` when |Δ|
is below it. Which interval and test:

| per-item metric | clusters (items sharing one) | interval | test |
|---|---|---|---|
| 0/1 | none | Newcombe paired score | exact McNemar |
| 0/1 or not | G ≥ 2 clusters, some holding ≥ 2 items | CR2 cluster-robust t, Bell–McCaffrey df | same t |
| 0/1 or not | all items in one cluster | none (`cluster_flag` "single-cluster") | none |
| not 0/1 (pass@k of samples, pass@1 of n) | none | paired t | same t |
| any, unclustered, per-item differences without spread | — | Newcombe of the same 0/1 table | McNemar |
| any, clustered, cluster means without spread | — | what G agreeing clusters allow | sign test |

CR2 with Bell–McCaffrey degrees of freedom (analysis/cluster_robust.py) stays honest when one
cluster holds most items, where CR1 with G − 1 df covered 70–82 %; a clustered row whose df is
below 4 is flagged "few-clusters" (there the simulation test finds CR2 over-covering, up to
98 %, and CR1 under-covering), and `df` is reported with every t interval.

Items share a cluster when their `meta` names the same `seed_id` (variants of one seed problem),
or the same value of the meta key that `cluster_by` names for their benchmark (e.g. MedCalc's
calculator_id). p-values are adjusted by Holm within each benchmark and by Benjamini–Hochberg
over the whole grid; both raw and adjusted are kept; `significant` is Holm-adjusted p < α.
All values are in percent (points for Δ).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from tunegap.analysis.cluster_robust import cluster_mean, no_spread_interval
from tunegap.analysis.items import ItemScore
from tunegap.analysis.metrics import ACCURACY, Metric, metric_binary
from tunegap.analysis.passk import ks_for
from tunegap.analysis.statistics import BUILTIN, STATISTICS, plugin_statistics
from tunegap.analysis.stats import (
    Z95,
    benjamini_hochberg,
    holm,
    mcnemar_exact,
    mean_interval,
    minimum_detectable_effect,
    newcombe_paired,
    pearson,
)
from tunegap.types import Example

ALPHA = 0.05
# Metadata keys that get a per-group breakdown when items carry them. A group whose items an
# earlier key's group already holds gets no second row, whatever its label (GSM-Plus's
# `category` repeats its `perturbation`, tunegap's problems' `steps` "1" their `category` "1-step").
BREAKDOWN_KEYS = ("category", "calculator_name", "perturbation", "subject", "level", "steps")


def clean(x: float | None) -> float | None:
    """JSON has no NaN: an inestimable number is null."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


@dataclass(frozen=True)
class Comparison:
    pair: str
    benchmark: str
    setting: str
    decoding: str
    extractor: str
    grader: str
    metric: Metric  # its string form in results.json
    n: int  # items scored on both sides
    clusters: int
    clustered: bool
    binary: bool
    instruct: float
    base: float
    delta: float
    ci_low: float
    ci_high: float
    ci_method: str  # newcombe | paired-t | cluster-t | cluster-no-spread | none
    p_value: float
    test: str  # mcnemar-exact | paired-t | cluster-t | cluster-sign | none
    both_right: int | None
    base_only: int | None  # b: base right, instruct wrong
    instruct_only: int | None  # c: instruct right, base wrong
    both_wrong: int | None
    p_mcnemar: float | None  # for 0/1 metrics even when clustered (then not the test used)
    correlation: float
    se: float
    mde: float
    unresolved: bool
    df: float = math.nan  # t reference: n − 1 (paired-t) or Bell–McCaffrey (cluster-t)
    cluster_flag: str | None = None  # "single-cluster" (no interval) | "few-clusters" (df < 4)
    p_holm: float = math.nan
    p_bh: float = math.nan
    significant: bool = False
    group_key: str | None = None  # breakdowns: the meta key and this row's value
    group: str | None = None
    # Registered paired statistics beyond the built-in ones (analysis/statistics.py): name →
    # its named numbers; in results.json only when a run has any.
    statistics: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.pair, self.benchmark, self.setting, self.decoding, self.extractor,
                self.grader, self.metric)

    def to_dict(self) -> dict:
        d = {k: clean(v) if isinstance(v, float) else v for k, v in asdict(self).items()}
        if not self.statistics:
            del d["statistics"]
        return d


def cluster_of(example: Example, cluster_by: Mapping[str, str]) -> str:
    key = cluster_by.get(example.benchmark)
    if key is not None and key in example.meta:
        return f"{key}={example.meta[key]}"
    seed = example.meta.get("seed_id")
    return f"seed={seed}" if seed is not None else f"item={example.id}"


def exact(x: float) -> float:
    """Points: float noise around 0 (e.g. 2.8e-15 from a Wilson bound at 0 of n) is 0."""
    return 0.0 if abs(x) < 1e-9 else x


def compare_items(inst: Sequence[float], base: Sequence[float], clusters: Sequence[str],
                  *, binary: bool) -> dict:
    """The statistics of one paired comparison (0..1 scale in, percent out)."""
    i = np.asarray(inst, dtype=float)
    b = np.asarray(base, dtype=float)
    n = len(i)
    groups = len(set(clusters))
    clustered = groups < n
    out: dict = {"n": n, "clusters": groups, "clustered": clustered, "binary": binary,
                 "instruct": 100 * float(i.mean()), "base": 100 * float(b.mean()),
                 "delta": 100 * float(i.mean() - b.mean()), "correlation": pearson(i, b),
                 "both_right": None, "base_only": None, "instruct_only": None,
                 "both_wrong": None, "p_mcnemar": None, "df": math.nan, "cluster_flag": None}
    if binary:
        ir, br = i > 0.5, b > 0.5
        cells = (int((ir & br).sum()), int((br & ~ir).sum()), int((ir & ~br).sum()),
                 int((~ir & ~br).sum()))
        out.update(both_right=cells[0], base_only=cells[1], instruct_only=cells[2],
                   both_wrong=cells[3], p_mcnemar=mcnemar_exact(cells[1], cells[2]))
    if clustered:
        se = _clustered(out, i - b, clusters)
    elif binary:
        lo, hi = newcombe_paired(cells[0], cells[2], cells[1], cells[3])
        se = (hi - lo) / (2 * Z95)
        out.update(ci_low=100 * lo, ci_high=100 * hi, ci_method="newcombe",
                   p_value=out["p_mcnemar"], test="mcnemar-exact")
    else:
        m = mean_interval(i - b)
        se = m.se
        out.update(ci_low=100 * m.low, ci_high=100 * m.high, ci_method="paired-t",
                   p_value=m.p_value, test="paired-t", df=float(m.df))
        if not se > 0:
            se = _no_spread_newcombe(out, i, b)
    # A t interval can pass the scale's ends on few clusters; Δ lives in [-100, 100] points.
    if not math.isnan(out["ci_low"]):  # (max() with a NaN would give -100, a false bound)
        out["ci_low"], out["ci_high"] = max(-100.0, out["ci_low"]), min(100.0, out["ci_high"])
    for k in ("instruct", "base", "delta", "ci_low", "ci_high"):
        out[k] = exact(out[k])
    out["se"] = 100 * se
    out["mde"] = 100 * minimum_detectable_effect(se, ALPHA)
    out["unresolved"] = not (abs(out["delta"]) >= out["mde"])  # NaN MDE: unresolved
    return out


def _clustered(out: dict, d: np.ndarray, clusters: Sequence[str]) -> float:
    """CR2 / Bell–McCaffrey interval of the mean difference; no interval from one cluster; with
    no spread between clusters, the bound of what G clusters that all agree allow."""
    m = cluster_mean(d, clusters)
    out.update(df=m.df, cluster_flag=m.flag)
    if m.clusters < 2:
        out.update(ci_low=math.nan, ci_high=math.nan, ci_method="none", p_value=math.nan,
                   test="none")
        return math.nan
    if m.se > 0:
        out.update(ci_low=100 * m.low, ci_high=100 * m.high, ci_method="cluster-t",
                   p_value=m.p_value, test="cluster-t")
        return m.se
    lo, hi, p = no_spread_interval(m.mean, -1.0, 1.0, m.clusters)
    out.update(ci_low=100 * lo, ci_high=100 * hi, ci_method="cluster-no-spread", p_value=p,
               test="cluster-sign")
    return (hi - lo) / (2 * Z95)


def _no_spread_newcombe(out: dict, i: np.ndarray, b: np.ndarray) -> float:
    """No spread in the differences of independent items (every item agrees, e.g. 0 % on both
    sides): a t interval would collapse to a point. The Newcombe interval and McNemar test of
    the equivalent 0/1 table stay wide when the data say little."""
    n = len(i)
    pi, pb = float(i.mean()), float(b.mean())
    both = round(n * min(pi, pb))
    only_i, only_b = round(n * max(pi - pb, 0.0)), round(n * max(pb - pi, 0.0))
    lo, hi = newcombe_paired(both, only_i, only_b, n - both - only_i - only_b)
    shift = exact(float(i.mean() - b.mean()) - (only_i - only_b) / n)  # rounding of the table
    lo, hi = max(-1.0, lo + shift), min(1.0, hi + shift)
    out.update(ci_low=100 * lo, ci_high=100 * hi, ci_method="newcombe",
               p_value=mcnemar_exact(only_b, only_i), test="mcnemar-exact")
    return (hi - lo) / (2 * Z95)


def _reported(metric: Metric, n: int) -> bool:
    return metric.k is None or metric.k in ks_for(n)


def _pairs(items: Sequence[ItemScore]) -> dict[tuple, dict[str, dict[str, ItemScore]]]:
    """(pair, benchmark, setting, decoding, extractor, grader) → side → example id → score."""
    out: dict[tuple, dict[str, dict[str, ItemScore]]] = defaultdict(lambda: defaultdict(dict))
    for it in items:
        c = it.cell
        out[(c.pair, c.benchmark, c.setting, c.decoding, it.extractor, it.grader)][c.side][
            it.example.id] = it
    return out


def _compare_cell(key: tuple, inst: list[ItemScore], base: list[ItemScore],
                  cluster_by: Mapping[str, str], metrics: Sequence[str] | None = None,
                  group: tuple[str, str] | None = None) -> list[Comparison]:
    shared = set(inst[0].scores)
    for it in (*inst, *base):
        shared &= it.scores.keys()
    n_samples = min(it.samples for it in (*inst, *base))
    names = [m for m in map(Metric.of, inst[0].scores) if m in shared
             and _reported(m, n_samples) and (metrics is None or m in metrics)]
    clusters = [cluster_of(it.example, cluster_by) for it in inst]
    out = []
    kinds = {(it.samples, it.ranked) for it in (*inst, *base)}
    for metric in names:
        binary = all(metric_binary(metric, n, ranked) for n, ranked in kinds)
        i_vals = [it.scores[metric] for it in inst]
        b_vals = [it.scores[metric] for it in base]
        stats = STATISTICS.get(BUILTIN)(i_vals, b_vals, clusters, binary=binary)
        out.append(Comparison(*key, metric=metric, **stats,
                              group_key=group[0] if group else None,
                              group=group[1] if group else None,
                              statistics=plugin_statistics(i_vals, b_vals, clusters,
                                                           binary=binary)))
    return out


def _adjust(rows: list[Comparison], family) -> list[Comparison]:
    """Holm within each family (by `family(row)`), BH over all rows."""
    bh = benjamini_hochberg([r.p_value for r in rows])
    holm_p = [math.nan] * len(rows)
    fams: dict[object, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        fams[family(r)].append(i)
    for idx in fams.values():
        for i, p in zip(idx, holm([rows[i].p_value for i in idx])):
            holm_p[i] = p
    return [replace(r, p_holm=h, p_bh=q, significant=bool(h < ALPHA))
            for r, h, q in zip(rows, holm_p, bh)]


def paired_comparisons(items: Sequence[ItemScore],
                       cluster_by: Mapping[str, str] | None = None) -> list[Comparison]:
    cluster_by = cluster_by or {}
    rows: list[Comparison] = []
    for key, sides in _pairs(items).items():
        ids = [x for x in sides.get("instruct", {}) if x in sides.get("base", {})]
        if not ids:
            continue
        rows += _compare_cell(key, [sides["instruct"][x] for x in ids],
                              [sides["base"][x] for x in ids], cluster_by)
    return _adjust(rows, family=lambda r: r.benchmark)


def _partition(ids: Sequence[str], scores: dict[str, ItemScore], key: str) -> tuple | None:
    values = [scores[x].example.meta.get(key) for x in ids]
    if any(v is None for v in values) or len(set(map(str, values))) < 2:
        return None
    return tuple(str(v) for v in values)


def breakdowns(items: Sequence[ItemScore], cluster_by: Mapping[str, str] | None = None,
               keys: Sequence[str] = BREAKDOWN_KEYS) -> list[Comparison]:
    """Paired comparisons of `accuracy` per value of each metadata key the items carry
    (MedCalc-Bench by category and calculator, GSM-Plus by perturbation type, MATH by subject,
    tunegap's problems by steps). Holm within each (cell, key), BH over all groups."""
    cluster_by = cluster_by or {}
    rows: list[Comparison] = []
    for key, sides in _pairs(items).items():
        inst, base = sides.get("instruct", {}), sides.get("base", {})
        ids = [x for x in inst if x in base]
        seen: set[frozenset[str]] = set()  # item sets already given a row in this cell
        for meta_key in keys:
            part = _partition(ids, inst, meta_key)
            if part is None:
                continue
            by_value: dict[str, list[str]] = defaultdict(list)
            for x, v in zip(ids, part):
                by_value[v].append(x)
            for value in sorted(by_value, key=_natural):
                sel = by_value[value]
                if frozenset(sel) in seen:  # the same items under another key's label
                    continue
                seen.add(frozenset(sel))
                rows += _compare_cell(key, [inst[x] for x in sel], [base[x] for x in sel],
                                      cluster_by, metrics=(ACCURACY,), group=(meta_key, value))
    return _adjust(rows, family=lambda r: (*r.key, r.group_key))


def _natural(v: str) -> tuple:
    """Sort "2" before "10" and text alphabetically."""
    try:
        return (0, float(v), v)
    except ValueError:
        return (1, 0.0, v)
