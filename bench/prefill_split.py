"""Does the engine's own greedy output depend on how a prompt's prefill is split? (explains the
gemma differences of bench 1)

    python bench/prefill_split.py [--model gemma] [--n 10] [--max-tokens 256]

Three decodes of the first N GSM8K prompts (as bench 1 renders them), one at a time: tunegap's
llamacpp backend at batch 1 with `share_prefix: false` (each prompt prefilled whole);
llama-cpp-python's `create_completion` after `reset()` (a whole prefill); and
`create_completion` without reset, which reuses the KV of the prefix shared with the previous
prompt and prefills only the rest (what llama-cpp-python's server does between requests).
Printed: how many texts each pair has in common. No timing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsm8k_requests import gsm8k_requests, spec  # noqa: E402

from tunegap.backends.llamacpp import LlamaCppBackend  # noqa: E402


def main() -> None:
    import llama_cpp

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="gemma")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--max-tokens", type=int, default=256)
    a = ap.parse_args()
    reqs = gsm8k_requests(a.model, n=a.n, max_tokens=a.max_tokens)
    b = LlamaCppBackend(spec(a.model, batch_size=1, options={"share_prefix": False}))
    got = dict(b.stream(reqs))
    ours = [got[i][0].text for i in range(len(reqs))]
    path = b.path
    b.close()
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=2048, n_threads=2, verbose=False)

    def completions(reset: bool) -> list[str]:
        out = []
        for r in reqs:
            if reset:
                llm.reset()
            out.append(llm.create_completion(
                r.prompt.text, max_tokens=a.max_tokens, temperature=0.0, top_k=1,
                repeat_penalty=1.0, stop=list(r.prompt.stop))["choices"][0]["text"])
        return out

    fresh, reuse = completions(True), completions(False)
    llm.close()

    def same(x: list[str], y: list[str]) -> str:
        return f"{sum(p == q for p, q in zip(x, y, strict=True))}/{len(x)}"
    print(f"{a.model}: tunegap batch 1 whole prefill = llama-cpp-python whole prefill on "
          f"{same(ours, fresh)}")
    print(f"  llama-cpp-python prefix reuse = its own whole prefill on {same(reuse, fresh)}")
    print(f"  tunegap batch 1 whole prefill = llama-cpp-python prefix reuse on {same(ours, reuse)}")


if __name__ == "__main__":
    main()
