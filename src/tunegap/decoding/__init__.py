"""Decoding strategies → sampling parameters. Both sides of a pair get the same budget."""

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
    raise UserError(f"decoding strategy '{spec.strategy}' is not available yet")
