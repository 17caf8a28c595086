"""Statistical primitives for paired comparisons. Pure functions of numbers; no run types.

Conventions: proportions and differences are on the 0..1 scale here (callers scale to percent);
intervals are two-sided 95 %; a quantity that cannot be estimated is NaN, never an exception.

- `wilson`: score interval for one proportion.
- `mcnemar_exact`: exact two-sided McNemar test on the discordant counts (binomial, p = 1/2),
  as statsmodels' `mcnemar(exact=True)`.
- `newcombe_paired`: Newcombe's (1998, method 10) interval for a difference of paired
  proportions: hybrid score, built from the two marginal Wilson intervals and the correlation of
  the pairs. Unlike Wald it stays honest at small n and with empty cells (5 items, all wrong on
  both sides, gives about ±43 points, not [0, 0]).
- `mean_interval`: the paired t-interval for a mean of per-item differences; with clusters, the
  CR1 sandwich with G − 1 degrees of freedom (a comparator only: it under-covers with unequal
  clusters; the analyses use analysis/cluster_robust.py's CR2 with Bell–McCaffrey df).
- `rate_interval`: Wilson for a rate, at the effective sample size when items cluster.
- `holm`, `benjamini_hochberg`: adjusted p-values, as statsmodels' `multipletests`.
- `minimum_detectable_effect`: (z_{1−α/2} + z_{power}) · SE.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

Z95 = 1.959963984540054


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(0.0, p * (1 - p)) / n + z * z / (4 * n * n)) / denom
    # At 0 of n (n of n) the bound is 0 (1) exactly, not center − half's rounding noise.
    low = 0.0 if p <= 0 else max(0.0, center - half)
    high = 1.0 if p >= 1 else min(1.0, center + half)
    return (low, high)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p on the discordant counts b and c; 1.0 when there are none."""
    if b + c == 0:
        return 1.0
    return float(min(1.0, 2.0 * sps.binom.cdf(min(b, c), b + c, 0.5)))


def newcombe_paired(both: int, only_first: int, only_second: int, neither: int,
                    z: float = Z95) -> tuple[float, float]:
    """95 % interval for p1 − p2, where p1 = (both + only_first)/n, p2 = (both + only_second)/n."""
    n = both + only_first + only_second + neither
    if n == 0:
        return (math.nan, math.nan)
    p1, p2 = (both + only_first) / n, (both + only_second) / n
    l1, u1 = wilson(both + only_first, n, z)
    l2, u2 = wilson(both + only_second, n, z)
    # phi: correlation of the paired outcomes, with Newcombe's correction (a positive
    # cross-product shrunk by n/2, small positive ones to 0); 0 when a margin is empty.
    denom = (both + only_first) * (only_second + neither) * (both + only_second) * (only_first + neither)
    cross = both * neither - only_first * only_second
    if denom == 0 or 0 <= cross <= n / 2:
        phi = 0.0
    elif cross > n / 2:
        phi = (cross - n / 2) / math.sqrt(denom)
    else:
        phi = cross / math.sqrt(denom)
    d = p1 - p2
    lo = d - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    hi = d + math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return (max(-1.0, lo), min(1.0, hi))


@dataclass(frozen=True)
class MeanInterval:
    mean: float
    se: float
    df: float  # degrees of freedom of the t reference (n − 1, or G − 1 with clusters)
    low: float
    high: float
    p_value: float  # two-sided t test of mean = 0
    clusters: int  # G (= n without clustering)


def mean_interval(values: Sequence[float] | np.ndarray,
                  clusters: Sequence[object] | None = None) -> MeanInterval:
    """t-interval and test for the mean of `values` (per-item differences).

    With `clusters`, the standard error is the CR1 cluster-robust one,
    se² = G/(G−1) · Σ_g (Σ_{i∈g} (x_i − x̄))² / n², with G − 1 degrees of freedom; items of one
    cluster (variants of a seed problem) then count once, not as independent evidence.
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return MeanInterval(math.nan, math.nan, 0, math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if clusters is None:
        g = n
        var = float(x.var(ddof=1)) / n if n > 1 else math.nan
    else:
        _, idx = np.unique(np.asarray([str(c) for c in clusters]), return_inverse=True)
        g = int(idx.max()) + 1
        sums = np.bincount(idx, weights=x - mean, minlength=g)
        var = g / (g - 1) * float((sums ** 2).sum()) / (n * n) if g > 1 else math.nan
    df = g - 1
    se = math.nan if math.isnan(var) else math.sqrt(var)
    if se < 1e-12:  # the mean's rounding, not spread (scores live on 0..1)
        se = 0.0
    if df < 1 or math.isnan(se):
        return MeanInterval(mean, math.nan, df, math.nan, math.nan, math.nan, g)
    if se == 0.0:
        p = 1.0 if mean == 0.0 else 0.0
        return MeanInterval(mean, 0.0, df, mean, mean, p, g)
    t = float(sps.t.ppf(0.975, df))
    p = float(2 * sps.t.sf(abs(mean) / se, df))
    return MeanInterval(mean, se, df, mean - t * se, mean + t * se, p, g)


def _adjusted(pvalues: Sequence[float], step) -> list[float]:
    """Apply `step(sorted p, m) -> adjusted sorted p` to the non-NaN p-values (NaN entries stay
    NaN and are not counted in the family); ties keep their input order."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if len(ok):
        order = ok[np.argsort(p[ok], kind="stable")]
        out[order] = np.minimum(1.0, step(p[order], len(ok)))
    return out.tolist()


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values."""
    return _adjusted(pvalues, lambda ps, m: np.maximum.accumulate((m - np.arange(m)) * ps))


def benjamini_hochberg(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values."""
    return _adjusted(pvalues, lambda ps, m: np.minimum.accumulate(
        (ps * m / np.arange(1, m + 1))[::-1])[::-1])


def minimum_detectable_effect(se: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """The smallest true difference a two-sided test at `alpha` detects with `power`."""
    if math.isnan(se):
        return math.nan
    return (float(sps.norm.ppf(1 - alpha / 2)) + float(sps.norm.ppf(power))) * se


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Correlation of the two sides' per-item scores; NaN when either side is constant."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def rate_interval(values: Sequence[float] | np.ndarray,
                  clusters: Sequence[object] | None = None) -> tuple[float, float]:
    """95 % interval of a rate (mean of 0/1 or 0..1 scores): Wilson's. With clustered items,
    Wilson at the effective sample size (Korn & Graubard 1998, Survey Methodology 24(2)):
    n_eff = p(1 − p) / se²_CR2, times (t_{.975, n−1} / t_{.975, df_BM})², at most n; from the
    G cluster means when they have no spread (or p is 0 or 1), one cluster counting once."""
    from tunegap.analysis.cluster_robust import cluster_mean

    x = np.asarray(values, dtype=float)
    n = len(x)
    if n == 0:
        return (math.nan, math.nan)
    p = float(x.mean())
    g = n if clusters is None else len({str(c) for c in clusters})
    if g == n:
        return wilson(p * n, n)
    m = cluster_mean(x, clusters)
    n_eff = float(g)
    if g > 1 and m.se > 0 and 0.0 < p < 1.0:
        shrink = (float(sps.t.ppf(0.975, n - 1)) / float(sps.t.ppf(0.975, m.df))) ** 2
        n_eff = min(float(n), p * (1 - p) / m.se ** 2 * shrink)
    return wilson(p * n_eff, n_eff)
