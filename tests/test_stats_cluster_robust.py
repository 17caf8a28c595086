"""CR2 with Bell–McCaffrey degrees of freedom (analysis/cluster_robust.py) against a reference
written from the published formulas, for any design matrix:

- Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear regression
  with multi-stage samples. Survey Methodology 28(2), 169–181: V_CR2 = (X'X)⁻¹ Σ_g X_g' A_g e_g
  e_g' A_g X_g (X'X)⁻¹ with A_g = (I − H_gg)^(−1/2); Satterthwaite df under the working model of
  independent equal-variance errors.
- Pustejovsky, J. E. & Tipton, E. (2018). Small-sample methods for cluster-robust variance
  estimation and hypothesis testing in fixed effects models. J. Bus. Econ. Stat. 36(4), 672–683,
  eq. (11) with Φ = I: df = (Σ_g p_g'p_g)² / Σ_{g,h} (p_g'p_h)², p_g = (I − H)_g' A_g X_g (X'X)⁻¹ c.

Worked examples with a stated source (Bell & McCaffrey 2002 §3; Imbens & Kolesár 2016, REStat
98(4), §3–4): with one item per cluster CR2 is HC2, which for a mean is the classic s²/n with
df n − 1; with G equal clusters, CR2 and its df are those of the one-sample t test on the G
cluster means (df G − 1). CR1 is checked against statsmodels' OLS cov_type="cluster".
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from tunegap.analysis.cluster_robust import (
    FEW_CLUSTERS,
    SINGLE_CLUSTER,
    bm_df,
    cluster_mean,
    cluster_mean_difference,
    cr1_variance,
    cr2_batch,
    no_spread_interval,
)


def _inv_sqrt(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(m)
    return v @ np.diag(1.0 / np.sqrt(w)) @ v.T


def reference_cr2(y: np.ndarray, x: np.ndarray, cl: np.ndarray, c: np.ndarray
                  ) -> tuple[float, float]:
    """(variance of c'β̂, Bell–McCaffrey df) from the matrix formulas of the module doc."""
    n = len(y)
    xtx_inv = np.linalg.inv(x.T @ x)
    h = x @ xtx_inv @ x.T
    resid = y - h @ y
    i_h = np.eye(n) - h
    var = 0.0
    ps = []
    for g in np.unique(cl):
        rows = np.flatnonzero(cl == g)
        a_g = _inv_sqrt(np.eye(len(rows)) - h[np.ix_(rows, rows)])
        w_g = a_g @ x[rows] @ xtx_inv @ c  # the cluster's weights on its residuals
        var += float(w_g @ resid[rows]) ** 2
        ps.append(i_h[rows].T @ w_g)  # p_g = (I − H)_g' A_g X_g (X'X)⁻¹ c
    p = np.array(ps)
    gram = p @ p.T
    return var, float(np.trace(gram) ** 2 / (gram ** 2).sum())


def test_closed_form_equals_the_matrix_formulas_on_random_unequal_clusters():
    rng = np.random.default_rng(27)
    for _ in range(60):
        g = int(rng.integers(2, 12))
        sizes = rng.integers(1, 9, size=g)
        if rng.random() < 0.5:  # one dominant cluster
            sizes[0] = int(rng.integers(10, 40))
        cl = np.repeat(np.arange(g), sizes)
        y = rng.normal(size=len(cl)) + rng.normal(size=g)[cl]
        if rng.random() < 0.3:
            y = (y > 0).astype(float)  # 0/1 scores as well
        var, df = reference_cr2(y, np.ones((len(y), 1)), cl, np.array([1.0]))
        m = cluster_mean(y, cl)
        assert m.se ** 2 == pytest.approx(var, rel=1e-9, abs=1e-15)
        assert m.df == pytest.approx(df, rel=1e-9)
        assert m.clusters == g and m.n == len(y)
        if var > 0:
            t = sps.t.ppf(0.975, df)
            assert (m.low, m.high) == pytest.approx((y.mean() - t * m.se, y.mean() + t * m.se))
        # the batch form gives the same numbers
        mean_b, se_b, df_b = cr2_batch(y[None, :], cl, g)
        assert se_b[0] == pytest.approx(m.se, rel=1e-9, abs=1e-15) and df_b == pytest.approx(m.df)


def test_reference_itself_reproduces_the_published_special_cases():
    """The worked examples of the module doc, on the general reference (so the reference is
    checked on its own, not only against the closed form)."""
    rng = np.random.default_rng(1)
    # one item per cluster: HC2 of a mean = s²/n, df = n − 1
    y = rng.normal(size=15)
    var, df = reference_cr2(y, np.ones((15, 1)), np.arange(15), np.array([1.0]))
    assert var == pytest.approx(y.var(ddof=1) / 15) and df == pytest.approx(14)
    # G equal clusters: the t test on the cluster means
    cl = np.repeat(np.arange(6), 5)
    y = rng.normal(size=30) + rng.normal(size=6)[cl]
    var, df = reference_cr2(y, np.ones((30, 1)), cl, np.array([1.0]))
    means = y.reshape(6, 5).mean(axis=1)
    assert var == pytest.approx(means.var(ddof=1) / 6) and df == pytest.approx(5)


def test_published_special_cases_on_the_closed_form():
    rng = np.random.default_rng(2)
    y = rng.normal(size=20)
    m = cluster_mean(y, np.arange(20))
    ref = sps.ttest_1samp(y, 0.0)
    assert m.df == pytest.approx(19) and m.p_value == pytest.approx(ref.pvalue)
    cl = np.repeat(np.arange(8), 4)
    y = rng.normal(size=32) + rng.normal(size=8)[cl] + 0.4
    m = cluster_mean(y, [f"seed-{c}" for c in cl])
    means = y.reshape(8, 4).mean(axis=1)
    ref = sps.ttest_1samp(means, 0.0)
    assert m.df == pytest.approx(7) and m.p_value == pytest.approx(ref.pvalue)
    lo, hi = ref.confidence_interval(0.95)
    assert (m.low, m.high) == pytest.approx((lo, hi))
    assert m.flag is None


def test_cr2_with_a_regressor_matches_the_reference_difference_of_two_groups():
    """The reference handles any X; a two-group contrast (a ΔΔ-like slope) stays consistent with
    the sandwich identity for the intercept model of the within-pair differences."""
    rng = np.random.default_rng(3)
    sizes = np.array([20, 2, 2, 2, 2, 2])
    cl = np.repeat(np.arange(6), sizes)
    d = rng.normal(size=len(cl)) + rng.normal(size=6)[cl]
    var, df = reference_cr2(d, np.ones((len(d), 1)), cl, np.array([1.0]))
    a = rng.normal(size=len(cl))
    m = cluster_mean_difference(a + d, a, cl)
    assert m.se ** 2 == pytest.approx(var) and m.df == pytest.approx(df)
    assert df < 3  # one cluster with 2/3 of the items: few effective clusters
    assert m.flag == FEW_CLUSTERS


def test_cr1_equals_statsmodels_cluster_covariance():
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(4)
    for sizes in ([20, 2, 2, 2, 2, 2], [4] * 10, [30] + [2] * 9):
        cl = np.repeat(np.arange(len(sizes)), sizes)
        y = rng.normal(size=len(cl)) + rng.normal(size=len(sizes))[cl]
        fit = sm.OLS(y, np.ones(len(y))).fit(cov_type="cluster", cov_kwds={"groups": cl})
        # statsmodels: G/(G−1) · (n−1)/(n−k), k = 1 → G/(G−1)
        assert cr1_variance(y, cl) == pytest.approx(float(fit.cov_params()[0, 0]), rel=1e-10)


def test_bm_df_depends_on_sizes_and_falls_with_one_dominant_cluster():
    assert bm_df(np.array([5] * 10)) == pytest.approx(9)
    assert bm_df(np.array([1] * 30)) == pytest.approx(29)
    unequal = bm_df(np.array([30] + [2] * 9))
    assert 1 < unequal < 4  # far below G − 1 = 9


def test_single_cluster_claims_no_interval_and_no_spread_is_never_a_point():
    m = cluster_mean([1.0, 0.0, 1.0], ["a", "a", "a"])
    assert m.flag == SINGLE_CLUSTER and m.clusters == 1 and math.isnan(m.low)
    assert m.mean == pytest.approx(2 / 3)
    m = cluster_mean([0.0] * 12, np.repeat(np.arange(6), 2))
    assert m.se == 0 and math.isnan(m.low)
    lo, hi, p = no_spread_interval(0.0, -2.0, 2.0, 6)
    assert lo < -0.5 and hi > 0.5 and p == 1.0
    lo, hi, p = no_spread_interval(1.0, -1.0, 1.0, 10)
    assert lo < 1.0 and hi == 1.0 and p == pytest.approx(2 * 0.5 ** 10)


def test_difference_of_drops_is_the_same_under_every_extractor_and_never_a_point():
    from tests.test_paired_compare import _item
    from tunegap.analysis.robustness import robustness

    def items(extractor, inst_var, base_var):
        out = []
        for s in range(6):
            for side, var in (("instruct", inst_var), ("base", base_var)):
                out.append(_item(side, f"o{s}", 1, {}, extractor))
                for v in range(2):
                    out.append(_item(side, f"o{s}-v{v}", var(s, v),
                                     {"seed_id": f"o{s}", "perturbation": "numeric"}, extractor))
        return out

    inst = lambda s, v: (s + v) % 2  # noqa: E731
    base = lambda s, v: s % 3 != 0  # noqa: E731
    rows = robustness(items("strict", inst, base) + items("flexible", inst, base), seed=1)
    assert len(rows) == 2 and rows[0].did_ci == rows[1].did_ci and rows[0].did == rows[1].did
    assert rows[0].did_ci[0] < rows[0].did < rows[0].did_ci[1]
    assert rows[0].did_df == pytest.approx(5)  # 6 equal seed problems
    # every row agrees between the sides: a wide interval, not [0, 0]
    same = robustness(items("strict", inst, inst))
    (r,) = same
    assert r.did == 0 and r.did_ci[0] < -50 and r.did_ci[1] > 50 and not r.significant
