"""Tokens/s of the llamacpp backend against its batch size (the number of sequence slots), on
the requests of bench 1: where the default batch size comes from.

    python bench/batch_size.py [--model smollm2|gemma] [--n 50] [--max-tokens 256]
        [--batches 1,8,16,32,50] [--repeats 3]

Each arm is `LlamaCppBackend.stream` (what `tunegap run` calls) over the first N GSM8K test
items, zero-shot CoT as plain text, greedy; a backend per batch size stays loaded across
repetitions, and the arms alternate within each repetition. Printed: wall seconds and generated
tokens/s, median with min–max, and each batch size's tokens/s relative to batch 1 (or to the
first listed); `uptime` beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsm8k_requests import gsm8k_requests, spec  # noqa: E402

from tunegap.backends.llamacpp import LlamaCppBackend  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--batches", default="1,8,16,32,50")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    sizes = [int(x) for x in a.batches.split(",")]
    reqs = gsm8k_requests(a.model, n=a.n, max_tokens=a.max_tokens)
    backends = {b: LlamaCppBackend(spec(a.model, batch_size=b)) for b in sizes}
    secs: dict[int, list[float]] = {b: [] for b in sizes}
    rate: dict[int, list[float]] = {b: [] for b in sizes}
    texts: dict[int, list[str]] = {}
    print(f"{a.model}: {a.n} items, {a.max_tokens} tokens; uptime {os.getloadavg()}", flush=True)
    for _ in range(a.repeats):
        for b in sizes:  # alternating: a load change hits every arm alike
            t0 = time.perf_counter()
            out = dict(backends[b].stream(reqs))
            dt = time.perf_counter() - t0
            gens = [out[i][0] for i in range(len(reqs))]
            secs[b].append(dt)
            rate[b].append(sum(g.completion_tokens for g in gens) / dt)
            texts[b] = [g.text for g in gens]
    ref = statistics.median(rate[sizes[0]])
    for b in sizes:
        same = sum(x == y for x, y in zip(texts[b], texts[sizes[0]], strict=True))
        print(f"  batch {b:>3}: {statistics.median(secs[b]):6.1f} s "
              f"({min(secs[b]):.1f}–{max(secs[b]):.1f}), "
              f"{statistics.median(rate[b]):6.1f} tok/s ({min(rate[b]):.1f}–{max(rate[b]):.1f})"
              f"  {statistics.median(rate[b]) / ref:.2f}× batch {sizes[0]}; "
              f"text = batch {sizes[0]}'s on {same}/{len(reqs)}", flush=True)
    print(f"  uptime {os.getloadavg()}", flush=True)
    for b in backends.values():
        b.close()


if __name__ == "__main__":
    main()
