"""Per-cell accuracy and per-pair gaps, computed from the store's plan and grades."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tunegap.store import Store


@dataclass(frozen=True)
class CellScore:
    pair: str
    side: str
    model: str
    benchmark: str
    setting: str
    decoding: str
    extractor: str
    grader: str
    n: int  # items with a generation
    correct: int  # items whose first sample is right
    missing: int  # items with no extractable answer
    accuracy: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Gap:
    pair: str
    benchmark: str
    setting: str
    decoding: str
    extractor: str
    grader: str
    n: int
    instruct: float
    base: float
    delta: float  # instruct - base, in points

    def to_dict(self) -> dict:
        return asdict(self)


def wilson(correct: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = correct / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, center - half), min(1.0, center + half))


def cell_scores(store: Store, extractors: Sequence[str], graders: Sequence[str]) -> list[CellScore]:
    grades = store.grades()
    tally: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, correct, missing
    meta: dict[tuple, tuple] = {}
    for row in store.plan_rows():
        base_key = (row["pair"], row["side"], row["model"], row["benchmark"], row["setting"],
                    row["decoding"])
        for e in extractors:
            for g in graders:
                got = grades.get((row["request_key"], 0, e, g, row["target"]))
                if got is None:
                    continue  # not generated (yet)
                k = base_key + (e, g)
                meta[k] = k
                t = tally[k]
                t[0] += 1
                t[1] += 1 if got[0] == 1 else 0
                t[2] += 1 if got[1] == "missing" else 0
    out = []
    for k, (n, c, m) in tally.items():
        lo, hi = wilson(c, n)
        out.append(CellScore(*k, n=n, correct=c, missing=m, accuracy=100.0 * c / n if n else math.nan,
                             ci_low=100.0 * lo, ci_high=100.0 * hi))
    return out


def gaps(cells: Sequence[CellScore]) -> list[Gap]:
    by_side: dict[tuple, dict[str, CellScore]] = defaultdict(dict)
    for c in cells:
        by_side[(c.pair, c.benchmark, c.setting, c.decoding, c.extractor, c.grader)][c.side] = c
    out = []
    for k, sides in by_side.items():
        if "instruct" in sides and "base" in sides:
            i, b = sides["instruct"], sides["base"]
            out.append(Gap(*k, n=min(i.n, b.n), instruct=i.accuracy, base=b.accuracy,
                           delta=i.accuracy - b.accuracy))
    return out
