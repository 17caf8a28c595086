"""Per-item metrics: the registry, the `Metric` name type, and the built-in metrics.

A per-item metric is a function of one item's samples (`ItemSamples`: whether each sample is
right, the outcomes, answers and votes, the CoT-decoding confidences) → a value in 0..1, a
mapping of several (`pass@k` for every k), or None when it does not apply to the item (pass@k of
one greedy sample). Its values appear in items.jsonl (`scores`), in the per-side cells (in %,
`metrics`) and as paired comparisons. Adding one is one call:

    METRICS.register("my_metric", "my_package.module:function")

A metric says whether it is 0/1 per item (then its paired comparison is McNemar / Newcombe) by a
`binary` attribute: a bool, or a function (samples, ranked) → bool; absent means not 0/1.

`Metric` is a metric's name: a kind and, for a family over k, the k. Its string form
(`accuracy`, `pass@5`) is what results.json, items.jsonl and the tables print; code reads
`.kind` and `.k` instead of parsing the string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tunegap.analysis.passk import (
    any_of_first,
    ks_for,
    majority,
    pass_at_k,
    select_by_confidence,
)
from tunegap.registry import Registry


class Metric(str):
    """A metric name: `kind`, and `k` for a family over k. It is its own string form, so it
    serialises (results.json keys) and compares (`== "accuracy"`) as that string."""

    kind: str
    k: int | None

    def __new__(cls, kind: str, k: int | None = None) -> Metric:
        self = super().__new__(cls, kind if k is None else f"{kind}@{k}")
        self.kind, self.k = kind, k
        return self

    def __getnewargs__(self) -> tuple:  # copy / pickle rebuild it from kind and k
        return (self.kind, self.k)

    @classmethod
    def of(cls, name: str | Metric) -> Metric:
        """The Metric a stored name stands for (a name read back from results.json)."""
        if isinstance(name, Metric):
            return name
        kind, at, k = name.rpartition("@")
        return cls(kind, int(k)) if at and k.isdigit() else cls(name)


ACCURACY = Metric("accuracy")
SELECTED = Metric("selected")


@dataclass(frozen=True)
class ItemSamples:
    """One item's samples under one extractor × grader, what a metric reads."""

    correct: tuple[bool, ...]  # per sample: graded correct
    outcomes: tuple[str, ...]  # per sample: correct | wrong | missing | timeout | error | ...
    answers: tuple[str | None, ...]  # per sample: the extracted answer
    votes: tuple[str | None, ...]  # per sample: the grader's canonical answer (maj@k votes)
    ranked: bool  # CoT-decoding branches in rank order, not i.i.d. samples
    confidences: tuple[float, ...] | None = None  # CoT decoding: answer confidence per branch
    outputs: tuple[str, ...] = ()  # per sample: the model's text

    @property
    def n(self) -> int:
        return len(self.correct)


ItemMetric = Callable[[ItemSamples], "float | Mapping[str, float] | None"]


def _check(name: str, fn: Any) -> None:
    from tunegap.errors import UserError

    if not callable(fn):
        raise UserError(f"metric '{name}' is not a function of an item's samples", field="metrics")


METRICS: Registry[ItemMetric] = Registry("metric", field="metrics", check=_check)


def is_binary(fn: Any, samples: int, ranked: bool) -> bool:
    """Whether a metric's per-item values are 0/1 for items of `samples` samples."""
    flag = getattr(fn, "binary", False)
    return bool(flag(samples, ranked) if callable(flag) else flag)


def metric_binary(metric: str, samples: int, ranked: bool) -> bool:
    """`is_binary` by a metric's name (its registry entry: the family for `pass@5`)."""
    m = Metric.of(metric)
    name = m.kind if m.k is not None and m.kind in METRICS else str(m)
    return name in METRICS and is_binary(METRICS.get(name), samples, ranked)


def item_metrics(item: ItemSamples, metrics: Sequence[str] | None = None) -> dict[Metric, float]:
    """Every registered metric (or those named) of one item, in registration order."""
    out: dict[Metric, float] = {}
    for name in metrics if metrics is not None else METRICS:
        got = METRICS.get(name)(item)
        if got is None:
            continue
        if isinstance(got, Mapping):
            out.update((Metric.of(k), float(v)) for k, v in got.items())
        else:
            out[Metric.of(name)] = float(got)
    return out


# --- the built-in metrics ---------------------------------------------------------------------

def _single_or_ranked(samples: int, ranked: bool) -> bool:
    return samples == 1 or ranked  # ranked branches: the top branch and any-of-first-k are 0/1


def accuracy(item: ItemSamples) -> float:
    """One sample: right or not; ranked branches: the top branch; n samples: pass@1 (mean)."""
    if item.n == 1 or item.ranked:
        return float(item.correct[0])
    return sum(item.correct) / item.n


def pass_k(item: ItemSamples) -> dict[Metric, float] | None:
    """pass@k for every k ≤ n: the unbiased estimator, or any of the first k ranked branches."""
    if item.n == 1:
        return None
    c = sum(item.correct)
    return {Metric("pass", k): any_of_first(item.correct, k) if item.ranked
            else pass_at_k(item.n, c, k) for k in range(1, item.n + 1)}


def maj_k(item: ItemSamples) -> dict[Metric, float] | None:
    """maj@k at the reported ks: the most frequent vote among the first k is right."""
    if item.n == 1:
        return None
    out = {}
    for k in ks_for(item.n):
        vote = majority(item.votes, k)
        out[Metric("maj", k)] = float(vote is not None and item.correct[item.votes.index(vote)])
    return out


def selected(item: ItemSamples) -> float | None:
    """CoT decoding: the branch chosen by answer confidence (Wang & Zhou 2024) is right."""
    if item.n == 1 or not item.ranked or item.confidences is None:
        return None
    return float(item.correct[select_by_confidence(list(item.confidences))])


accuracy.binary = _single_or_ranked  # type: ignore[attr-defined]
pass_k.binary = _single_or_ranked  # type: ignore[attr-defined]
maj_k.binary = True  # type: ignore[attr-defined]
selected.binary = True  # type: ignore[attr-defined]

METRICS.register("accuracy", "tunegap.analysis.metrics:accuracy")
METRICS.register("pass", "tunegap.analysis.metrics:pass_k")
METRICS.register("maj", "tunegap.analysis.metrics:maj_k")
METRICS.register("selected", "tunegap.analysis.metrics:selected")
METRICS.freeze_builtins()
