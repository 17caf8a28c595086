"""Setting × tuning interaction: does the instruct − base gap differ between settings?

Pure functions of per-item scores (0..1 scale in, 0..1 scale out, like `stats.py`). The items
must be the same, in the same order, in every setting and on both sides.

What the wiring calls:

- `interaction(inst_s, base_s, inst_t, base_t, clusters=None, *, vcov=cr1) -> Interaction`
  ΔΔ = Δ(s) − Δ(t), the mean of the per-item contrasts
  d_i = (instruct_s − base_s) − (instruct_t − base_t), with its standard error, degrees of
  freedom, 95 % t interval and two-sided p.
- `omnibus(inst, base, clusters=None, *, vcov=cr1, reference="hotelling") -> Omnibus`
  for three or more settings (`inst[s]`, `base[s]`: per-item scores in setting s): one Wald
  test that the gap is the same in all of them, i.e. that the S − 1 contrasts
  Δ(s) − Δ(first setting) are jointly zero.
- `sign_flip(lows, highs) -> bool`: some setting's interval lies wholly below 0 and another's
  wholly above (Δ significantly negative in one setting and significantly positive in another).
- `cr1(contrasts, clusters) -> Vcov`: the default variance of the mean contrasts. Any callable
  with the same signature can replace it (e.g. CR2 with Satterthwaite df from stats.py).

The variance. Without clusters every item is its own cluster. CR1 (Liang–Zeger with the
G/(G − 1) factor) of the mean of the per-item contrast vectors d_i (n × q):
    V = G/(G − 1) · Σ_g u_g u_gᵀ / n²,  u_g = Σ_{i∈g} (d_i − d̄),  df = G − 1.
Without clusters this is the paired-t variance s²/n with n − 1 df.

Relation to the regression (checked by tests/test_interaction.py). An OLS of the per-item
scores y_{i,side,setting} on item fixed effects + side + setting + side × setting (balanced: every
item in every cell) has interaction coefficients equal to these mean contrasts exactly, and its
cluster-robust covariance (statsmodels cov_type="cluster", by item or by the item's cluster,
default small-sample correction) equals V · (N − 1)/(N − K), where N = 2·S·n observations and
K = n + 2S − 1 parameters. The factor is statsmodels' (N − 1)/(N − K) regression correction; the
G/(G − 1) factor is common to both. So se_statsmodels = se · √((N − 1)/(N − K)), and its joint
Wald statistic equals W · (N − K)/(N − 1).

Omnibus reference distribution. `reference="wald"` is statsmodels' f_test: F = W/q on (q, G − 1)
df. `reference="hotelling"` (default) scales it as Hotelling's T²: F = (G − q)/(q (G − 1)) · W on
(q, G − q) df, which is exact for independent normal items and holds its size with few clusters,
where the plain Wald F rejects too often.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

Scores = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Vcov:
    """Covariance of the mean contrasts (q × q) and the df of its t / F reference."""

    matrix: np.ndarray
    df: float
    clusters: int


VcovFn = Callable[[np.ndarray, Sequence[object] | None], Vcov]


def cluster_index(clusters: Sequence[object] | None, n: int) -> np.ndarray:
    """0..G−1 cluster number of each item; every item its own cluster when none are given."""
    if clusters is None:
        return np.arange(n)
    if len(clusters) != n:
        raise ValueError(f"{len(clusters)} cluster ids for {n} items")
    _, idx = np.unique(np.asarray([str(c) for c in clusters]), return_inverse=True)
    return idx.reshape(-1)


def cr1(contrasts: np.ndarray, clusters: Sequence[object] | None = None) -> Vcov:
    """CR1 cluster-robust covariance of the column means of `contrasts` (n × q), G − 1 df."""
    d = np.asarray(contrasts, dtype=float)
    d = d.reshape(len(d), -1)
    n, q = d.shape
    idx = cluster_index(clusters, n)
    g = int(idx.max()) + 1 if n else 0
    if g < 2:
        return Vcov(np.full((q, q), math.nan), 0, g)
    u = np.zeros((g, q))
    np.add.at(u, idx, d - d.mean(axis=0))
    return Vcov(g / (g - 1) * (u.T @ u) / (n * n), g - 1, g)


@dataclass(frozen=True)
class Interaction:
    delta_delta: float  # Δ(s) − Δ(t)
    gap_s: float  # Δ(s) = mean instruct_s − mean base_s
    gap_t: float
    se: float
    df: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    clusters: int


def _array(x: Scores, n: int | None, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=float).reshape(-1)
    if n is not None and len(a) != n:
        raise ValueError(f"{name}: {len(a)} items, expected {n} (the same items everywhere)")
    return a


def interaction(inst_s: Scores, base_s: Scores, inst_t: Scores, base_t: Scores,
                clusters: Sequence[object] | None = None, *, vcov: VcovFn = cr1,
                level: float = 0.95) -> Interaction:
    """ΔΔ = Δ(s) − Δ(t) on the same items, with a t interval from `vcov` (CR1 by default)."""
    i_s = _array(inst_s, None, "inst_s")
    n = len(i_s)
    b_s, i_t, b_t = (_array(x, n, name) for x, name in
                     ((base_s, "base_s"), (inst_t, "inst_t"), (base_t, "base_t")))
    nan = math.nan
    if n == 0:
        return Interaction(nan, nan, nan, nan, 0, nan, nan, nan, 0, 0)
    d = (i_s - b_s) - (i_t - b_t)
    dd = float(d.mean())
    gap_s, gap_t = float((i_s - b_s).mean()), float((i_t - b_t).mean())
    v = vcov(d[:, None], clusters)
    var = float(v.matrix[0, 0])
    if not (v.df >= 1 and math.isfinite(var)):
        return Interaction(dd, gap_s, gap_t, nan, v.df, nan, nan, nan, n, v.clusters)
    se = math.sqrt(max(var, 0.0))
    if se == 0.0:  # every item's contrast equal: the data cannot say how uncertain ΔΔ is
        p = 1.0 if dd == 0.0 else 0.0
        return Interaction(dd, gap_s, gap_t, 0.0, v.df, dd, dd, p, n, v.clusters)
    t = float(sps.t.ppf(0.5 + level / 2, v.df))
    p = float(2 * sps.t.sf(abs(dd) / se, v.df))
    return Interaction(dd, gap_s, gap_t, se, v.df, dd - t * se, dd + t * se, p, n, v.clusters)


@dataclass(frozen=True)
class Omnibus:
    settings: int  # S
    gaps: tuple[float, ...]  # Δ per setting, in the order given
    wald: float  # W = δᵀ V⁻¹ δ, δ = (Δ(s) − Δ(first))_{s ≥ 2}
    statistic: float  # the F statistic of `reference`
    df_num: float
    df_denom: float
    p_value: float
    reference: str  # hotelling | wald
    n: int
    clusters: int


def omnibus(inst: Sequence[Scores], base: Sequence[Scores],
            clusters: Sequence[object] | None = None, *, vcov: VcovFn = cr1,
            reference: str = "hotelling") -> Omnibus:
    """Joint test that the instruct − base gap is the same in every setting (S ≥ 2)."""
    if reference not in ("hotelling", "wald"):
        raise ValueError(f"unknown reference {reference!r} (hotelling, wald)")
    if len(inst) != len(base) or len(inst) < 2:
        raise ValueError("need the same number (≥ 2) of settings on both sides")
    n = len(_array(inst[0], None, "inst[0]"))
    gaps = np.column_stack([_array(i, n, f"inst[{s}]") - _array(b, n, f"base[{s}]")
                            for s, (i, b) in enumerate(zip(inst, base, strict=True))])
    s_count, q = gaps.shape[1], gaps.shape[1] - 1
    gap_means = tuple(float(x) for x in gaps.mean(axis=0)) if n else (math.nan,) * s_count
    nan = math.nan
    contrasts = gaps[:, 1:] - gaps[:, :1]
    v = vcov(contrasts, clusters) if n else Vcov(np.full((q, q), nan), 0, 0)
    delta = contrasts.mean(axis=0) if n else np.full(q, nan)
    g, df = v.clusters, v.df
    if not (df >= 1 and np.all(np.isfinite(v.matrix))):
        return Omnibus(s_count, gap_means, nan, nan, q, nan, nan, reference, n, g)
    # pinv: a contrast with no spread (identical in every item) carries no information here.
    w = float(delta @ np.linalg.pinv(v.matrix) @ delta)
    rank = int(np.linalg.matrix_rank(v.matrix))
    if rank == 0:
        return Omnibus(s_count, gap_means, nan, nan, q, nan, nan, reference, n, g)
    if reference == "wald":
        f, d1, d2 = w / rank, rank, df
    else:
        d1, d2 = rank, df - rank + 1
        if d2 < 1:
            return Omnibus(s_count, gap_means, w, nan, d1, d2, nan, reference, n, g)
        f = w * d2 / (d1 * df)
    p = float(sps.f.sf(f, d1, d2))
    return Omnibus(s_count, gap_means, w, f, d1, d2, p, reference, n, g)


def sign_flip(lows: Sequence[float], highs: Sequence[float]) -> bool:
    """True when one setting's interval is wholly below 0 and another's wholly above."""
    below = any(h < 0 for h in highs if not math.isnan(h))
    above = any(lo > 0 for lo in lows if not math.isnan(lo))
    return below and above
