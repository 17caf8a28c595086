"""TOST equivalence (analysis/equivalence.py) against statsmodels and by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.weightstats import ttost_paired

from tunegap.analysis.equivalence import DEFAULT_MARGIN, tost, tost_paired


def test_equals_statsmodels_ttost_paired():
    rng = np.random.default_rng(2302)
    worst = 0.0
    decided = {True: 0, False: 0}
    for _ in range(300):
        n = int(rng.integers(5, 400))
        binary = rng.random() < 0.5
        if binary:
            p = rng.uniform(0.2, 0.8)
            inst = (rng.random(n) < p + rng.uniform(-0.05, 0.05)).astype(float)
            base = np.where(rng.random(n) < 0.7, inst, (rng.random(n) < p).astype(float))
        else:
            base = rng.random(n)
            inst = np.clip(base + rng.normal(rng.uniform(-0.04, 0.04), 0.1, n), 0, 1)
        if np.all(inst == base):
            continue
        margin = float(rng.choice([0.02, 0.05]))
        ours = tost_paired(inst, base, margin=margin)
        p, (t1, p1, df1), (t2, p2, df2) = ttost_paired(inst, base, -margin, margin)
        worst = max(worst, abs(ours.p_value - p), abs(ours.p_lower - p1), abs(ours.p_upper - p2))
        assert df1 == ours.df
        decided[ours.equivalent] += 1
        # the decision is the 90 % interval inside the margin
        assert ours.equivalent == (-margin < ours.ci_low and ours.ci_high < margin)
    print(f"\nTOST vs statsmodels ttost_paired on 300 random datasets: max |Δp| = {worst:.1e} "
          f"(equivalent {decided[True]}, not {decided[False]})")
    assert worst < 1e-12
    assert decided[True] > 10 and decided[False] > 10


def test_clustered_tost_uses_the_cluster_robust_t():
    rng = np.random.default_rng(4)
    n, g = 120, 30
    groups = np.repeat(np.arange(g), n // g)
    d = rng.normal(0.0, 0.1, g)[groups] + rng.normal(0, 0.1, n)
    base = rng.random(n)
    ours = tost_paired(base + d, base, [f"seed-{x}" for x in groups])
    # An intercept-only OLS: statsmodels' cluster correction (N−1)/(N−K) is 1, df = G − 1.
    fit = sm.OLS(d, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    assert ours.se == pytest.approx(float(fit.bse[0]), rel=1e-12)
    assert ours.df == g - 1
    t_lower = (float(fit.params[0]) + DEFAULT_MARGIN) / float(fit.bse[0])
    assert ours.p_lower == pytest.approx(float(stats.t.sf(t_lower, g - 1)), rel=1e-10)


def test_summary_form_and_degenerate_inputs():
    z = tost(0.001, 0.005, math.inf)  # a normal reference
    assert z.p_lower == pytest.approx(float(stats.norm.sf((0.001 + 0.02) / 0.005)))
    assert z.ci_high == pytest.approx(0.001 + stats.norm.ppf(0.95) * 0.005)
    assert z.equivalent
    assert not tost(0.03, 0.001, 50).equivalent  # precise, but outside the margin
    assert not tost(0.0, 0.05, 50).equivalent  # centred, but too uncertain to say
    flat = tost_paired([1, 0, 1], [1, 0, 1])  # identical sides: Δ = 0 with no spread
    assert flat.equivalent and flat.p_value == 0.0
    assert not tost_paired([1, 1, 1], [0, 0, 0]).equivalent
    assert math.isnan(tost_paired([1], [0]).p_value)  # one item: nothing to test
    with pytest.raises(ValueError, match="margin"):
        tost(0.0, 0.01, 10, margin=0)


def test_size_at_the_margin_by_simulation():
    """With the true Δ exactly on the margin, TOST declares equivalence at most α of the time."""
    rng = np.random.default_rng(20261204)
    reps, n = 1000, 300
    base = rng.random((reps, n))
    d = rng.normal(DEFAULT_MARGIN, 0.1, (reps, n))
    rate = np.mean([tost_paired(base[r] + d[r], base[r]).equivalent for r in range(reps)])
    inside = rng.normal(0.0, 0.1, (reps, n))
    power = np.mean([tost_paired(base[r] + inside[r], base[r]).equivalent for r in range(reps)])
    print(f"\nTOST ±2 points, 300 items: equivalence declared {100 * rate:.1f} % at Δ = margin "
          f"(α = 5 %), {100 * power:.1f} % at Δ = 0")
    assert rate <= 0.065
    assert power > 0.5
