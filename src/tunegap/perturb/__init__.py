"""Perturbations: kinds that turn a problem into a verified variant (kinds.py, over the template
engine in templates/), and perturbed sets, the `perturb:` blocks of a run config made benchmarks
(benchmark.py: `benchmark_for`). Above data/: a perturbed set is built from its source benchmark.

The kinds are one registry (`PERTURBATION_KINDS`): a kind is a function `fn(ctx) -> dict`
(kinds.py says what `ctx` holds and what the dict carries). Adding one: the function, plus one
`register_perturbation_kind(name, "module:function")` call (here for a built-in); a config or
`tunegap perturb --kinds` may also name a plug-in as `module:function`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tunegap.registry import Registry

PerturbationKind = Callable[[Any], dict[str, Any]]  # (kinds.Ctx) -> question, target, ...

PERTURBATION_KINDS: Registry[PerturbationKind] = Registry("perturbation kind", field="kinds")


def register_perturbation_kind(name: str, fn: PerturbationKind | str) -> None:
    """Add (or replace) a perturbation kind: the function, or its "module:function" path."""
    PERTURBATION_KINDS.register(name, fn)


for _name in ("numeric", "numeric_control", "names", "extra_step", "surface_digits_words",
              "surface_thousands", "distractor", "format_markers", "format_separator",
              "format_instruction", "format_whitespace", "exemplar_order", "exemplar_set"):
    register_perturbation_kind(_name, f"tunegap.perturb.kinds:{_name}")
PERTURBATION_KINDS.freeze_builtins()
