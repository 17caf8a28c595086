"""A toy per-item metric: the share of an item's samples with an extracted answer."""

from __future__ import annotations


def answered(item) -> float:
    return sum(a is not None for a in item.answers) / item.n
