"""A toy paired statistic: on how many items instruct scores above base, and the mean gap."""

from __future__ import annotations


def wins(instruct, base, clusters, *, binary: bool) -> dict[str, float]:
    return {"instruct_above": float((instruct > base).sum()),
            "mean_gap": float((instruct - base).mean())}
