"""pass@k against brute-force enumeration over all k-subsets, and its closed forms."""

import itertools
import random

import pytest

from tunegap.analysis.passk import (
    answer_confidence,
    any_of_first,
    ks_for,
    majority,
    pass_at_k,
    pass_at_k_exact,
    select_by_confidence,
)


def brute_force(correct: list[bool], k: int) -> float:
    subsets = list(itertools.combinations(range(len(correct)), k))
    return sum(any(correct[i] for i in s) for s in subsets) / len(subsets)


def test_matches_brute_force_on_random_small_cases():
    rng = random.Random(1234)
    for _ in range(300):
        n = rng.randint(1, 10)
        correct = [rng.random() < rng.random() for _ in range(n)]
        c = sum(correct)
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force(correct, k), abs=1e-12)
            assert pass_at_k_exact(n, c, k) == pytest.approx(brute_force(correct, k), abs=1e-12)


def test_closed_forms():
    for n in range(1, 30):
        for c in range(n + 1):
            assert pass_at_k(n, c, 1) == pytest.approx(c / n)  # k = 1: the mean
            assert pass_at_k(n, c, n) == (1.0 if c else 0.0)  # k = n: any correct


def test_large_n_is_stable():
    assert pass_at_k(200, 1, 20) == pytest.approx(20 / 200)
    assert 0.0 <= pass_at_k(1000, 3, 500) <= 1.0


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        pass_at_k(5, 6, 1)
    with pytest.raises(ValueError):
        pass_at_k(5, 1, 6)


def test_any_of_first_is_ranked():
    assert any_of_first([False, False, True], 2) == 0.0
    assert any_of_first([False, False, True], 3) == 1.0


def test_majority_is_deterministic_with_first_seen_tie_break():
    assert majority(["3", "4", "4", "3"], 4) == "3"  # tie: 3 seen first
    assert majority(["3", "4", "4", "3"], 3) == "4"
    assert majority([None, None, "7"], 2) is None
    assert majority([None, "5", None], 3) == "5"


def test_ks_for():
    assert ks_for(1) == [1]
    assert ks_for(5) == [1, 5]
    assert ks_for(20) == [1, 5, 10, 20]
    assert ks_for(8) == [1, 5, 8]


def test_answer_confidence_uses_the_answer_tokens_only():
    text = "5 + 7 = 12. The answer is 12."
    # tokens: "5"(0) " +"(1) " 7"(3) " ="(5) " 12"(7) "."(10) " The answer is"(11) " 12"(25) "."(28)
    margins = [(0, .9, .1), (1, .5, .4), (3, .6, .3), (5, .9, .05), (7, .5, .5), (10, .99, .0),
               (11, .8, .1), (25, .7, .2), (28, .9, .0)]
    assert answer_confidence(text, "12", margins) == pytest.approx(0.5)  # last " 12"
    assert answer_confidence(text, None, margins) == 0.0
    assert answer_confidence(text, "99", margins) == 0.0


def test_selection_prefers_earlier_branch_on_ties():
    assert select_by_confidence([0.2, 0.5, 0.5]) == 1
