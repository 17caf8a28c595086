"""Setting × tuning interaction (analysis/interaction.py) against statsmodels and by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from tunegap.analysis.interaction import Vcov, cr1, interaction, omnibus, sign_flip


def _long_ols(inst: list[np.ndarray], base: list[np.ndarray], clusters: np.ndarray):
    """OLS of every per-item score on item fixed effects + side + setting + side × setting,
    cluster-robust by `clusters`. Returns (fit, columns of the interaction terms, N, K)."""
    n, s_count = len(inst[0]), len(inst)
    rows, ys, groups = [], [], []
    for s in range(s_count):
        for side, scores in ((1.0, inst[s]), (0.0, base[s])):
            for i in range(n):
                x = np.zeros(n + 1 + 2 * (s_count - 1))
                x[i] = 1.0  # item fixed effect (no intercept: the items span it)
                x[n] = side
                if s > 0:
                    x[n + s] = 1.0
                    x[n + s_count - 1 + s] = side
                rows.append(x)
                ys.append(scores[i])
                groups.append(clusters[i])
    X, y = np.array(rows), np.array(ys)
    _, g = np.unique(np.array(groups), return_inverse=True)
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": g})
    inter = [n + s_count - 1 + s for s in range(1, s_count)]
    return fit, inter, X.shape[0], X.shape[1]


def _scores(rng, n, s_count, binary):
    if binary:
        p = rng.uniform(0.2, 0.8, size=(2 * s_count, n))
        return [(rng.random(n) < p[k]).astype(float) for k in range(2 * s_count)]
    return [rng.random(n) for _ in range(2 * s_count)]


@pytest.mark.parametrize("clustered", [False, True])
@pytest.mark.parametrize("binary", [False, True])
def test_two_settings_equal_the_fixed_effects_ols(clustered, binary):
    rng = np.random.default_rng(20261204 + 2 * clustered + binary)
    worst_coef = worst_se = 0.0
    for _ in range(5):
        n = int(rng.integers(12, 40))
        i_s, b_s, i_t, b_t = _scores(rng, n, 2, binary)
        cl = rng.integers(0, max(3, n // 4), size=n) if clustered else np.arange(n)
        got = interaction(i_s, b_s, i_t, b_t, [f"c{c}" for c in cl] if clustered else None)
        fit, inter, big_n, k = _long_ols([i_s, i_t], [b_s, b_t], cl)
        # statsmodels' coefficient is Δ(t) − Δ(s): setting s is its reference level.
        worst_coef = max(worst_coef, abs(-fit.params[inter[0]] - got.delta_delta))
        factor = math.sqrt((big_n - 1) / (big_n - k))  # statsmodels' (N−1)/(N−K) correction
        worst_se = max(worst_se, abs(fit.bse[inter[0]] - got.se * factor) / got.se)
        assert got.df == len(set(cl)) - 1
        assert got.clusters == len(set(cl))
    print(f"\ninteraction vs OLS (clustered={clustered}, binary={binary}): max |Δcoef| = "
          f"{worst_coef:.2e}, max rel |Δse| = {worst_se:.2e}")
    assert worst_coef < 1e-12
    assert worst_se < 1e-10


@pytest.mark.parametrize("clustered", [False, True])
def test_omnibus_equals_the_joint_wald_test(clustered):
    rng = np.random.default_rng(7 + clustered)
    worst_w = worst_p = 0.0
    for s_count in (3, 4):
        n = 45
        sc = _scores(rng, n, s_count, binary=True)
        inst, base = sc[:s_count], sc[s_count:]
        cl = rng.integers(0, 15, size=n) if clustered else np.arange(n)
        got = omnibus(inst, base, list(cl) if clustered else None, reference="wald")
        fit, inter, big_n, k = _long_ols(inst, base, cl)
        r = np.zeros((len(inter), k))
        r[np.arange(len(inter)), inter] = 1.0
        ft = fit.f_test(r)  # F = W/q on (q, G − 1) df for cluster-robust fits
        wald_sm = float(np.squeeze(ft.fvalue)) * len(inter)
        expected = got.wald * (big_n - k) / (big_n - 1)
        worst_w = max(worst_w, abs(wald_sm - expected) / expected)
        assert ft.df_denom == got.df_denom == len(set(cl)) - 1
        assert ft.df_num == got.df_num == s_count - 1
        # with the factor undone, the same F gives the same p-value
        sm_fixed = omnibus(inst, base, list(cl) if clustered else None,
                           vcov=_scaled_cr1((big_n - 1) / (big_n - k)),
                           reference="wald")
        worst_p = max(worst_p, abs(sm_fixed.p_value - float(ft.pvalue)))
        hot = omnibus(inst, base, list(cl) if clustered else None)
        assert hot.wald == pytest.approx(got.wald, rel=1e-12)
        assert hot.df_denom == got.df_denom - (s_count - 1) + 1
    print(f"\nomnibus vs statsmodels f_test (clustered={clustered}): max rel |ΔW| = "
          f"{worst_w:.2e}, max |Δp| = {worst_p:.2e}")
    assert worst_w < 1e-10
    assert worst_p < 1e-12


def _scaled_cr1(factor: float):
    def vcov(d, c):
        v = cr1(d, c)
        return Vcov(v.matrix * factor, v.df, v.clusters)
    return vcov


def test_two_settings_omnibus_is_the_squared_t():
    rng = np.random.default_rng(3)
    i_s, b_s, i_t, b_t = _scores(rng, 30, 2, binary=True)
    one = interaction(i_s, b_s, i_t, b_t)
    om = omnibus([i_s, i_t], [b_s, b_t], reference="wald")
    assert om.wald == pytest.approx((one.delta_delta / one.se) ** 2, rel=1e-12)
    assert om.p_value == pytest.approx(one.p_value, rel=1e-10)
    hot = omnibus([i_s, i_t], [b_s, b_t])  # q = 1: Hotelling is the same F(1, n − 1)
    assert hot.p_value == pytest.approx(one.p_value, rel=1e-10)


def test_vcov_is_replaceable_and_degenerate_inputs_are_nan():
    calls = []

    def fake(d, c):
        calls.append(d.shape)
        return Vcov(np.eye(d.shape[1]) * 0.01, 5.0, 6)

    got = interaction([1, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1, 1], vcov=fake)
    assert calls == [(3, 1)] and got.se == pytest.approx(0.1) and got.df == 5.0
    assert math.isnan(interaction([1], [0], [0], [0]).se)  # one item: no spread to measure
    flat = interaction([1, 1], [0, 0], [0, 0], [0, 0])  # the same contrast everywhere
    assert flat.se == 0.0 and flat.p_value == 0.0
    with pytest.raises(ValueError, match="same items"):
        interaction([1, 0], [0, 0], [1], [0, 0])


def test_sign_flip():
    assert sign_flip([-0.3, 0.05], [-0.1, 0.2])
    assert not sign_flip([-0.3, -0.05], [-0.1, 0.2])
    assert not sign_flip([0.1, 0.05], [0.3, 0.2])


def _coverage(rng, reps, n, clusters, spread, share):
    """Share of `reps` seeded datasets whose 95 % interval holds the true ΔΔ.

    Scores are 0/1 draws with a linear probability: p = base_i + effect(side, setting) + the
    cluster's own interaction shift (mean 0, so the true ΔΔ is exactly `true_dd`). Items of one
    cluster (variants of one seed problem) also tend to fail together: each item's uniform draw
    is its cluster's with probability `share`, which keeps every item's marginal probability p."""
    true_dd = 0.08
    g = len(set(clusters))
    idx = np.asarray(clusters)
    base_p = rng.uniform(0.25, 0.55, size=(reps, n))
    shift = rng.uniform(-spread, spread, size=(reps, g))[:, idx]  # per-cluster ΔΔ shift
    p_is = base_p + 0.10 + true_dd / 2 + shift / 2
    p_bs = base_p
    p_it = base_p + 0.10 - true_dd / 2 - shift / 2
    p_bt = base_p

    def outcomes(p):
        shared = rng.random((reps, g))[:, idx]
        u = np.where(rng.random((reps, n)) < share, shared, rng.random((reps, n)))
        return (u < p).astype(float)

    draw = [outcomes(p) for p in (p_is, p_bs, p_it, p_bt)]
    hits = naive = 0
    labels = [str(c) for c in clusters]
    for r in range(reps):
        i_s, b_s, i_t, b_t = (d[r] for d in draw)
        got = interaction(i_s, b_s, i_t, b_t, labels)
        hits += got.ci_low <= true_dd <= got.ci_high
        by_item = interaction(i_s, b_s, i_t, b_t)
        naive += by_item.ci_low <= true_dd <= by_item.ci_high
    return hits / reps, naive / reps


def test_coverage_by_simulation():
    rng = np.random.default_rng(23_2026)
    reps = 1000
    independent, _ = _coverage(rng, reps, 120, list(range(120)), spread=0.0, share=0.0)
    clusters = [i // 4 for i in range(160)]  # 40 clusters of 4 items (variants of a seed)
    clustered, naive = _coverage(rng, reps, 160, clusters, spread=0.2, share=0.7)
    print(f"\ninteraction 95 % coverage over {reps} datasets: independent items "
          f"{100 * independent:.1f} %, clustered items (CR1, 40 clusters) "
          f"{100 * clustered:.1f} %, the same clustered data treated as independent "
          f"{100 * naive:.1f} %")
    assert 0.93 <= independent <= 0.97
    assert 0.93 <= clustered <= 0.97
    assert naive < 0.90  # the clusters matter: ignoring them under-covers


def test_omnibus_size_by_simulation():
    """Same gap in all four settings (H0 true), 0/1 items in 20 clusters of 6: the share of
    1,000 seeded datasets the omnibus test rejects at 5 %."""
    rng = np.random.default_rng(2027)
    reps, g, per, s_count = 1000, 20, 6, 4
    n = g * per
    idx = np.repeat(np.arange(g), per)
    labels = [str(c) for c in idx]
    rejected = {"hotelling": 0, "wald": 0}
    for _ in range(reps):
        base_p = rng.uniform(0.2, 0.6, n)
        setting = rng.uniform(-0.1, 0.1, s_count)  # settings differ, the gap does not
        shared = rng.random((2 * s_count, g))[:, idx]  # items of a cluster fail together
        u = np.where(rng.random((2 * s_count, n)) < 0.5, shared, rng.random((2 * s_count, n)))
        p = np.concatenate([base_p + 0.15 + setting[:, None], base_p + setting[:, None]])
        y = (u < p).astype(float)
        for reference in rejected:
            rejected[reference] += omnibus(list(y[:s_count]), list(y[s_count:]), labels,
                                           reference=reference).p_value < 0.05
    rates = {k: v / reps for k, v in rejected.items()}
    print(f"\nomnibus size at 5 % (4 settings, 20 clusters, H0 true, {reps} datasets): "
          f"Hotelling {100 * rates['hotelling']:.1f} %, Wald F(q, G − 1) "
          f"{100 * rates['wald']:.1f} %")
    assert 0.03 <= rates["hotelling"] <= 0.07
    assert rates["wald"] >= rates["hotelling"]
