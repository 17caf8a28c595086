"""Random-effects meta-analysis of per-pair effects: is the gap the same across model pairs?

Pure functions of numbers (each pair's Δ and its standard error or variance, on any one scale;
the callers use 0..1 like `stats.py`). A quantity that cannot be estimated is NaN, never an
exception: one pair has nothing to pool, a variance that is not positive and finite makes the
pooled numbers NaN (the sign test still counts).

What the wiring calls:

- `meta_analysis(effects, variances=None, *, se=None, tau2_method="pm", hksj="plain")
  -> MetaAnalysis`: the random-effects pooled Δ with its Hartung–Knapp–Sidik–Jonkman interval
  (t, k − 1 df) and test; τ² (Paule–Mandel "pm", REML "reml", or DerSimonian–Laird "dl");
  the fixed-effect (inverse-variance) estimate with its z interval beside it; Cochran's Q with
  its χ²(k − 1) p-value; I² = max(0, (Q − (k − 1))/Q); the 95 % prediction interval for a new
  pair, μ ± t_{k−2} √(τ² + SE²) with SE the usual random-effects standard error 1/√Σw*
  (Higgins, Thompson & Spiegelhalter 2009, J R Stat Soc A 172:137, eq. 18; needs k ≥ 3); and
  the exact two-sided sign test of how many pairs favour each side. (With few pairs the
  prediction interval tends to fall short of 95 % when τ² is underestimated; Partlett & Riley
  2017, Stat Med 36:301. tests/test_meta.py prints its coverage.)
- `meta_regression(effects, variances, covariate, *, tau2_method="pm", hksj="plain")
  -> MetaRegression`: Δ = β0 + β1·x (x: log model size) with weights 1/(v + τ²), residual τ²
  by PM or REML, HKSJ standard errors with t(k − 2).
- `sign_test(effects) -> SignTest`; `tau2_dl`, `tau2_pm`, `tau2_reml`.

HKSJ. se² = q · 1/Σw*, q = Σ w*(y − μ)²/(k − p). `hksj="plain"` uses q as is (Hartung & Knapp
2001; Sidik & Jonkman 2002; metafor test="knha", statsmodels' "wls" rows). `hksj="truncated"`
uses max(1, q) (the ad hoc variance correction of Knapp & Hartung 2003, see Röver, Knapp &
Friede 2015, BMC Med Res Methodol 15:99), so the interval is never narrower than the standard
random-effects one; it matters when the pairs agree more than their standard errors say.

Against statsmodels' `combine_effects` (tests/test_meta.py): τ² (method_re "pm"/"dl"), the
fixed-effect and random-effects estimates and standard errors, the HKSJ interval (its "random
effect wls" row with use_t=True), Q and H² are the same. Differences: statsmodels does not
truncate I² at 0 (it reports 1 − (k−1)/Q, negative when Q < k − 1); its PM iteration stops at
|Q − (k − 1)| < 1e-5 by default (here: a root to machine precision); it has no REML, no
prediction interval, no sign test and no meta-regression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from tunegap.analysis.stats import mcnemar_exact

TAU2_METHODS = ("pm", "reml", "dl")
HKSJ_VARIANTS = ("plain", "truncated")
NAN = math.nan


# scipy.special's ufuncs: the same distributions as scipy.stats, without its per-call overhead
# (a simulation pools thousands of small meta-analyses).
def _t_quantile(p: float, df: float) -> float:
    return float(special.stdtrit(df, p))


def _t_two_sided(x: float, df: float) -> float:
    return float(2 * special.stdtr(df, -abs(x)))


@dataclass(frozen=True)
class SignTest:
    positive: int  # pairs with Δ > 0 (instruct better)
    negative: int
    ties: int  # Δ == 0: favour neither side, left out of the test
    p_value: float  # exact two-sided binomial test of positive vs negative at 1/2


def sign_test(effects: Sequence[float]) -> SignTest:
    y = np.asarray(effects, dtype=float)
    y = y[~np.isnan(y)]
    pos, neg = int((y > 0).sum()), int((y < 0).sum())
    # The exact McNemar test is the same binomial test on the two discordant counts.
    return SignTest(pos, neg, len(y) - pos - neg, mcnemar_exact(pos, neg))


# ---------------------------------------------------------------- weighted least squares


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray
    xtwx_inv: np.ndarray  # (XᵀWX)⁻¹: the covariance of beta when the scale is 1
    q: float  # Σ w (y − Xβ)², the generalized Q


def _wls(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float) -> _Fit:
    w = 1.0 / (v + tau2)
    xtwx_inv = np.linalg.inv(x.T @ (w[:, None] * x))
    beta = xtwx_inv @ (x.T @ (w * y))
    resid = y - x @ beta
    return _Fit(beta, xtwx_inv, float(w @ resid ** 2))


def _upper(f, start: float) -> float:
    """A τ² where the decreasing function f is negative (f(0) > 0 is known)."""
    hi = max(start, 1e-12)
    for _ in range(200):
        if f(hi) < 0:
            return hi
        hi *= 2
    raise ArithmeticError("no bracket for τ²")


def _design(k: int, x: np.ndarray | None) -> np.ndarray:
    return np.ones((k, 1)) if x is None else x


def tau2_dl(y: np.ndarray, v: np.ndarray) -> float:
    """DerSimonian–Laird moment estimate (intercept only)."""
    w = 1.0 / v
    fit = _wls(y, v, _design(len(y), None), 0.0)
    c = w.sum() - (w ** 2).sum() / w.sum()
    return max(0.0, (fit.q - (len(y) - 1)) / c)


def tau2_pm(y: np.ndarray, v: np.ndarray, x: np.ndarray | None = None) -> float:
    """Paule–Mandel: the τ² at which the generalized Q equals its df, k − p (0 if below)."""
    x = _design(len(y), x)
    df = len(y) - x.shape[1]

    def excess(t2: float) -> float:
        return _wls(y, v, x, t2).q - df

    if excess(0.0) <= 0:
        return 0.0
    hi = _upper(excess, float(np.var(y)) + float(v.max()))
    return float(optimize.brentq(excess, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def tau2_reml(y: np.ndarray, v: np.ndarray, x: np.ndarray | None = None) -> float:
    """Restricted maximum likelihood: the root of the restricted score (0 if it is negative
    at 0). Score: ½ (yᵀPPy − tr P), P = W − WX(XᵀWX)⁻¹XᵀW, W = diag 1/(v + τ²)."""
    x = _design(len(y), x)

    def score(t2: float) -> float:
        w = 1.0 / (v + t2)
        fit = _wls(y, v, x, t2)
        wx = w[:, None] * x
        p = np.diag(w) - wx @ fit.xtwx_inv @ wx.T
        py = p @ y
        return float(py @ py - np.trace(p))

    if score(0.0) <= 0:
        return 0.0
    hi = _upper(score, float(np.var(y)) + float(v.max()))
    return float(optimize.brentq(score, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def _tau2(method: str, y: np.ndarray, v: np.ndarray, x: np.ndarray | None = None) -> float:
    if method == "pm":
        return tau2_pm(y, v, x)
    if method == "reml":
        return tau2_reml(y, v, x)
    if x is not None:
        raise ValueError("the DerSimonian–Laird estimate here is for the mean only")
    return tau2_dl(y, v)


def _inputs(effects, variances, se, tau2_method, hksj) -> tuple[np.ndarray, np.ndarray]:
    if tau2_method not in TAU2_METHODS:
        raise ValueError(f"unknown tau2_method {tau2_method!r} ({', '.join(TAU2_METHODS)})")
    if hksj not in HKSJ_VARIANTS:
        raise ValueError(f"unknown hksj {hksj!r} ({', '.join(HKSJ_VARIANTS)})")
    if (variances is None) == (se is None):
        raise ValueError("give either variances or se")
    y = np.asarray(effects, dtype=float)
    v = np.asarray(variances, dtype=float) if se is None else np.asarray(se, dtype=float) ** 2
    if y.shape != v.shape or y.ndim != 1:
        raise ValueError(f"{len(y)} effects and {len(v)} variances")
    return y, v


def _usable(y: np.ndarray, v: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0))


# ---------------------------------------------------------------- pooling


@dataclass(frozen=True)
class MetaAnalysis:
    k: int
    estimate: float  # random-effects pooled Δ
    se: float  # HKSJ standard error (the one the interval uses)
    se_re: float  # the usual random-effects standard error, 1/√Σw*
    df: int  # k − 1
    ci_low: float  # HKSJ t interval
    ci_high: float
    p_value: float  # HKSJ t test of estimate = 0
    tau2: float
    tau2_method: str
    hksj: str
    hksj_scale: float  # q: the HKSJ variance factor before any truncation
    fixed: float  # inverse-variance (fixed-effect) estimate, z interval
    fixed_se: float
    fixed_ci_low: float
    fixed_ci_high: float
    fixed_p: float
    q: float  # Cochran's Q (fixed-effect weights)
    q_p: float  # χ²(k − 1)
    i2: float  # 0..1
    pi_low: float  # prediction interval for a new pair (k ≥ 3)
    pi_high: float
    sign: SignTest


def meta_analysis(effects: Sequence[float], variances: Sequence[float] | None = None, *,
                  se: Sequence[float] | None = None, tau2_method: str = "pm",
                  hksj: str = "plain", level: float = 0.95) -> MetaAnalysis:
    """Pool per-pair effects (give their `variances` or their `se`)."""
    y, v = _inputs(effects, variances, se, tau2_method, hksj)
    k = len(y)
    sign = sign_test(y)
    if k < 2 or not _usable(y, v):
        est = float(y[0]) if k == 1 and _usable(y, v) else NAN
        return MetaAnalysis(k, est, NAN, NAN, max(k - 1, 0), NAN, NAN, NAN, NAN, tau2_method,
                            hksj, NAN, est, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, sign)
    ones = _design(k, None)
    z = float(special.ndtri(0.5 + level / 2))
    fe = _wls(y, v, ones, 0.0)
    mu_fe, se_fe = float(fe.beta[0]), math.sqrt(fe.xtwx_inv[0, 0])
    q, df = fe.q, k - 1
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    tau2 = _tau2(tau2_method, y, v)
    re = _wls(y, v, ones, tau2)
    mu, var_re = float(re.beta[0]), float(re.xtwx_inv[0, 0])
    scale = re.q / df
    se_hk = math.sqrt((max(1.0, scale) if hksj == "truncated" else scale) * var_re)
    t = _t_quantile(0.5 + level / 2, df)
    p = _t_two_sided(mu / se_hk, df) if se_hk > 0 else (1.0 if mu == 0 else 0.0)
    pi_low = pi_high = NAN
    if k >= 3:
        half = _t_quantile(0.5 + level / 2, k - 2) * math.sqrt(tau2 + var_re)
        pi_low, pi_high = mu - half, mu + half
    return MetaAnalysis(
        k=k, estimate=mu, se=se_hk, se_re=math.sqrt(var_re), df=df,
        ci_low=mu - t * se_hk, ci_high=mu + t * se_hk, p_value=p, tau2=tau2,
        tau2_method=tau2_method, hksj=hksj, hksj_scale=scale,
        fixed=mu_fe, fixed_se=se_fe, fixed_ci_low=mu_fe - z * se_fe,
        fixed_ci_high=mu_fe + z * se_fe, fixed_p=float(2 * special.ndtr(-abs(mu_fe) / se_fe)),
        q=q, q_p=float(special.chdtrc(df, q)), i2=i2, pi_low=pi_low, pi_high=pi_high, sign=sign)


# ---------------------------------------------------------------- meta-regression


@dataclass(frozen=True)
class MetaRegression:
    k: int
    intercept: float
    intercept_se: float
    slope: float  # change in Δ per unit of the covariate
    slope_se: float  # HKSJ
    df: int  # k − 2
    slope_ci_low: float
    slope_ci_high: float
    slope_p: float
    tau2: float  # residual heterogeneity
    tau2_method: str
    hksj: str
    qe: float  # residual Q (fixed-effect weights), χ²(k − 2)
    qe_p: float


def meta_regression(effects: Sequence[float], variances: Sequence[float] | None,
                    covariate: Sequence[float], *, se: Sequence[float] | None = None,
                    tau2_method: str = "pm", hksj: str = "plain",
                    level: float = 0.95) -> MetaRegression:
    """Mixed-effects meta-regression of Δ on one covariate (needs k ≥ 3 and a covariate that
    varies)."""
    if tau2_method == "dl":
        raise ValueError("meta-regression takes tau2_method 'pm' or 'reml'")
    y, v = _inputs(effects, variances, se, tau2_method, hksj)
    xs = np.asarray(covariate, dtype=float)
    k = len(y)
    if xs.shape != y.shape:
        raise ValueError(f"{len(xs)} covariate values for {k} effects")
    if k < 3 or not _usable(y, v) or not np.all(np.isfinite(xs)) or np.ptp(xs) == 0:
        return MetaRegression(k, NAN, NAN, NAN, NAN, max(k - 2, 0), NAN, NAN, NAN, NAN,
                              tau2_method, hksj, NAN, NAN)
    x = np.column_stack([np.ones(k), xs])
    df = k - 2
    qe = _wls(y, v, x, 0.0).q
    tau2 = _tau2(tau2_method, y, v, x)
    fit = _wls(y, v, x, tau2)
    scale = fit.q / df
    if hksj == "truncated":
        scale = max(1.0, scale)
    ses = np.sqrt(scale * np.diag(fit.xtwx_inv))
    b0, b1 = float(fit.beta[0]), float(fit.beta[1])
    t = _t_quantile(0.5 + level / 2, df)
    p = _t_two_sided(b1 / ses[1], df) if ses[1] > 0 else (1.0 if b1 == 0 else 0.0)
    return MetaRegression(k, b0, float(ses[0]), b1, float(ses[1]), df, b1 - t * ses[1],
                          b1 + t * ses[1], p, tau2, tau2_method, hksj, qe,
                          float(special.chdtrc(df, qe)))
