"""Benchmark registry: one module per benchmark, each defining a `Benchmark` (data/base.py;
gsm8k.py shows the shape), registered here by import path, so naming the benchmarks imports
none of their modules.

Adding a benchmark: the module, plus one `register_benchmark` call (here for a built-in, by
import path; anywhere before the config is loaded for a plug-in or a test, with the object). A
config may also name one as a plug-in, `module:attr`, with no registration at all.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tunegap.data.base import Benchmark
from tunegap.errors import UserError
from tunegap.registry import Registry


def _check_benchmark(name: str, obj: Any) -> Benchmark | None:
    if not isinstance(obj, Benchmark):
        raise UserError(f"benchmark '{name}' must be a tunegap.data.base.Benchmark",
                        field="benchmarks")
    # A plug-in is known by the name the config gives it: its cells carry that name.
    return replace(obj, name=name) if obj.name != name else None


BENCHMARKS: Registry[Benchmark] = Registry("benchmark", field="benchmarks", check=_check_benchmark)


def register_benchmark(bench: Benchmark | str, target: str | None = None) -> None:
    """Add (or replace, by name) a benchmark: `register_benchmark(BENCHMARK)`, or a name and
    the `module:attr` its Benchmark is loaded from on first use."""
    if isinstance(bench, Benchmark):
        BENCHMARKS.register(bench.name, bench)
    elif target is not None:
        BENCHMARKS.register(bench, target)
    else:
        raise TypeError("register_benchmark(Benchmark) or register_benchmark(name, 'module:attr')")


for _name, _ref in (
    ("synthetic", "synthetic:BENCHMARK"), ("gsm8k", "gsm8k:BENCHMARK"),
    ("math500", "math500:BENCHMARK"), ("math_perturb_hard", "math_perturb:HARD"),
    ("math_perturb_simple", "math_perturb:SIMPLE"), ("math_perturb_original", "math_perturb:ORIGINAL"),
    ("medcalc", "medcalc:BENCHMARK"), ("gsm_plus", "gsm_plus:BENCHMARK"),
    ("gsm_hard", "gsm_hard:BENCHMARK"), ("gsm_symbolic", "gsm_symbolic:BENCHMARK"),
):
    register_benchmark(_name, f"tunegap.data.{_ref}")
BENCHMARKS.freeze_builtins()


def get_benchmark(name: str) -> Benchmark:
    """A registered benchmark, or a `module:attr` plug-in; a UserError naming the known ones."""
    return BENCHMARKS.get(name)
