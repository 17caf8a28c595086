"""tunegap vs lm-evaluation-harness on the same GSM8K items, whole processes (bench 1).

    python bench/vs_lm_eval.py [--models smollm2,gemma] [--n 50] [--max-tokens 256]
        [--batch 16] [--repeats 3]
        [--setups tunegap-16,tunegap-32,lmeval-server-1,lmeval-server-2,lmeval-hf-8]

Every arm decodes the exact prompt text tunegap renders (zero-shot CoT as plain text), greedy,
with the same max tokens and stop strings:

- tunegap[-B][-whole]: a fresh process that loads the llamacpp backend and streams the requests
  through B (default --batch) sequence slots (`Backend.stream`, what `tunegap run` calls);
  `-whole` sets `share_prefix: false` (each prompt prefilled whole, as llama.cpp alone does);
  the first setup listed is the reference the others are compared with;
- lmeval-server-N: llama-cpp-python's OpenAI-compatible server started for the arm, and
  `lm_eval --model local-completions` against it with num_concurrent N (lm-eval's fastest CPU
  setup for GGUF weights); the server's start-up is timed with the arm;
- lmeval-hf[-B]: `lm_eval --model hf` with `gguf_file` (transformers dequantises to fp32),
  batch B (default 8).

lm-eval reads a local task (a YAML task directory given with --include_path) whose documents
are the rendered prompts. Arms alternate within each repetition; the figures are wall seconds,
median with min–max, each arm's ratio to tunegap, and the agreement with tunegap's outputs item
by item: identical text, and identical answer under tunegap's flexible extractor.
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
from gsm8k_requests import MODELS, gsm8k_requests  # noqa: E402

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


def write_task(work: Path, model: str, n: int, max_tokens: int) -> tuple[str, list[str]]:
    reqs = gsm8k_requests(model, n=n, max_tokens=max_tokens)
    stops = list(reqs[0].prompt.stop)
    assert all(list(r.prompt.stop) == stops for r in reqs)
    data = work / f"{model}.jsonl"
    data.write_text("".join(json.dumps({"prompt": r.prompt.text, "target": ""}) + "\n"
                            for r in reqs))
    name = f"tunegap_gsm8k_{model}"
    (work / "tasks").mkdir(exist_ok=True)
    (work / "tasks" / f"{name}.yaml").write_text(TASK.format(
        name=name, data=data, until=json.dumps(stops), max_tokens=max_tokens))
    return name, [r.prompt.text for r in reqs]


TUNEGAP_ARM = """
import json, sys
sys.path.insert(0, {bench!r})
from gsm8k_requests import gsm8k_requests, spec
from tunegap.backends.llamacpp import LlamaCppBackend
reqs = gsm8k_requests({model!r}, n={n}, max_tokens={max_tokens})
b = LlamaCppBackend(spec({model!r}, batch_size={batch}, options={options!r}))
out = [None] * len(reqs)
for i, gens in b.stream(reqs):  # the runner's path: batch_size slots, refilled
    out[i] = gens[0].text
b.close()
json.dump(out, open({dest!r}, "w"))
"""


def run_tunegap(model: str, setup: str, a, work: Path) -> tuple[float, list[str]]:
    dest = work / f"tg-{model}.json"
    parts = setup.split("-")  # tunegap[-B][-whole]
    batch = int(parts[1]) if len(parts) > 1 else a.batch
    options = {"share_prefix": False} if parts[-1] == "whole" else {}
    code = TUNEGAP_ARM.format(bench=str(REPO / "bench"), model=model, n=a.n,
                              max_tokens=a.max_tokens, batch=batch, options=options,
                              dest=str(dest))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, json.loads(dest.read_text())


def _lm_eval_outputs(out_dir: Path) -> list[str]:
    path = next(out_dir.rglob("samples_*.jsonl"))
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows.sort(key=lambda r: r["doc_id"])
    return [r["resps"][0][0] for r in rows]


def run_lm_eval(model: str, setup: str, task: str, a, work: Path) -> tuple[float, list[str]]:
    from tests.llama_server import llama_server
    from tunegap.models import resolve_model_path

    path = resolve_model_path(MODELS[model][0])
    out_dir = Path(tempfile.mkdtemp(dir=work))
    base = [sys.executable, "-m", "lm_eval", "--tasks", task, "--include_path",
            str(work / "tasks"), "--output_path", str(out_dir), "--log_samples"]
    t0 = time.perf_counter()
    if setup.startswith("lmeval-server"):
        conc = int(setup.rsplit("-", 1)[1])
        with llama_server(path, n_ctx=2048, logits_all=False) as port:
            subprocess.run([*base, "--gen_kwargs", "repeat_penalty=1.0", "--model",
                            "local-completions", "--model_args",
                            f"model=smollm2,base_url=http://127.0.0.1:{port}/v1/completions,"
                            f"num_concurrent={conc},max_retries=1,tokenized_requests=False,"
                            "tokenizer_backend=None"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        batch = setup.rsplit("-", 1)[1] if setup.count("-") == 2 else "8"
        subprocess.run([*base, "--model", "hf", "--batch_size", batch, "--model_args",
                        f"pretrained={path.parent},gguf_file={path.name},dtype=float32"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _lm_eval_outputs(out_dir)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="smollm2,gemma")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--setups", default="tunegap,lmeval-server-1,lmeval-server-2,lmeval-hf")
    a = ap.parse_args()
    from tunegap.extract import EXTRACTORS

    flexible = EXTRACTORS["flexible"]
    setups = a.setups.split(",")
    work = Path(tempfile.mkdtemp(prefix="tunegap-vs-lmeval-"))
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for model in a.models.split(","):
        task, _prompts = write_task(work, model, a.n, a.max_tokens)
        times: dict[str, list[float]] = {s: [] for s in setups}
        outs: dict[str, list[str]] = {}
        print(f"{model}: uptime {os.getloadavg()}", flush=True)
        for _ in range(a.repeats):
            for s in setups:  # alternating: a load change hits every arm alike
                dt, outs[s] = (run_tunegap(model, s, a, work) if s.startswith("tunegap")
                               else run_lm_eval(model, s, task, a, work))
                times[s].append(dt)
        first = setups[0]  # the reference arm: a tunegap one
        ref = statistics.median(times[first])
        for s in setups:
            med = statistics.median(times[s])
            line = f"  {s:<16} {med:7.1f} s ({min(times[s]):.1f}–{max(times[s]):.1f})"
            if s != first:
                tg = outs[first]
                same = sum(x == y for x, y in zip(outs[s], tg, strict=True))
                ans = sum(flexible(x, None, None) == flexible(y, None, None)
                          for x, y in zip(outs[s], tg, strict=True))
                line += (f"  {med / ref:.2f}× {first}'s time; text {same}/{len(tg)}, "
                         f"answers {ans}/{len(tg)} agree")
            print(line, flush=True)
        print(f"  uptime {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
