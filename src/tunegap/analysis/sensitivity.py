"""How much the grader moves the verdict.

- `agreements`: per benchmark × setting × decoding × extractor, each pair of graders judged on
  the same samples: Cohen's κ on right / not right, the disagreements and their sample ids;
- `grader_deltas`: Δ (instruct − base, accuracy) of one comparison cell under each grader, with
  `sign_flip` when one grader says instruct is better and another says base is.
A sample is right under a grader only when it graded correct; missing, timed-out and errored
answers count as not right, and timeouts are tallied so a κ built on them is visible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

from tunegap.analysis.compare import Comparison, clean
from tunegap.analysis.items import ItemScore

MAX_IDS = 50  # disagreeing sample ids kept per grader pair


@dataclass(frozen=True)
class Agreement:
    benchmark: str
    setting: str
    decoding: str
    extractor: str
    grader_a: str
    grader_b: str
    n: int  # samples both graders judged
    both_right: int
    both_wrong: int
    only_a: int  # right under a, not under b
    only_b: int
    kappa: float
    timeouts: int  # samples where either grader timed out (counted as not right)
    disagreements: list[str] = field(default_factory=list)  # "cell|example_id#sample"

    @property
    def disagree(self) -> int:
        return self.only_a + self.only_b

    def to_dict(self) -> dict:
        d = {k: clean(v) if isinstance(v, float) else v for k, v in asdict(self).items()}
        return {**d, "disagree": self.disagree}


@dataclass(frozen=True)
class GraderDelta:
    pair: str
    benchmark: str
    setting: str
    decoding: str
    extractor: str
    deltas: dict[str, float]  # grader → Δ (points)
    sign_flip: bool  # graders disagree on which side is better

    def to_dict(self) -> dict:
        return {**asdict(self), "deltas": {g: clean(v) for g, v in self.deltas.items()}}


def cohen_kappa(both_right: int, both_wrong: int, only_a: int, only_b: int) -> float:
    n = both_right + both_wrong + only_a + only_b
    if n == 0:
        return math.nan
    po = (both_right + both_wrong) / n
    pa = (both_right + only_a) / n
    pb = (both_right + only_b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1.0:  # both graders constant and equal: perfect agreement by definition
        return 1.0 if po == 1.0 else math.nan
    return (po - pe) / (1 - pe)


def agreements(items: Sequence[ItemScore], graders: Sequence[str]) -> list[Agreement]:
    """`graders` gives the order of each pair (the run's order)."""
    by_item: dict[tuple, dict[str, ItemScore]] = defaultdict(dict)
    for it in items:
        by_item[(it.cell, it.example.id, it.extractor)][it.grader] = it
    tallies: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, 0, []])
    for (cell, ex_id, ext), graded in by_item.items():
        for ga, gb in combinations([g for g in graders if g in graded], 2):
            a, b = graded[ga].outcomes, graded[gb].outcomes
            t = tallies[(cell.benchmark, cell.setting, cell.decoding, ext, ga, gb)]
            for idx, (oa, ob) in enumerate(zip(a, b)):
                if "n/a" in (oa, ob):
                    continue
                ra, rb = oa == "correct", ob == "correct"
                t[0 if ra and rb else 1 if not (ra or rb) else 2 if ra else 3] += 1
                t[4] += "timeout" in (oa, ob)
                if ra != rb and len(t[5]) < MAX_IDS:
                    t[5].append(f"{cell.id}|{ex_id}#{idx}")
    return [Agreement(*k, n=rr + ww + a_only + b_only, both_right=rr, both_wrong=ww,
                      only_a=a_only, only_b=b_only, kappa=cohen_kappa(rr, ww, a_only, b_only),
                      timeouts=timeouts, disagreements=ids)
            for k, (rr, ww, a_only, b_only, timeouts, ids) in tallies.items()]


def grader_deltas(comparisons: Sequence[Comparison]) -> list[GraderDelta]:
    groups: dict[tuple, dict[str, float]] = defaultdict(dict)
    for c in comparisons:
        if c.metric == "accuracy" and c.group_key is None:
            groups[(c.pair, c.benchmark, c.setting, c.decoding, c.extractor)][c.grader] = c.delta
    out = []
    for key, deltas in groups.items():
        if len(deltas) < 2:
            continue
        signs = {math.copysign(1, d) for d in deltas.values() if d != 0 and not math.isnan(d)}
        out.append(GraderDelta(*key, deltas=deltas, sign_flip=len(signs) > 1))
    return out
