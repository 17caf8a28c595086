"""Per-side cell summaries: what one model scored on one benchmark × setting × decoding under
one extractor × grader, with the outcome of every sample counted (nothing disappears silently:
a timeout, an extraction error or an unfinished item shows here)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from tunegap.analysis.compare import clean
from tunegap.analysis.items import ItemScore
from tunegap.analysis.metrics import ACCURACY, Metric, metric_binary
from tunegap.analysis.stats import wilson
from tunegap.records import CellKey


@dataclass(frozen=True)
class CellScore:
    cell: CellKey  # pair, side, model, benchmark, setting, decoding (flat in results.json)
    extractor: str
    grader: str
    n: int  # items with every sample generated and graded (and the grader applies)
    planned: int  # items the plan holds for this cell
    samples: int  # samples per item
    missing: int  # items whose first sample has no extractable answer
    accuracy: float  # percent
    ci_low: float  # Wilson 95 % for a 0/1 accuracy, else NaN (see the paired comparisons)
    ci_high: float
    metrics: dict[Metric, float] = field(default_factory=dict)  # pass@k, maj@k, selected (%)
    outcomes: dict[str, int] = field(default_factory=dict)  # per sample: correct, wrong, ...
    extraction: dict[str, int] = field(default_factory=dict)  # per sample: ok, missing, ...

    def __getattr__(self, name: str):  # c.pair, c.side, ...: the cell's own fields
        if name in CELL_FIELDS:
            return getattr(self.cell, name)
        raise AttributeError(name)

    @property
    def complete(self) -> bool:
        return self.n == self.planned

    def to_dict(self) -> dict:
        d = {k: clean(v) if isinstance(v, float) else v for k, v in asdict(self).items()}
        d = {**d.pop("cell"), **d}
        d["complete"] = self.complete
        return d


CELL_FIELDS = tuple(CellKey.__dataclass_fields__)


def cell_scores(items: Sequence[ItemScore], planned: Mapping[str, int],
                tallies: Mapping[tuple, Counter]) -> list[CellScore]:
    per_cell: dict[tuple, list[ItemScore]] = defaultdict(list)
    for it in items:
        per_cell[(it.cell, it.extractor, it.grader)].append(it)
    out = []
    for (cell, ext, grader), group in per_cell.items():
        n = len(group)
        names = list(group[0].scores)
        means = {m: 100.0 * sum(it.scores.get(m, 0.0) for it in group) / n for m in names}
        acc = means.pop(ACCURACY)
        binary = all(metric_binary(ACCURACY, n_s, r) for n_s, r in
                     {(it.samples, it.ranked) for it in group})
        lo, hi = wilson(acc * n / 100.0, n) if binary else (float("nan"), float("nan"))
        src = ext if (cell.id, ext, "extraction") in tallies else None
        out.append(CellScore(
            cell, ext, grader, n=n, planned=planned.get(cell.id, n), samples=group[0].samples,
            missing=sum(it.outcomes[0] == "missing" for it in group), accuracy=acc,
            ci_low=100.0 * lo, ci_high=100.0 * hi, metrics=means,
            outcomes=dict(sorted(tallies.get((cell.id, ext, grader), Counter()).items())),
            extraction=dict(sorted(tallies.get((cell.id, src, "extraction"), Counter()).items()))
            if src else {}))
    return out
