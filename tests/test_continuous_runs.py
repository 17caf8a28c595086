"""Prefix runs for continuous batching: consecutive prompts that share a prefix are grouped so
the prefix is prefilled once per run, and a new setting's prompts start their own run."""

from __future__ import annotations

from tunegap.backends.continuous import common_prefix, prefix_runs

SYSTEM = list(range(100, 120))  # 20 tokens every prompt shares (a chat system turn)
SHOTS = list(range(500, 800))  # 300 tokens of exemplars


def prompt(*parts: list[int]) -> list[int]:
    return [t for p in parts for t in p]


def test_runs_split_where_the_shared_prefix_collapses():
    zero = [prompt(SYSTEM, [1, 2, 3, 4, 5, 6, 7, 8], [900 + i] * 5) for i in range(3)]
    few = [prompt(SYSTEM, SHOTS, [950 + i] * 5) for i in range(4)]
    runs = prefix_runs(zero + few + zero[:1])
    assert runs == [(0, 28), (3, 320), (7, 0)]  # a lone prompt gets no prefix
    # Each run's prefix is what all its prompts share, and each keeps a token of its own.
    for (a, n), end in zip(runs, [3, 7, 8], strict=True):
        group = (zero + few + zero[:1])[a:end]
        if len(group) > 1:
            assert n == common_prefix(group, min_len=1)


def test_short_or_absent_shared_prefixes_make_no_run_prefix():
    assert prefix_runs([]) == []
    assert prefix_runs([[1, 2, 3]]) == [(0, 0)]
    short = [[1, 2, 3, 10 + i, 7, 7] for i in range(3)]  # 3 shared tokens < min_len
    assert prefix_runs(short) == [(0, 0), (1, 0), (2, 0)]
    same = [[1, 2, 3, 4, 5, 6, 7, 8, 9]] * 3  # identical prompts keep their last token
    assert prefix_runs(same) == [(0, 8)]
