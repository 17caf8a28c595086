"""Benchmark registry: one module per benchmark, each exporting BENCHMARK."""

from __future__ import annotations

from tunegap.data import gsm8k, synthetic
from tunegap.data.base import Benchmark
from tunegap.errors import UserError

BENCHMARKS: dict[str, Benchmark] = {b.name: b for b in (synthetic.BENCHMARK, gsm8k.BENCHMARK)}


def get_benchmark(name: str) -> Benchmark:
    if name not in BENCHMARKS:
        raise UserError(f"unknown benchmark '{name}' (known: {', '.join(sorted(BENCHMARKS))})")
    return BENCHMARKS[name]
