"""CoT decoding with k branches: prompt tokens prefilled per item vs the prompt's length (bench 3).

    python bench/cot_prefill.py [--model smollm2|gemma] [--n 16] [--k 10] [--batch 16]
        [--max-tokens 8]

Counts, not timings: the engine's own accounting (`prompt_tokens_evaluated`, every prompt token
that went through the model) against the sum of the items' prompt lengths, for GSM8K zero-shot
and 4-shot CoT prompts decoded with cot_decoding(k) in the runner's chunks. A ratio of 1.0 means
each prompt was prefilled once for its k branches; below 1.0 a prefix shared by a chunk's
prompts (instructions, exemplars) was prefilled once for all of them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsm8k_requests import DATA_DIR, spec  # noqa: E402

from tunegap.backends.llamacpp import LlamaCppBackend  # noqa: E402
from tunegap.config import RunConfig  # noqa: E402
from tunegap.plan import build_plan  # noqa: E402


def requests(model: str, setting: dict, n: int, k: int, max_tokens: int):
    s = spec(model)
    other = "base" if s.kind == "instruct" else "instruct"
    cfg = RunConfig.model_validate({
        "name": "bench", "benchmarks": ["gsm8k"], "data_dir": str(DATA_DIR), "limit": n,
        "pairs": [{"label": "p", s.kind: s.model_dump(), other: {**s.model_dump(), "kind": other}}],
        "settings": [setting],
        "decoding": [{"strategy": "cot_decoding", "n": k, "max_tokens": max_tokens}]})
    return [it.request for it in build_plan(cfg) if it.cell.side == s.kind]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=8)
    a = ap.parse_args()
    backend = LlamaCppBackend(spec(a.model, batch_size=a.batch))
    try:
        settings = ({"name": "zeroshot_cot", "chat": False},
                    {"name": "fewshot_cot", "k": 4, "chat": False})
        every = [requests(a.model, s, a.n, a.k, a.max_tokens) for s in settings]
        # Last, both settings in one stream, as the runner sends a model's requests: each
        # setting's prompts form their own prefix run.
        for setting, reqs in [*zip(settings, every, strict=True),
                              ({"name": "both"}, every[0] + every[1])]:
            length = sum(len(backend.tokens(backend.render(r.prompt))) for r in reqs)
            before = backend.engine.prompt_tokens_evaluated
            branches = 0
            for _, gens in backend.stream(reqs):  # the runner's path
                branches += len(gens)
            prefilled = backend.engine.prompt_tokens_evaluated - before
            print(f"{a.model} {setting['name']:<13} k={a.k} items={len(reqs)} branches={branches}"
                  f" prompt tokens={length} prefilled={prefilled} "
                  f"per item {prefilled / len(reqs):.1f} vs prompt {length / len(reqs):.1f}: "
                  f"ratio {prefilled / length:.3f}", flush=True)
    finally:
        backend.close()


if __name__ == "__main__":
    main()
