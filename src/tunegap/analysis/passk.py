"""Sample-based metrics for one item: pass@k, maj@k, CoT-decoding path selection.

pass@k for i.i.d. samples uses the unbiased estimator of Chen et al. (2021):
    pass@k = 1 - C(n - c, k) / C(n, k)
for n samples of which c are correct. CoT-decoding branches are not i.i.d. (they are the top-k
first tokens in rank order), so for them pass@k means "any of the first k branches is right".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from math import comb

STANDARD_KS = (1, 5, 10, 20)


def pass_at_k(n: int, c: int, k: int) -> float:
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"pass@k needs 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    # The product form avoids huge binomials: C(n-c, k) / C(n, k) = prod (n-c-i)/(n-i).
    miss = 1.0
    for i in range(k):
        miss *= (n - c - i) / (n - i)
    return 1.0 - miss


def pass_at_k_exact(n: int, c: int, k: int) -> float:
    """The same quantity with exact binomials (reference for tests and tiny n)."""
    return 1.0 - comb(n - c, k) / comb(n, k)


def any_of_first(correct: Sequence[bool], k: int) -> float:
    """Ranked samples (CoT-decoding branches): 1 if any of the first k is right."""
    return 1.0 if any(correct[:k]) else 0.0


def majority(answers: Sequence[str | None], k: int) -> str | None:
    """Most frequent non-missing answer among the first k; ties go to the answer seen first.

    Deterministic: the same samples in the same order always give the same vote.
    """
    votes = Counter(a for a in answers[:k] if a is not None)
    if not votes:
        return None
    best = max(votes.values())
    return next(a for a in answers[:k] if a is not None and votes[a] == best)


def ks_for(n: int) -> list[int]:
    """The k values to report for n samples: 1, 5, 10, 20 where available, and n itself."""
    return sorted({k for k in STANDARD_KS if k <= n} | {n})


def answer_confidence(text: str, answer: str | None,
                      margins: Sequence[Sequence[float]]) -> float:
    """Wang & Zhou (2024): mean (p_top1 - p_top2) over the tokens that spell the answer.

    `margins` holds (char offset, p1, p2) per generated token. The answer span is its last
    occurrence in the text (where the final answer is stated). No answer, or no token overlapping
    the span, gives 0 confidence.
    """
    if answer is None or not margins:
        return 0.0
    start = text.rfind(answer)
    if start < 0:
        return 0.0
    end = start + len(answer)
    offsets = [int(m[0]) for m in margins]
    picked = []
    for i, (off, p1, p2) in enumerate(margins):
        tok_end = offsets[i + 1] if i + 1 < len(offsets) else len(text)
        if off < end and tok_end > start:  # the token overlaps the answer span
            picked.append(p1 - p2)
    return sum(picked) / len(picked) if picked else 0.0


def select_by_confidence(confidences: Sequence[float]) -> int:
    """Index of the most confident path; ties go to the higher-ranked (earlier) branch."""
    best = max(confidences)
    return confidences.index(best)
