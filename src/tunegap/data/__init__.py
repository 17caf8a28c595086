"""Benchmark registry: one module per benchmark, each exporting BENCHMARK (or BENCHMARKS when
one release holds several sets, as MATH-Perturb's Hard, Simple and originals).

Adding a benchmark: one module defining a `Benchmark` (data/base.py; gsm8k.py shows the shape),
plus one line in _MODULES here — or, for a plug-in or a test, one `register_benchmark` call.
"""

from __future__ import annotations

from tunegap.data import gsm8k, gsm_hard, gsm_plus, gsm_symbolic, math500, math_perturb, medcalc, synthetic
from tunegap.data.base import Benchmark
from tunegap.errors import UserError

_MODULES = (synthetic, gsm8k, math500, math_perturb, medcalc, gsm_plus, gsm_hard, gsm_symbolic)
BENCHMARKS: dict[str, Benchmark] = {
    b.name: b for mod in _MODULES for b in (getattr(mod, "BENCHMARKS", None) or (mod.BENCHMARK,))
}


def register_benchmark(bench: Benchmark) -> Benchmark:
    """Add (or replace, by name) a benchmark."""
    BENCHMARKS[bench.name] = bench
    return bench


def get_benchmark(name: str) -> Benchmark:
    if name not in BENCHMARKS:
        raise UserError(f"unknown benchmark '{name}' (known: {', '.join(sorted(BENCHMARKS))})")
    return BENCHMARKS[name]
