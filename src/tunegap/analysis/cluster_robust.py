"""Cluster-robust inference for a mean of per-item values that stays honest with few or unequal
clusters. Pure functions of numbers; no run types.

The model is the intercept-only regression y_i = μ + e_i with items grouped in clusters (the
variants of one seed problem, the rows of one calculator). The estimate is the item mean; its
variance is the bias-reduced linearisation (CR2) sandwich of Bell & McCaffrey (2002), with
Satterthwaite degrees of freedom under the working model of independent, equal-variance errors
(Bell & McCaffrey 2002, §3; Pustejovsky & Tipton 2018, J. Bus. Econ. Stat. 36(4), eq. 11 with
Φ = I). For this model both have closed forms (derived in tests/test_stats_cluster_robust.py and
checked there against the general matrix formulas):

    V_CR2 = Σ_g S_g² / (1 − n_g/n) / n²,     S_g = Σ_{i∈g} (y_i − ȳ)
    df_BM = n² / (Σ_g d_g² − 2 Σ_g d_g v_g² + (Σ_g v_g²)²),
            d_g = n_g / (1 − n_g/n),  v_g² = n_g² / (n (1 − n_g/n))

With G equal clusters this is exactly the one-sample t test of the G cluster means (df = G − 1);
with one item per cluster, the classic t test (df = n − 1). When one cluster holds most items
df_BM falls towards 1: the interval widens honestly, and `df` is the effective number of
independent pieces of evidence. Below `FEW_CLUSTERS_DF` the simulation
(tests/test_stats_cluster_simulation.py) finds no method tried that covers at 91–97 % in every
design (CR2 over-covers, up to 98 %; CR1 with G − 1 df covers 15–90 %), so such rows are
flagged "few-clusters"; a single cluster gives no clustered interval at all.

- `cluster_mean`: estimate, se, df, 95 % interval, p of mean = 0, clusters, flag.
- `cluster_mean_difference`: the same for the mean of paired differences x − y on shared
  clusters (a difference of drops, a ΔΔ of per-item contrasts).
- `cr2_batch`: the same closed forms over many datasets at once (simulation).
- `cr1_variance`: the plain CR1 sandwich, G/(G−1) · Σ S_g² / n² (kept as a comparator).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

# Below this many Bell–McCaffrey degrees of freedom no interval tried stays within 91–97 %
# coverage in the unequal-cluster designs of the simulation test: rows are marked too few
# clusters to trust.
FEW_CLUSTERS_DF = 4.0
Z95 = 1.959963984540054
# Scores live on 0..1 (differences of drops on -2..2): a standard error below this is rounding.
SPREAD_TOL = 1e-12
SINGLE_CLUSTER = "single-cluster"
FEW_CLUSTERS = "few-clusters"


@dataclass(frozen=True)
class ClusterMean:
    mean: float
    se: float
    df: float  # Bell–McCaffrey degrees of freedom (the effective number of clusters − 1)
    low: float
    high: float
    p_value: float  # two-sided t(df) test of mean = 0
    n: int
    clusters: int
    flag: str | None  # None | "few-clusters" | "single-cluster"


def cluster_ids(clusters: Sequence[object]) -> np.ndarray:
    """Dense integer ids 0..G−1 for any hashable labels (compared by their str)."""
    _, idx = np.unique(np.asarray([str(c) for c in clusters]), return_inverse=True)
    return idx.astype(np.int64)


def bm_df(sizes: np.ndarray) -> float:
    """Bell–McCaffrey df of the CR2 variance of a mean, from the cluster sizes alone."""
    n_g = np.asarray(sizes, dtype=float)
    n = n_g.sum()
    if len(n_g) < 2:
        return math.nan
    keep = 1.0 - n_g / n
    d = n_g / keep
    v2 = n_g * n_g / (n * keep)
    denom = (d * d).sum() - 2.0 * (d * v2).sum() + v2.sum() ** 2
    return float(n * n / denom)


def flag_for(clusters: int, df: float) -> str | None:
    if clusters < 2:
        return SINGLE_CLUSTER
    return FEW_CLUSTERS if df < FEW_CLUSTERS_DF else None


def cluster_mean(values: Sequence[float] | np.ndarray, clusters: Sequence[object]) -> ClusterMean:
    """CR2 / Bell–McCaffrey t interval and test for the mean of `values` grouped by `clusters`."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return ClusterMean(math.nan, math.nan, math.nan, math.nan, math.nan, math.nan, 0, 0,
                           SINGLE_CLUSTER)
    idx = cluster_ids(clusters)
    g = int(idx.max()) + 1
    mean = float(x.mean())
    if g < 2:  # no between-cluster variation to estimate: no clustered interval is claimed
        return ClusterMean(mean, math.nan, math.nan, math.nan, math.nan, math.nan, n, g,
                           SINGLE_CLUSTER)
    sizes = np.bincount(idx, minlength=g).astype(float)
    sums = np.bincount(idx, weights=x - mean, minlength=g)
    var = float((sums * sums / (1.0 - sizes / n)).sum()) / (n * n)
    df = bm_df(sizes)
    return _t_interval(mean, math.sqrt(var), df, n, g)


def cluster_mean_difference(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray,
                            clusters: Sequence[object]) -> ClusterMean:
    """Mean of x − y over items paired on the same clusters (x, y, clusters item-aligned)."""
    return cluster_mean(np.asarray(x, dtype=float) - np.asarray(y, dtype=float), clusters)


def _t_interval(mean: float, se: float, df: float, n: int, g: int) -> ClusterMean:
    flag = flag_for(g, df)
    if not se > SPREAD_TOL:  # below it the "spread" is the mean's rounding, not data
        return ClusterMean(mean, 0.0, df, math.nan, math.nan, math.nan, n, g, flag)
    t = float(sps.t.ppf(0.975, df))
    p = float(2 * sps.t.sf(abs(mean) / se, df))
    return ClusterMean(mean, se, df, mean - t * se, mean + t * se, p, n, g, flag)


def cr1_variance(values: Sequence[float] | np.ndarray, clusters: Sequence[object]) -> float:
    """CR1: G/(G−1) · Σ_g S_g² / n² (statsmodels' OLS cov_type="cluster" for an intercept)."""
    x = np.asarray(values, dtype=float)
    idx = cluster_ids(clusters)
    g = int(idx.max()) + 1
    if g < 2:
        return math.nan
    sums = np.bincount(idx, weights=x - x.mean(), minlength=g)
    return g / (g - 1) * float((sums * sums).sum()) / (len(x) ** 2)


def no_spread_interval(value: float, low_end: float, high_end: float,
                       clusters: int) -> tuple[float, float, float]:
    """(low, high, p) when every cluster shows the same value: the mean could still differ from
    it in clusters not seen. With none of G clusters observed off `value`, the share of clusters
    that are off is at most Wilson's upper bound u for 0 of G, so the mean lies within
    value ± u · (distance to the scale's end). p: the exact sign test over G clusters (all on one
    side of 0), 1 when value is 0."""
    if clusters < 1:
        return (math.nan, math.nan, math.nan)
    u = Z95 * Z95 / (clusters + Z95 * Z95)  # Wilson's upper bound for 0 of G
    low = value - u * (value - low_end)
    high = value + u * (high_end - value)
    p = 1.0 if value == 0 else min(1.0, 2.0 * 0.5 ** clusters)
    return (low, high, p)


def cr2_batch(values: np.ndarray, cluster_idx: np.ndarray, clusters: int
              ) -> tuple[np.ndarray, np.ndarray, float]:
    """Means, CR2 standard errors (one per row of `values`, datasets × items) and the shared
    Bell–McCaffrey df, for one cluster layout `cluster_idx` (items → 0..G−1)."""
    x = np.asarray(values, dtype=float)
    n = x.shape[1]
    sizes = np.bincount(cluster_idx, minlength=clusters).astype(float)
    onehot = np.zeros((n, clusters))
    onehot[np.arange(n), cluster_idx] = 1.0
    mean = x.mean(axis=1)
    sums = (x - mean[:, None]) @ onehot
    var = (sums * sums / (1.0 - sizes / n)).sum(axis=1) / (n * n)
    se = np.sqrt(var)
    return mean, np.where(se > SPREAD_TOL, se, 0.0), bm_df(sizes)
