"""Per-item scores from per-sample records: every registered per-item metric
(analysis/metrics.py) of each item's samples. The built-in ones, by how the item was decoded:

- one sample (greedy): `accuracy` = that sample is right (0/1);
- n i.i.d. samples: `accuracy` = pass@1 (the mean), `pass@k` for every k ≤ n (unbiased
  estimator), `maj@k` for the reported ks (vote on the grader's canonical form of the answer);
- CoT decoding (k ranked branches): `accuracy` = the top branch, `pass@k` = any of the first k,
  `maj@k`, and `selected` = the branch chosen by answer confidence (Wang & Zhou 2024).

A sample counts as right only when its grade is correct; missing, timeout and error count as not
right and are tallied per cell. An item is scored under a grader only when every one of its
samples is generated and graded, and left out when the grader does not apply (n/a) to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tunegap.analysis.metrics import ItemSamples, Metric, item_metrics
from tunegap.analysis.passk import answer_confidence
from tunegap.records import CellKey, SampleRecord
from tunegap.types import Example

BY_SIDE = "by-side"  # the extractor column that reads each side with its own extractor


@dataclass(frozen=True, slots=True)
class ItemScore:
    cell: CellKey
    extractor: str
    grader: str
    example: Example
    samples: int
    ranked: bool
    scores: dict[Metric, float]  # metric → 0..1 (analysis/metrics.py)
    outcomes: tuple[str, ...]  # per sample: correct | wrong | missing | timeout | error | ...
    answers: tuple[str | None, ...]


def _groups(records: Iterable[SampleRecord]) -> Iterable[list[SampleRecord]]:
    """Consecutive samples of one (cell, item): the store yields them in plan order."""
    group: list[SampleRecord] = []
    for rec in records:
        if group and (rec.example.id != group[0].example.id or rec.cell != group[0].cell):
            yield group
            group = []
        group.append(rec)
    if group:
        yield group


def item_scores(records: Iterable[SampleRecord], extractors: Sequence[str],
                graders: Sequence[str], by_side: dict[str, str] | None = None,
                tallies: dict[tuple, Counter] | None = None) -> list[ItemScore]:
    """Score every complete item under every extractor × grader.

    `tallies`, when given, receives per (cell id, extractor, grader) a Counter of sample
    outcomes, and per (cell id, extractor, "extraction") a Counter of extraction statuses.
    """
    columns = [*extractors, *([BY_SIDE] if by_side else [])]
    out: list[ItemScore] = []
    for group in _groups(records):
        first = group[0]
        group.sort(key=lambda r: r.sample_index)
        complete = [r.sample_index for r in group] == list(range(first.samples))
        for col in columns:
            src = by_side[first.cell.side] if col == BY_SIDE and by_side else col
            answers = tuple(r.answers.get(src) for r in group)
            if tallies is not None and col == src:
                tallies.setdefault((first.cell.id, col, "extraction"), Counter()).update(
                    r.answer_status.get(src, "not-extracted") for r in group)
            conf = None
            if first.ranked and complete:
                conf = [answer_confidence(r.output, a, r.token_margins)
                        for r, a in zip(group, answers)]
            for g in graders:
                got = [r.grades.get((src, g)) for r in group]
                if any(x is None for x in got):
                    continue  # not graded (yet)
                outcomes = tuple(x.outcome for x in got)
                if tallies is not None:
                    tallies.setdefault((first.cell.id, col, g), Counter()).update(outcomes)
                if not complete or all(o == "n/a" for o in outcomes):
                    continue  # not all samples generated, or the grader does not judge this item
                votes = [x.canonical if x.canonical is not None else a
                         for x, a in zip(got, answers)]
                scores = item_metrics(ItemSamples(
                    tuple(o == "correct" for o in outcomes), outcomes, answers, tuple(votes),
                    first.ranked, None if conf is None else tuple(conf),
                    tuple(r.output for r in group)))
                out.append(ItemScore(first.cell, col, g, first.example, first.samples,
                                     first.ranked, scores, outcomes, answers))
    return out
