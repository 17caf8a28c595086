"""Equivalence: is the instruct − base gap inside ±margin? Two one-sided tests (TOST).

"Not significant" is not "no gap". TOST rejects both H0: Δ ≤ −margin and H0: Δ ≥ +margin, each
one-sided at α; p = the larger of the two one-sided p-values. Equivalence at α = 0.05 holds
exactly when the 90 % (1 − 2α) interval lies inside (−margin, +margin).

Scale: 0..1, like `stats.py` (compare.py scales to percent for reports). The default margin
0.02 is ±2 points.

What the wiring calls:

- `tost_paired(inst, base, clusters=None, *, margin=0.02, alpha=0.05) -> Equivalence`: from
  per-item scores of the same items; the standard error is the paired-t one (n − 1 df), or
  CR1 cluster-robust with G − 1 df when items share clusters (stats.mean_interval).
- `tost(estimate, se, df, *, margin=0.02, alpha=0.05) -> Equivalence`: from any estimate with
  a standard error and t degrees of freedom (df = math.inf for a normal reference), e.g. a
  pooled Δ from meta.py (se, df = k − 1) or a difference of gaps from interaction.py.

Checked against statsmodels' `ttost_paired` (tests/test_equivalence.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from tunegap.analysis.stats import mean_interval

DEFAULT_MARGIN = 0.02  # ±2 points on the 0..1 scale


@dataclass(frozen=True)
class Equivalence:
    estimate: float
    se: float
    df: float
    margin: float
    ci_low: float  # the 1 − 2α (90 %) interval
    ci_high: float
    p_lower: float  # H0: Δ ≤ −margin
    p_upper: float  # H0: Δ ≥ +margin
    p_value: float  # max of the two
    equivalent: bool  # p_value < α


def _t_sf(x: float, df: float) -> float:
    """P(T > x), T ~ t(df); df = inf is the normal."""
    return float(special.ndtr(-x)) if math.isinf(df) else float(special.stdtr(df, -x))


def tost(estimate: float, se: float, df: float, *, margin: float = DEFAULT_MARGIN,
         alpha: float = 0.05) -> Equivalence:
    if not margin > 0:
        raise ValueError(f"the margin must be positive (got {margin})")
    nan = math.nan
    if math.isnan(estimate) or math.isnan(se) or not df > 0:
        return Equivalence(estimate, se, df, margin, nan, nan, nan, nan, nan, False)
    if se == 0.0:  # no spread: the estimate is all there is
        inside = -margin < estimate < margin
        p_lo = 0.0 if estimate > -margin else 1.0
        p_hi = 0.0 if estimate < margin else 1.0
        return Equivalence(estimate, 0.0, df, margin, estimate, estimate, p_lo, p_hi,
                           max(p_lo, p_hi), inside)
    p_lo = _t_sf((estimate + margin) / se, df)
    p_hi = _t_sf((margin - estimate) / se, df)
    crit = (float(special.ndtri(1 - alpha)) if math.isinf(df)
            else float(special.stdtrit(df, 1 - alpha)))
    p = max(p_lo, p_hi)
    return Equivalence(estimate, se, df, margin, estimate - crit * se, estimate + crit * se,
                       p_lo, p_hi, p, p < alpha)


def tost_paired(inst: Sequence[float] | np.ndarray, base: Sequence[float] | np.ndarray,
                clusters: Sequence[object] | None = None, *, margin: float = DEFAULT_MARGIN,
                alpha: float = 0.05) -> Equivalence:
    i, b = np.asarray(inst, dtype=float), np.asarray(base, dtype=float)
    if i.shape != b.shape:
        raise ValueError(f"{len(i)} instruct and {len(b)} base scores: not the same items")
    m = mean_interval(i - b, clusters)
    return tost(m.mean, m.se, m.df, margin=margin, alpha=alpha)
