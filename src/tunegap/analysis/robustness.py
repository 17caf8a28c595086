"""Original vs variant: how much each model drops on perturbed items, and whether the instruct
model drops more than the base model (the paper's third claim as a tested quantity).

Applies to any item whose `meta["seed_id"]` names another item of the same run (same pair, side,
setting label, decoding, extractor, grader): MATH-Perturb Hard/Simple ↔ their originals, GSM-Plus
variants ↔ GSM8K when both run, tunegap's own perturbations ↔ their seeds. Each (variant,
original) is one row; rows of one seed problem form a cluster.

Per side: accuracy on originals and on variants (over rows), absolute drop = original − variant,
relative drop = drop / original, consistency = solved on both (mean of original × variant);
the drop's interval is the paired comparison's (Newcombe for 0/1 rows, cluster-robust t when
seeds repeat), the rates' cluster-robust t by seed problem (Wilson when they have no spread).
Between sides, on rows both sides have: the difference of drops, instruct − base (positive:
the instruct model drops more), with a cluster-bootstrap percentile interval seeded from the
run's seed, and a cluster-t p-value.
Rows per variant benchmark and kind (`meta["perturbation"]`), plus "all" when there are several.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from tunegap.analysis.compare import clean, compare_items
from tunegap.analysis.items import ItemScore
from tunegap.analysis.stats import cluster_bootstrap_mean, mean_interval, wilson

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
    did_ci: tuple[float, float]  # cluster bootstrap over seed problems
    did_p_value: float  # cluster-robust t
    significant: bool  # the bootstrap interval excludes 0

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


def _ci(m, low: float = -100.0, high: float = 100.0) -> tuple[float, float]:
    """In points, within the quantity's range (a t interval on few seeds can pass it)."""
    return (max(low, 100 * m.low), min(high, 100 * m.high))


def _rate_ci(x: np.ndarray, seeds: Sequence[str]) -> tuple[float, float]:
    """A rate's interval, clustered by seed; with no spread at all (0 % or 100 % everywhere) a
    t interval collapses to a point, so the Wilson interval of the count says what n allows."""
    m = mean_interval(x, seeds)
    if m.se > 0:
        return _ci(m, 0.0)
    lo, hi = wilson(float(x.sum()), len(x))
    return (100 * lo, 100 * hi)


def side_drop(orig: Sequence[float], var: Sequence[float], seeds: Sequence[str]) -> SideDrop:
    o, v = np.asarray(orig, dtype=float), np.asarray(var, dtype=float)
    mo, mv = mean_interval(o, seeds), mean_interval(v, seeds)
    md, mc = mean_interval(o - v, seeds), mean_interval(o * v, seeds)
    # The drop is a paired difference: the comparison's interval (Newcombe for 0/1 rows,
    # cluster-robust with repeated seeds, never a point when the rows agree).
    binary = bool(np.isin(o, (0.0, 1.0)).all() and np.isin(v, (0.0, 1.0)).all())
    paired = compare_items(o, v, list(seeds), binary=binary)
    return SideDrop(n=len(o), seeds=len(set(seeds)), original=100 * mo.mean,
                    original_ci=_rate_ci(o, seeds), variant=100 * mv.mean,
                    variant_ci=_rate_ci(v, seeds), drop=100 * md.mean,
                    drop_ci=(paired["ci_low"], paired["ci_high"]),
                    relative_drop=md.mean / mo.mean if mo.mean > 0 else math.nan,
                    consistency=100 * mc.mean, consistency_ci=_rate_ci(o * v, seeds))


def _seed_for(run_seed: int, key: tuple) -> list[int]:
    return [run_seed, zlib.crc32("|".join(key).encode())]


def robustness(items: Sequence[ItemScore], *, seed: int = 0) -> list[Robustness]:
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
        did, ci, p = math.nan, (math.nan, math.nan), math.nan
        if common:
            i, b = sides["instruct"], sides["base"]
            diffs = [(i[v][1] - i[v][2]) - (b[v][1] - b[v][2]) for v in common]
            seeds = [i[v][0] for v in common]
            m = mean_interval(diffs, seeds)
            lo, hi = cluster_bootstrap_mean(diffs, seeds, seed=_seed_for(seed, key))
            did, ci, p = 100 * m.mean, (100 * lo, 100 * hi), m.p_value
        pair, bench, kind, setting, dec, ext, grader = key
        out.append(Robustness(pair, bench, kind, setting, dec, ext, grader, drops["instruct"],
                              drops["base"], len(common), did, ci, p,
                              significant=bool(ci[0] > 0 or ci[1] < 0)))
    out.sort(key=lambda r: (r.pair, r.benchmark, r.kind == "all", r.kind, r.setting, r.decoding,
                            r.extractor, r.grader))
    return out
