"""CoT decoding over HTTP (backends/openai_cot.py): the bodies sent and the answers read, on
answers shaped as vLLM 0.32's /v1/completions writes them (the real server is tested in
tests/test_backend_openai_vllm.py)."""

from __future__ import annotations

import math

import pytest

from tunegap.backends import openai_cot as oc
from tunegap.types import SamplingParams


def test_first_pass_reads_prompt_ids_and_ranked_candidates_by_id():
    body = oc.first_pass_body("smol", "Q: 2+2?", 3, {"top_k": -1})
    assert body["return_token_ids"] and body["return_tokens_as_token_ids"]
    assert (body["max_tokens"], body["logprobs"], body["top_k"]) == (1, 3, -1)
    data = {"choices": [{"text": " 4", "prompt_token_ids": [5, 6, 7], "logprobs": {
        "tokens": ["token_id:9"], "top_logprobs": [
            {"token_id:9": -0.1, "token_id:2": -3.0, "token_id:11": -2.0}]}}]}
    ids, ranked = oc.parse_first_pass(data)
    assert ids == [5, 6, 7] and [t for t, _ in ranked] == [9, 11, 2]
    # a server that answers with texts, or without the prompt's ids, is not taken
    with pytest.raises(oc.NoTokenIds):
        oc.parse_first_pass({"choices": [{"text": " 4", "logprobs": {
            "top_logprobs": [{" 4": -0.1}]}, "prompt_token_ids": [1]}]})
    with pytest.raises(oc.NoTokenIds):
        oc.parse_first_pass({"choices": [{"text": " 4", "logprobs": {
            "top_logprobs": [{"token_id:9": -0.1}]}}]})


def test_candidate_and_branch_bodies_send_token_ids():
    c = oc.candidate_body("smol", [5, 6], 11, {})
    assert c["prompt"] == [5, 6] and c["allowed_token_ids"] == [11] and not c["skip_special_tokens"]
    assert oc.parse_candidate({"choices": [{"text": "<|im_end|>", "finish_reason": "stop",
                                            "stop_reason": None}]}) == ("<|im_end|>", True)
    assert oc.parse_candidate({"choices": [{"text": " The", "finish_reason": "length",
                                            "stop_reason": None}]}) == (" The", False)
    b = oc.branch_body("smol", [5, 6], 11, SamplingParams(max_tokens=10), ("Q:",), {})
    assert b["prompt"] == [5, 6, 11] and b["max_tokens"] == 9 and b["stop"] == ["Q:"]
    assert b["temperature"] == 0.0 and b["logprobs"] == 2


def test_branch_generation_matches_the_offline_assembly():
    first = {9: (math.log(0.5), " 4"), 11: (math.log(0.3), " The")}
    reply = {"choices": [{"text": " answer", "token_ids": [21, 2], "finish_reason": "stop",
                          "stop_reason": None, "logprobs": {
                              "tokens": [" answer", "<|im_end|>"],
                              "token_logprobs": [math.log(0.6), math.log(0.9)],
                              "top_logprobs": [{" answer": math.log(0.6), " sum": math.log(0.2)},
                                               {"<|im_end|>": math.log(0.9)}]}}]}
    g = oc.branch_generation(first, 1, 2, reply, 7, "prompt")
    assert g.text == " The answer" and g.completion_tokens == 2  # the end-of-text not counted
    assert [c.token_id for c in g.first_token_topk] == [11, 9]
    assert [m[0] for m in g.token_margins] == [0, 4]
    assert g.token_margins[1][1:] == pytest.approx((0.6, 0.2))
    ended = oc.branch_generation(first, 0, 2, None, 7, "prompt")
    assert ended.text == " 4" and ended.completion_tokens == 1 and ended.finish_reason == "stop"
