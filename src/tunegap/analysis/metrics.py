"""Per-cell metrics and per-pair gaps, computed from the store's plan, generations and grades.

Per item, by how its request was decoded:
- one sample (greedy): `accuracy` = that sample is right;
- n i.i.d. samples: `accuracy` = pass@1 (mean), pass@k (unbiased estimator), maj@k;
- CoT decoding (k ranked branches): `accuracy` = the top branch, pass@k = any of the first k,
  maj@k, and `selected` = the branch chosen by answer confidence (Wang & Zhou 2024).
Cell metrics are means over items, in percent; `accuracy` carries a 95 % Wilson interval.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from tunegap.analysis.passk import (
    answer_confidence,
    any_of_first,
    ks_for,
    majority,
    pass_at_k,
    select_by_confidence,
)
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
    n: int  # items with every sample generated and graded
    samples: int  # samples per item
    missing: int  # items whose first sample has no extractable answer
    accuracy: float
    ci_low: float
    ci_high: float
    metrics: dict[str, float] = field(default_factory=dict)  # pass@k, maj@k, selected (%)

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
    metric: str
    n: int
    instruct: float
    base: float
    delta: float  # instruct - base, in points

    def to_dict(self) -> dict:
        return asdict(self)


def wilson(correct: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    p = correct / n
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(0.0, p * (1 - p)) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, center - half), min(1.0, center + half))


def item_metrics(correct: Sequence[bool], answers: Sequence[str | None], *, ranked: bool,
                 confidences: Sequence[float] | None = None) -> dict[str, float]:
    """Metrics (0..1) of one item from its samples' correctness and extracted answers."""
    n = len(correct)
    c = sum(correct)
    out: dict[str, float] = {}
    if n == 1:
        out["accuracy"] = float(correct[0])
        return out
    out["accuracy"] = float(correct[0]) if ranked else c / n
    for k in ks_for(n):
        out[f"pass@{k}"] = any_of_first(correct, k) if ranked else pass_at_k(n, c, k)
        vote = majority(answers, k)
        out[f"maj@{k}"] = float(vote is not None and correct[answers.index(vote)])
    if ranked and confidences is not None:
        out["selected"] = float(correct[select_by_confidence(confidences)])
    return out


BY_SIDE = "by-side"


def cell_scores(store: Store, extractors: Sequence[str], graders: Sequence[str],
                by_side: dict[str, str] | None = None) -> list[CellScore]:
    """`by_side` adds an extractor column "by-side" that reads each side with its own extractor."""
    grades = store.grades()
    answers = store.answers()
    gens = store.generations()
    per_cell: dict[tuple, list[dict[str, float]]] = defaultdict(list)
    samples_of: dict[tuple, int] = {}
    missing: dict[tuple, int] = defaultdict(int)
    for row in store.plan_rows():
        key, target = row["request_key"], row["target"]
        params = json.loads(row["request_json"])["params"]
        ranked = params.get("cot_branches", 0) > 0
        m = params["cot_branches"] if ranked else params.get("n", 1)
        if any((key, i) not in gens for i in range(m)):
            continue  # not generated (yet)
        base_key = (row["pair"], row["side"], row["model"], row["benchmark"], row["setting"],
                    row["decoding"])
        for e in [*extractors, *([BY_SIDE] if by_side else [])]:
            src = by_side[row["side"]] if e == BY_SIDE and by_side else e
            ans = [answers.get((key, i, src)) for i in range(m)]
            conf = None
            if ranked:
                conf = [answer_confidence(gens[(key, i)].text, ans[i], gens[(key, i)].token_margins)
                        for i in range(m)]
            for g in graders:
                got = [grades.get((key, i, src, g, target)) for i in range(m)]
                if any(x is None for x in got) or all(x[1] == "n/a" for x in got):
                    continue  # not graded, or this grader does not apply to the item
                ck = base_key + (e, g)
                samples_of[ck] = m
                missing[ck] += got[0][1] == "missing"
                per_cell[ck].append(item_metrics([x[0] == 1 for x in got], ans, ranked=ranked,
                                                 confidences=conf))
    out = []
    for ck, items in per_cell.items():
        n = len(items)
        names = list(items[0])
        means = {name: 100.0 * sum(it[name] for it in items) / n for name in names}
        lo, hi = wilson(means["accuracy"] * n / 100.0, n)
        out.append(CellScore(*ck, n=n, samples=samples_of[ck], missing=missing[ck],
                             accuracy=means.pop("accuracy"), ci_low=100.0 * lo,
                             ci_high=100.0 * hi, metrics=means))
    return out


def gaps(cells: Sequence[CellScore]) -> list[Gap]:
    by_side: dict[tuple, dict[str, CellScore]] = defaultdict(dict)
    for c in cells:
        by_side[(c.pair, c.benchmark, c.setting, c.decoding, c.extractor, c.grader)][c.side] = c
    out = []
    for k, sides in by_side.items():
        if "instruct" not in sides or "base" not in sides:
            continue
        i, b = sides["instruct"], sides["base"]
        shared = ["accuracy"] + [m for m in i.metrics if m in b.metrics]
        for metric in shared:
            iv = i.accuracy if metric == "accuracy" else i.metrics[metric]
            bv = b.accuracy if metric == "accuracy" else b.metrics[metric]
            out.append(Gap(*k, metric=metric, n=min(i.n, b.n), instruct=iv, base=bv,
                           delta=iv - bv))
    return out
