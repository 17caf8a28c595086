"""Paired statistics: the registry of functions of one comparison's paired per-item values.

A paired statistic is called as `fn(instruct, base, clusters, *, binary)` — the two sides'
per-item values of one metric (numpy arrays, 0..1, item i of one side paired with item i of the
other), each item's cluster name, and whether the metric is 0/1 — and returns named numbers.
Adding one is one call:

    STATISTICS.register("my_stat", "my_package.module:function")

The built-in `paired` (analysis/compare.compare_items: means, Δ, its interval, the test, the
2×2 table, MDE) fills a comparison's own fields; every other statistic's numbers appear in
results.json under the comparison's `statistics.<name>` and in the report's statistics table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from tunegap.registry import Registry

PairedStatistic = Callable[..., Mapping[str, float]]
BUILTIN = "paired"


def _check(name: str, fn: Any) -> None:
    from tunegap.errors import UserError

    if not callable(fn):
        raise UserError(f"statistic '{name}' is not a function of paired values",
                        field="statistics")


STATISTICS: Registry[PairedStatistic] = Registry("statistic", field="statistics", check=_check)
STATISTICS.register(BUILTIN, "tunegap.analysis.compare:compare_items")
STATISTICS.freeze_builtins()


def _clean(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def plugin_statistics(instruct: Sequence[float], base: Sequence[float], clusters: Sequence[str],
                      *, binary: bool) -> dict[str, dict[str, float | None]]:
    """Every registered statistic but the built-in one, on one comparison's values."""
    names = [n for n in STATISTICS if n != BUILTIN]
    if not names:
        return {}
    i, b = np.asarray(instruct, dtype=float), np.asarray(base, dtype=float)
    return {n: {k: _clean(v) for k, v in STATISTICS.get(n)(i, b, list(clusters),
                                                           binary=binary).items()}
            for n in names}
