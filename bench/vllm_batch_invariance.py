"""Do vLLM's greedy outputs move with the batch? (what the request key must hold for vLLM)

    .venv-vllm/bin/python bench/vllm_batch_invariance.py [--n 8] [--max-tokens 48]

The first N GSM8K prompts as tunegap renders them for SmolLM2 (fp32 safetensors converted from
its GGUF), greedy, through `VLLMBackend`, for each dtype (float32, bfloat16): one request at a
time with max_num_seqs 1, then all N in one batch with the default max_num_seqs, then all N
again with tunegap batch_size 3 (chunks of 3 requests). Prints, per dtype, how many of the N
outputs are identical between the settings, and the first differing token position of each
that is not. One engine per process (in-process executor, eager), as the tests run it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))
from tests.vllm_models import CPU_ENV, converted  # noqa: E402

ARM = """
import json, sys
sys.path.insert(0, {bench!r}); sys.path.insert(0, {repo!r})
from gsm8k_requests import gsm8k_requests
from tunegap.backends.vllm import VLLMBackend
from tunegap.config import ModelSpec
reqs = gsm8k_requests("smollm2", n={n}, max_tokens={max_tokens})
opts = {{"dtype": {dtype!r}, "enforce_eager": True, "distributed_executor_backend": "uni"}}
if {one!r}:
    opts["max_num_seqs"] = 1
b = VLLMBackend(ModelSpec.model_validate({{"name": "s", "kind": "instruct", "backend": {{
    "type": "vllm", "model": {model!r}, "n_ctx": 2048, "batch_size": {batch}, "options": opts}}}}))
out = [None] * len(reqs)
for i, gens in b.stream(reqs):
    out[i] = gens[0].text
b.close()
print(json.dumps(out))
"""


def run(model: Path, dtype: str, batch: int, one: bool, a) -> list[str]:
    code = ARM.format(bench=str(REPO / "bench"), repo=str(REPO), n=a.n, max_tokens=a.max_tokens,
                      dtype=dtype, one=one, model=str(model), batch=batch)
    res = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env={**os.environ, **CPU_ENV})
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--max-tokens", type=int, default=48)
    ap.add_argument("--dtypes", default="float32,bfloat16")
    a = ap.parse_args()
    model = converted("smol")
    for dtype in a.dtypes.split(","):
        alone = run(model, dtype, 1, True, a)
        together = run(model, dtype, a.n, False, a)
        chunks = run(model, dtype, 3, False, a)
        for name, other in (("batch N", together), ("chunks of 3", chunks)):
            diff = [i for i, (x, y) in enumerate(zip(alone, other)) if x != y]
            where = [next((j for j, (p, q) in enumerate(zip(alone[i], other[i])) if p != q),
                          min(len(alone[i]), len(other[i]))) for i in diff]
            print(f"{dtype:9s} one at a time vs {name:11s}: {a.n - len(diff)}/{a.n} identical"
                  + (f"; differ at items {diff}, first differing character {where}" if diff else ""),
                  flush=True)


if __name__ == "__main__":
    main()
