"""Decoding strategies → sampling parameters. Both sides of a pair get the same budget.

- greedy: one sample at temperature 0.
- sample(n, temperature, top_p, seed): n samples; sample i is seeded with seed + i, so the same
  seed reproduces the same samples on the same backend, and (key, sample index) identifies each.
- cot_decoding(k) (Wang & Zhou 2024): the top-k tokens at the first generated position, each
  branch continued greedily; the backend prefills the prompt once for all k branches.
"""

from __future__ import annotations

from tunegap.config import DecodingSpec
from tunegap.errors import UserError
from tunegap.types import SamplingParams


def sampling_params(spec: DecodingSpec) -> SamplingParams:
    if spec.strategy == "greedy":
        return SamplingParams(max_tokens=spec.max_tokens, temperature=0.0, n=1)
    if spec.strategy == "sample":
        if spec.temperature <= 0:
            raise UserError("decoding 'sample' needs temperature > 0", field="decoding.temperature")
        return SamplingParams(max_tokens=spec.max_tokens, temperature=spec.temperature,
                              top_p=spec.top_p, n=spec.n, seed=spec.seed)
    if spec.strategy == "cot_decoding":
        if spec.n < 2:
            raise UserError("cot_decoding needs n (branches) >= 2", field="decoding.n")
        return SamplingParams(max_tokens=spec.max_tokens, temperature=0.0, cot_branches=spec.n)
    raise UserError(f"unknown decoding strategy '{spec.strategy}'")


def strategy_label(params: SamplingParams) -> str:
    """The strategy a request was decoded with, whatever column (group) it is compared under."""
    if params.cot_branches:
        return f"cot_decoding(k={params.cot_branches})"
    if params.temperature > 0:
        return f"sample(n={params.n},T={params.temperature:g})"
    return "greedy"
