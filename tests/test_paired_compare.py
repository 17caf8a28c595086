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


# ------------------------------------------------ issue 27: clusters, duplicates, exact zeros

def _item(side, ex_id, right, meta, extractor="strict"):
    from tunegap.analysis.items import ItemScore
    from tunegap.records import CellKey
    from tunegap.types import Example

    cell = CellKey("p", side, f"m-{side}", "synthetic", "zeroshot_cot", "greedy")
    ex = Example("synthetic", ex_id, "q", "1", "number", meta=meta)
    return ItemScore(cell, extractor, "numeric", ex, 1, False, {"accuracy": float(right)},
                     ("correct" if right else "wrong",), ("1",))


def test_one_cluster_claims_no_interval_and_says_so():
    s = compare_items([1, 0, 1], [0, 0, 1], ["calc=2"] * 3, binary=True)
    assert s["clusters"] == 1 and s["cluster_flag"] == "single-cluster"
    assert s["ci_method"] == "none" and math.isnan(s["ci_low"]) and math.isnan(s["ci_high"])
    assert math.isnan(s["p_value"]) and s["unresolved"]
    assert s["delta"] == pytest.approx(100 / 3)


def test_clusters_with_the_same_mean_difference_get_a_wide_interval_not_a_point():
    # every cluster's mean difference is 0 (the items disagree within clusters)
    s = compare_items([1, 0, 0, 1, 1, 0], [0, 1, 1, 0, 0, 1], list("aabbcc"), binary=True)
    assert s["ci_method"] == "cluster-no-spread" and s["test"] == "cluster-sign"
    assert s["ci_low"] < -40 and s["ci_high"] > 40 and s["p_value"] == 1.0


def test_unequal_clusters_use_cr2_with_bell_mccaffrey_df_and_flag_few():
    from tunegap.analysis.cluster_robust import bm_df

    sizes = [20, 2, 2, 2, 2, 2]
    clusters = [f"c{g}" for g, k in enumerate(sizes) for _ in range(k)]
    inst = [1, 0] * 10 + [1, 1, 0, 0, 1, 0, 0, 0, 1, 1]
    base = [0] * 30
    s = compare_items(inst, base, clusters, binary=True)
    assert s["ci_method"] == "cluster-t" and s["df"] == pytest.approx(bm_df(sizes))
    assert s["cluster_flag"] == "few-clusters"


def test_exact_zeros_where_the_math_gives_zero():
    s = compare_items([0.0] * 5, [0.0] * 5, list("abcde"), binary=True)
    assert s["instruct"] == 0.0 and s["delta"] == 0.0 and s["ci_low"] < 0 < s["ci_high"]
    s = compare_items([1.0] * 5, [1.0] * 5, list("abcde"), binary=True)
    assert s["delta"] == 0.0 and s["ci_high"] > 0
    from tunegap.analysis.stats import wilson

    for n in (1, 3, 7, 1000):
        assert wilson(0, n)[0] == 0.0 and wilson(n, n)[1] == 1.0


def test_rates_use_wilson():
    from tunegap.analysis.stats import rate_interval, wilson

    assert rate_interval([1, 0, 0, 0], list("abcd")) == pytest.approx(wilson(1, 4))
    lo, hi = rate_interval([1, 0, 0, 0], list("abcd"))
    assert (100 * lo, 100 * hi) == pytest.approx((4.6, 69.9), abs=0.05)  # not [0, 100]
    # clustered: never narrower than Wilson on all items, never a point
    cl = [f"s{k // 4}" for k in range(24)]
    x = [1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1]
    lo_c, hi_c = rate_interval(x, cl)
    lo_i, hi_i = wilson(sum(x), len(x))
    assert lo_c <= lo_i and hi_c >= hi_i
    assert rate_interval([0] * 12, cl[:12])[1] > 0.2  # 0 of 3 seed problems: wide


def test_breakdown_rows_are_deduplicated_by_their_items_not_their_labels():
    from tunegap.analysis.compare import breakdowns

    items = []
    for k in range(12):
        meta = {"category": f"{k % 3 + 1}-step", "steps": str(k % 3 + 1),
                "level": "easy" if k < 6 else "hard"}
        items += [_item("instruct", str(k), k % 2, meta), _item("base", str(k), k % 3 == 0, meta)]
    rows = breakdowns(items)
    assert sorted((r.group_key, r.group) for r in rows) == [
        ("category", "1-step"), ("category", "2-step"), ("category", "3-step"),
        ("level", "easy"), ("level", "hard")]
