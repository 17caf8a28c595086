"""The statistics primitives against their references: statsmodels for McNemar, Holm and BH,
a textbook Wilson formula, brute force for pass@k, and Newcombe's published worked example."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tunegap.analysis.passk import any_of_first, pass_at_k
from tunegap.analysis.stats import (
    benjamini_hochberg,
    holm,
    mcnemar_exact,
    mean_interval,
    minimum_detectable_effect,
    newcombe_paired,
    wilson,
)

statsmodels = pytest.importorskip("statsmodels")
from statsmodels.stats.contingency_tables import mcnemar  # noqa: E402
from statsmodels.stats.multitest import multipletests  # noqa: E402
from statsmodels.stats.proportion import proportion_confint  # noqa: E402


def test_exact_mcnemar_equals_statsmodels_on_500_random_tables():
    rng = np.random.default_rng(1)
    for _ in range(500):
        a, b, c, d = (int(x) for x in rng.integers(0, 60, size=4))
        if rng.random() < 0.2:  # small discordant counts, where exactness matters most
            b, c = int(rng.integers(0, 4)), int(rng.integers(0, 4))
        want = mcnemar([[a, b], [c, d]], exact=True).pvalue
        assert mcnemar_exact(b, c) == pytest.approx(want, rel=1e-12, abs=1e-15), (a, b, c, d)


def test_holm_and_bh_equal_multipletests():
    rng = np.random.default_rng(2)
    for m in (1, 2, 3, 7, 20, 100):
        for _ in range(20):
            p = rng.random(m) ** rng.uniform(0.5, 4)
            if m > 3:
                p[rng.integers(0, m)] = p[0]  # ties
            assert holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]), abs=1e-12)
            assert benjamini_hochberg(p) == pytest.approx(
                list(multipletests(p, method="fdr_bh")[1]), abs=1e-12)


def test_adjustments_leave_nan_out_of_the_family():
    p = [0.01, float("nan"), 0.04]
    adj = holm(p)
    assert math.isnan(adj[1]) and adj[0] == pytest.approx(0.02) and adj[2] == pytest.approx(0.04)
    assert benjamini_hochberg(p)[0] == pytest.approx(0.02)


def test_wilson_equals_statsmodels_and_the_closed_form():
    for n in (1, 5, 17, 100, 1047):
        for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
            lo, hi = wilson(k, n)
            ref = proportion_confint(k, n, alpha=0.05, method="wilson")
            assert (lo, hi) == pytest.approx(ref, abs=1e-9)
    # closed form: p̂ = 0.5, n = 100 → 0.5 ± 1.96·sqrt(.25/100 + 1.96²/40000)/(1 + 1.96²/100)
    z = 1.959963984540054
    half = z * math.sqrt(0.25 / 100 + z * z / 40000) / (1 + z * z / 100)
    assert wilson(50, 100) == pytest.approx((0.5 - half, 0.5 + half))


def test_pass_at_k_equals_brute_force_for_every_k():
    rng = np.random.default_rng(3)
    for n in range(1, 11):
        for _ in range(4):
            correct = [bool(x) for x in rng.random(n) < rng.random()]
            c = sum(correct)
            for k in range(1, n + 1):
                subsets = list(itertools.combinations(range(n), k))
                brute = sum(any(correct[i] for i in s) for s in subsets) / len(subsets)
                assert pass_at_k(n, c, k) == pytest.approx(brute, abs=1e-12), (n, c, k)
                assert any_of_first(correct, k) == float(any(correct[:k]))


def test_newcombe_paired_from_its_definition_and_edges():
    # The definition, spelled out for one table (Newcombe 1998, method 10): Wilson limits of
    # both margins, combined with the corrected correlation φ of the pairs.
    both, f, g, neither = 36, 12, 2, 0
    n = both + f + g + neither
    p1, p2 = (both + f) / n, (both + g) / n
    (l1, u1), (l2, u2) = wilson(both + f, n), wilson(both + g, n)
    phi = 0.0  # cross-product 0·36 − 12·2 < 0 → φ = cross / sqrt(margins)
    phi = (both * neither - f * g) / math.sqrt((both + f) * (g + neither) * (both + g) * (f + neither))
    lo = p1 - p2 - math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    hi = p1 - p2 + math.sqrt((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    assert newcombe_paired(both, f, g, neither) == pytest.approx((lo, hi))
    # Nothing right on either side, 5 items: no information, a wide interval — not [0, 0].
    lo, hi = newcombe_paired(0, 0, 0, 5)
    assert lo == pytest.approx(-wilson(0, 5)[1]) and hi == pytest.approx(wilson(0, 5)[1])
    assert hi > 0.4
    # Swapping the sides mirrors the interval.
    a = newcombe_paired(30, 7, 3, 60)
    b = newcombe_paired(30, 3, 7, 60)
    assert a == pytest.approx((-b[1], -b[0]))
    # Large n: close to the Wald interval of the paired difference.
    both, f, g, neither = 4000, 900, 600, 4500
    n = both + f + g + neither
    d = (f - g) / n
    se = math.sqrt((f + g) - (f - g) ** 2 / n) / n
    lo, hi = newcombe_paired(both, f, g, neither)
    assert lo == pytest.approx(d - 1.96 * se, abs=2e-3) and hi == pytest.approx(d + 1.96 * se, abs=2e-3)


def test_cluster_robust_se_equals_the_sandwich_formula():
    rng = np.random.default_rng(4)
    x = rng.normal(size=40)
    cl = np.repeat(np.arange(10), 4)
    m = mean_interval(x, cl)
    # CR1: G/(G-1) · Σ_g (Σ_i e_i)² / n², e = x − mean
    e = x - x.mean()
    sums = np.array([e[cl == g].sum() for g in range(10)])
    se = math.sqrt(10 / 9 * (sums ** 2).sum() / 40 ** 2)
    assert m.se == pytest.approx(se) and m.df == 9 and m.clusters == 10
    # Singleton clusters: the same as the classic paired t-interval.
    a, b = mean_interval(x), mean_interval(x, np.arange(40))
    assert (a.se, a.low, a.high) == pytest.approx((b.se, b.low, b.high))
    from scipy import stats as sps

    t = sps.ttest_1samp(x, 0.0)
    assert a.p_value == pytest.approx(t.pvalue)


def test_minimum_detectable_effect():
    assert minimum_detectable_effect(1.0) == pytest.approx(1.959964 + 0.841621, abs=1e-5)
    assert math.isnan(minimum_detectable_effect(float("nan")))
