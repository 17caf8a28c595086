"""Paired comparison of one cell: which interval and test apply, honest degenerate cases, the
minimum detectable effect, and the multiplicity families."""

from __future__ import annotations

import math

import pytest

from tunegap.analysis.compare import compare_items
from tunegap.analysis.stats import holm, mcnemar_exact, minimum_detectable_effect


def test_binary_unclustered_is_newcombe_and_mcnemar_with_the_2x2_table():
    inst = [1, 1, 1, 0, 1, 0, 1, 1, 0, 1]
    base = [1, 0, 0, 0, 1, 1, 0, 0, 0, 1]
    s = compare_items(inst, base, [str(i) for i in range(10)], binary=True)
    assert (s["both_right"], s["base_only"], s["instruct_only"], s["both_wrong"]) == (3, 1, 4, 2)
    assert s["delta"] == pytest.approx(30.0)
    assert s["ci_method"] == "newcombe" and s["test"] == "mcnemar-exact"
    assert s["p_value"] == pytest.approx(mcnemar_exact(1, 4))
    assert s["ci_low"] < 30 < s["ci_high"]
    assert s["mde"] == pytest.approx(100 * minimum_detectable_effect(s["se"] / 100))
    assert s["unresolved"] == (abs(s["delta"]) < s["mde"])


def test_nothing_right_anywhere_is_wide_and_unresolved_for_every_metric_kind():
    for binary in (True, False):
        s = compare_items([0.0] * 5, [0.0] * 5, list("abcde"), binary=binary)
        assert s["delta"] == 0 and s["ci_low"] < -40 and s["ci_high"] > 40, binary
        assert s["unresolved"] and s["p_value"] == 1.0


def test_clusters_switch_to_the_cluster_robust_interval():
    inst = [1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 0]
    base = [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    clusters = ["a"] * 4 + ["b"] * 4 + ["c"] * 4
    s = compare_items(inst, base, clusters, binary=True)
    assert s["clustered"] and s["clusters"] == 3 and s["ci_method"] == "cluster-t"
    flat = compare_items(inst, base, [str(i) for i in range(12)], binary=True)
    assert not flat["clustered"]
    # Correlated variants are less evidence: the clustered interval is wider.
    assert s["ci_high"] - s["ci_low"] > flat["ci_high"] - flat["ci_low"]
    assert s["p_mcnemar"] == pytest.approx(mcnemar_exact(0, 5))  # kept, though not the test


def test_non_binary_scores_use_the_paired_t():
    inst = [0.2, 0.5, 0.9, 0.4, 0.6, 0.3]
    base = [0.1, 0.5, 0.6, 0.4, 0.2, 0.3]
    s = compare_items(inst, base, list("abcdef"), binary=False)
    from scipy import stats as sps

    t = sps.ttest_rel(inst, base)
    assert s["test"] == "paired-t" and s["p_value"] == pytest.approx(t.pvalue)
    assert s["both_right"] is None and not math.isnan(s["correlation"])


def test_holm_family_is_per_benchmark():
    from tunegap.analysis.compare import Comparison, _adjust

    base = compare_items([1] * 30, [0] * 20 + [1] * 10, [str(i) for i in range(30)],
                         binary=True)
    rows = [Comparison("p", b, s, "greedy", "strict", "numeric", "accuracy", **base)
            for b in ("x", "y") for s in ("s1", "s2", "s3")]
    adj = _adjust(rows, family=lambda r: r.benchmark)
    want = holm([base["p_value"]] * 3)
    assert [r.p_holm for r in adj] == pytest.approx(want * 2)
    assert all(r.p_bh == pytest.approx(base["p_value"]) for r in adj)
