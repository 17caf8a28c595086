"""vllm: request translation as pure functions (no vLLM needed). The real engine's tests are
tests/test_backend_vllm_engine.py and tests/test_backend_openai_vllm.py (marker `vllm`)."""

from __future__ import annotations

import math

import pytest

from tunegap.backends.vllm import (
    cot_branch_kwargs,
    cot_first_pass_kwargs,
    cot_generation,
    engine_kwargs,
    ranked,
    request_plan,
    sampling_kwargs,
)
from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.types import Prompt, Request, SamplingParams


def spec(**options) -> ModelSpec:
    return ModelSpec.model_validate({"name": "q", "kind": "base", "backend": {
        "type": "vllm", "model": "Qwen/Qwen2.5-0.5B", "n_ctx": 8192, "options": options}})


def test_engine_kwargs_parallelism_and_prefix_caching():
    kw = engine_kwargs(spec())
    assert kw == {"model": "Qwen/Qwen2.5-0.5B", "max_model_len": 8192,
                  "enable_prefix_caching": True, "tensor_parallel_size": 1,
                  "pipeline_parallel_size": 1}
    kw = engine_kwargs(spec(tensor_parallel_size=8, pipeline_parallel_size=2,
                            distributed_executor_backend="ray", enable_prefix_caching=False))
    assert (kw["tensor_parallel_size"], kw["pipeline_parallel_size"]) == (8, 2)
    assert kw["distributed_executor_backend"] == "ray" and kw["enable_prefix_caching"] is False
    with pytest.raises(UserError, match="unknown vllm backend option"):
        engine_kwargs(spec(tensor_parallel=2))
    with pytest.raises(UserError, match="tensor_parallel_size"):
        engine_kwargs(spec(tensor_parallel_size=0))


def test_sampling_kwargs_seed_per_sample_and_logprobs():
    p = SamplingParams(max_tokens=64, temperature=0.7, top_p=0.9, n=3, seed=100,
                       first_token_topk=5)
    kws = [sampling_kwargs(p, ("\n\n",), i) for i in range(3)]
    assert [k["seed"] for k in kws] == [100, 101, 102]
    assert kws[0] == {"n": 1, "max_tokens": 64, "temperature": 0.7, "top_p": 0.9, "top_k": -1,
                      "seed": 100, "stop": ["\n\n"], "logprobs": 5}
    greedy = sampling_kwargs(SamplingParams(top_k=40), (), 0)
    assert "seed" not in greedy and "stop" not in greedy and greedy["top_k"] == 40
    reqs = [Request("m", Prompt(text="a"), p), Request("m", Prompt(text="b"),
                                                     SamplingParams(cot_branches=4))]
    assert request_plan(reqs) == [(0, 0), (0, 1), (0, 2)]  # CoT requests go their own way


def test_cot_translation_and_generation_assembly():
    p = SamplingParams(max_tokens=10, cot_branches=3)
    assert cot_first_pass_kwargs(p) == {"n": 1, "max_tokens": 1, "temperature": 0.0,
                                        "logprobs": 3}
    assert cot_branch_kwargs(p, ("Q:",)) == {"n": 1, "max_tokens": 9, "temperature": 0.0,
                                             "logprobs": 2, "stop": ["Q:"]}
    first = {7: (math.log(0.5), " 4"), 9: (math.log(0.3), " The"), 2: (math.log(0.1), "\n")}
    assert [c.token_id for c in ranked(first, 3)] == [7, 9, 2]
    steps = [{11: (math.log(0.6), " answer"), 12: (math.log(0.2), " sum")},
             {13: (math.log(0.9), " is"), 14: (math.log(0.05), " was")}]
    g = cot_generation(first, 1, 3, steps, [11, 13], " answer is", "stop", 5, "prompt")
    assert g.text == " The answer is" and g.completion_tokens == 3
    assert [c.token_id for c in g.first_token_topk] == [9, 7, 2]  # forced token first
    offs = [m[0] for m in g.token_margins]
    assert offs == [0, 4, 11] and [g.text[o:] for o in offs][1] == " answer is"
    assert g.token_margins[1][1:] == pytest.approx((0.6, 0.2))


def test_dtype_is_in_the_request_key_even_when_left_out():
    # bf16 outputs move with the batch and fp32 ones do not (bench/vllm_batch_invariance.py):
    # the key always says which dtype made them; "auto" is the checkpoint's own.
    assert spec().fingerprint() == spec(dtype="auto").fingerprint()
    assert spec().fingerprint() != spec(dtype="float32").fingerprint()
    assert spec(dtype="float32").fingerprint() != spec(dtype="bfloat16").fingerprint()
    assert spec().backend.batch_size == 256  # vLLM schedules its own batches: large chunks
    # ... and bf16 outputs move with the batch: the batch size is in the key, as for llamacpp
    assert spec().batching()["batch_size"] == 256
    bigger = spec().model_copy(update={"backend": spec().backend.model_copy(
        update={"batch_size": 64})})
    assert bigger.fingerprint() != spec().fingerprint()
