"""How much the extractor and the grader move the score.

- `accuracy_grid`: per cell, the accuracy under every extractor × grader (the shared cell metrics,
  so the numbers match the main tables; a grader that does not apply to an item leaves it out);
- `agreements`: per benchmark × setting × decoding × extractor, each pair of graders judged on the
  same samples: Cohen's κ, the count of disagreements and the sample ids, for audit;
- `grader_gaps`: Δ (instruct − base) under each grader, for the paper's evaluator-sensitivity table.
A sample is "right" under a grader only when it graded correct; missing, unparsable and timed-out
answers count as not right, and are tallied so a κ built on timeouts is visible.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations

from tunegap.analysis.metrics import CellScore, Gap, cell_scores, gaps
from tunegap.store import Store

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
        return {**asdict(self), "disagree": self.disagree}


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


def agreements(store: Store, extractors: Sequence[str], graders: Sequence[str]) -> list[Agreement]:
    grades = store.grades()
    tallies: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, 0, []])
    for row in store.plan_rows():
        key, target = row["request_key"], row["target"]
        group = (row["benchmark"], row["setting"], row["decoding"])
        idx = 0
        while any((key, idx, e, g, target) in grades for e in extractors for g in graders):
            for e in extractors:
                for ga, gb in combinations(graders, 2):
                    a = grades.get((key, idx, e, ga, target))
                    b = grades.get((key, idx, e, gb, target))
                    if a is None or b is None or "n/a" in (a[1], b[1]):
                        continue
                    t = tallies[group + (e, ga, gb)]
                    ra, rb = a[0] == 1, b[0] == 1
                    t[0 if ra and rb else 1 if not (ra or rb) else 2 if ra else 3] += 1
                    t[4] += "timeout" in (a[1], b[1])
                    if ra != rb and len(t[5]) < MAX_IDS:
                        t[5].append(f"{row['cell']}|{row['example_id']}#{idx}")
            idx += 1
    out = []
    for k, (rr, ww, a_only, b_only, timeouts, ids) in tallies.items():
        out.append(Agreement(*k, n=rr + ww + a_only + b_only, both_right=rr, both_wrong=ww,
                             only_a=a_only, only_b=b_only,
                             kappa=cohen_kappa(rr, ww, a_only, b_only), timeouts=timeouts,
                             disagreements=ids))
    return out


@dataclass
class Sensitivity:
    cells: list[CellScore]
    gaps: list[Gap]
    agreements: list[Agreement]
    extractors: list[str]
    graders: list[str]

    def to_dict(self) -> dict:
        return {"extractors": self.extractors, "graders": self.graders,
                "agreements": [a.to_dict() for a in self.agreements]}


def sensitivity(store: Store, extractors: Sequence[str] | None = None,
                graders: Sequence[str] | None = None) -> Sensitivity:
    """Everything the sensitivity report needs, for the run's configured extractors/graders."""
    config = store.get_meta("config") or {}
    extractors = list(extractors or config.get("extractors", []))
    graders = list(graders or config.get("graders", []))
    cells = cell_scores(store, extractors, graders)
    return Sensitivity(cells=cells, gaps=[g for g in gaps(cells) if g.metric == "accuracy"],
                       agreements=agreements(store, extractors, graders),
                       extractors=extractors, graders=graders)
