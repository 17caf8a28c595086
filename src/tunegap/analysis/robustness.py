"""Original vs variant: how much each model drops on perturbed items, and whether the instruct
model drops more than the base model (the paper's third claim as a tested quantity).

Applies to any item whose `meta["seed_id"]` names another item of the same run (same pair, side,
setting label, decoding, extractor, grader): MATH-Perturb Hard/Simple ↔ their originals, GSM-Plus
variants ↔ GSM8K when both run, tunegap's own perturbations ↔ their seeds. Each (variant,
original) is one row; rows of one seed problem form a cluster.

Per side: accuracy on originals and on variants (over rows), absolute drop = original − variant,
relative drop = drop / original, consistency = solved on both (mean of original × variant);
the drop's interval is the paired comparison's (Newcombe for 0/1 rows, CR2 cluster-robust t
when seeds repeat); a rate's is Wilson's, at the effective sample size of its clustering
(`rate_interval`). Between sides, on rows both sides have: the difference of drops,
instruct − base (positive: the instruct model drops more), the mean of the per-row
differences of drops with the CR2 / Bell–McCaffrey interval and t test over seed problems
(analysis/cluster_robust.py; deterministic, so the same data give the same interval under every
extractor); with no spread between seeds, the bound that G agreeing seeds allow (never a
point); from one seed problem, no interval. `did_flag` says "single-cluster" or "few-clusters"
(Bell–McCaffrey df below 4) as the comparisons' `cluster_flag` does.
Rows per variant benchmark and kind (`meta["perturbation"]`), plus "all" when there are several.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from tunegap.analysis.cluster_robust import cluster_mean, no_spread_interval
from tunegap.analysis.compare import clean, compare_items, exact
from tunegap.analysis.items import ItemScore
from tunegap.analysis.stats import rate_interval

METRIC = "accuracy"


@dataclass(frozen=True)
class SideDrop:
    n: int  # (variant, original) rows
    seeds: int
    original: float
    original_ci: tuple[float, float]
    variant: float
    variant_ci: tuple[float, float]
    drop: float
    drop_ci: tuple[float, float]
    relative_drop: float  # drop / original accuracy (NaN when the original accuracy is 0)
    consistency: float
    consistency_ci: tuple[float, float]
    flag: str | None = None  # the drop's cluster_flag: "single-cluster" | "few-clusters" | None


@dataclass(frozen=True)
class Robustness:
    pair: str
    benchmark: str  # the variants' benchmark
    kind: str  # perturbation kind, or "all"
    setting: str
    decoding: str
    extractor: str
    grader: str
    instruct: SideDrop | None
    base: SideDrop | None
    n_paired: int  # rows both sides have
    did: float  # drop(instruct) − drop(base), points
    did_ci: tuple[float, float]  # CR2 / Bell–McCaffrey t over seed problems
    did_p_value: float  # the same t test (sign test over seeds when they have no spread)
    significant: bool  # the interval excludes 0
    did_df: float = math.nan  # Bell–McCaffrey degrees of freedom
    did_flag: str | None = None  # "single-cluster" | "few-clusters" | None

    def to_dict(self) -> dict:
        def fix(v):
            if isinstance(v, float):
                return clean(v)
            if isinstance(v, (tuple, list)):
                return [fix(x) for x in v]
            if isinstance(v, dict):
                return {k: fix(x) for k, x in v.items()}
            return v
        return fix(asdict(self))


def _rate_ci(x: np.ndarray, seeds: Sequence[str]) -> tuple[float, float]:
    lo, hi = rate_interval(x, seeds)
    return (exact(100 * lo), exact(100 * hi))


def side_drop(orig: Sequence[float], var: Sequence[float], seeds: Sequence[str]) -> SideDrop:
    o, v = np.asarray(orig, dtype=float), np.asarray(var, dtype=float)
    # The drop is a paired difference: the comparison's interval (Newcombe for 0/1 rows,
    # cluster-robust with repeated seeds, never a point when the rows agree).
    binary = bool(np.isin(o, (0.0, 1.0)).all() and np.isin(v, (0.0, 1.0)).all())
    paired = compare_items(o, v, list(seeds), binary=binary)
    mo = float(o.mean())
    return SideDrop(n=len(o), seeds=len(set(seeds)), original=exact(100 * mo),
                    original_ci=_rate_ci(o, seeds), variant=exact(100 * float(v.mean())),
                    variant_ci=_rate_ci(v, seeds), drop=paired["delta"],
                    drop_ci=(paired["ci_low"], paired["ci_high"]),
                    relative_drop=float((o - v).mean()) / mo if mo > 0 else math.nan,
                    consistency=exact(100 * float((o * v).mean())),
                    consistency_ci=_rate_ci(o * v, seeds), flag=paired["cluster_flag"])


def difference_of_drops(diffs: Sequence[float], seeds: Sequence[str]
                        ) -> tuple[float, tuple[float, float], float, float, str | None]:
    """(Δ drop, interval, p, df, flag) in points from the per-row differences of drops."""
    m = cluster_mean(diffs, seeds)
    if m.clusters < 2:
        return exact(100 * m.mean), (math.nan, math.nan), math.nan, m.df, m.flag
    if m.se > 0:
        lo, hi, p = m.low, m.high, m.p_value
    else:
        lo, hi, p = no_spread_interval(m.mean, -2.0, 2.0, m.clusters)
    lo, hi = max(-2.0, lo), min(2.0, hi)  # a drop lives in [-1, 1], their difference in [-2, 2]
    return exact(100 * m.mean), (exact(100 * lo), exact(100 * hi)), p, m.df, m.flag


def robustness(items: Sequence[ItemScore], *, seed: int = 0) -> list[Robustness]:
    """`seed` is accepted for the callers' sake and unused: nothing here is random."""
    # (pair, side, setting, decoding, extractor, grader) → example id → item
    index: dict[tuple, dict[str, ItemScore]] = defaultdict(dict)
    for it in items:
        if METRIC in it.scores:
            c = it.cell
            index[(c.pair, c.side, c.setting, c.decoding, it.extractor, it.grader)][
                it.example.id] = it
    # (pair, variant benchmark, kind, setting, decoding, extractor, grader) → side → rows
    rows: dict[tuple, dict[str, dict[str, tuple[str, float, float]]]] = defaultdict(
        lambda: defaultdict(dict))
    for (pair, side, setting, dec, ext, grader), by_id in index.items():
        for vid, it in by_id.items():
            sid = it.example.meta.get("seed_id")
            if sid is None or sid == vid or sid not in by_id:
                continue
            row = (str(sid), by_id[sid].scores[METRIC], it.scores[METRIC])
            # The cell's benchmark names the set (a perturbed set keeps its source's items).
            bench = it.cell.benchmark
            kind = str(it.example.meta.get("perturbation", bench))
            for k in (kind, "all"):
                rows[(pair, bench, k, setting, dec, ext, grader)][side][vid] = row
    kinds_of: dict[tuple, set[str]] = defaultdict(set)
    for key in rows:
        if key[2] != "all":
            kinds_of[(key[0], key[1], *key[3:])].add(key[2])
    out = []
    for key, sides in rows.items():
        if key[2] == "all" and len(kinds_of[(key[0], key[1], *key[3:])]) < 2:
            continue  # one kind: "all" would repeat it
        drops = {}
        for side in ("instruct", "base"):
            r = list(sides.get(side, {}).values())
            drops[side] = side_drop([x[1] for x in r], [x[2] for x in r],
                                    [x[0] for x in r]) if r else None
        common = [v for v in sides.get("instruct", {}) if v in sides.get("base", {})]
        did, ci, p, df, flag = math.nan, (math.nan, math.nan), math.nan, math.nan, None
        if common:
            i, b = sides["instruct"], sides["base"]
            diffs = [(i[v][1] - i[v][2]) - (b[v][1] - b[v][2]) for v in common]
            did, ci, p, df, flag = difference_of_drops(diffs, [i[v][0] for v in common])
        pair, bench, kind, setting, dec, ext, grader = key
        out.append(Robustness(pair, bench, kind, setting, dec, ext, grader, drops["instruct"],
                              drops["base"], len(common), did, ci, p,
                              significant=bool(ci[0] > 0 or ci[1] < 0), did_df=df, did_flag=flag))
    out.sort(key=lambda r: (r.pair, r.benchmark, r.kind == "all", r.kind, r.setting, r.decoding,
                            r.extractor, r.grader))
    return out
