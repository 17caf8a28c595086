"""hf on real weights: SmolLM2-135M's GGUF through transformers' GGUF loader (dequantised to
fp32). Kept to a few short generations: this is the slowest engine on a CPU."""

from __future__ import annotations

import pytest

from tests.backend_models import hf_smollm2
from tunegap.errors import UserError
from tunegap.types import Message, Prompt, Request, SamplingParams

pytestmark = pytest.mark.slow


def req(text: str, **params) -> Request:
    stop = params.pop("stop", ())
    return Request("m", Prompt(text=text, stop=stop), SamplingParams(**params))


def test_gguf_loads_dequantised_with_its_template():
    b = hf_smollm2()
    assert str(b.engine.model.dtype) == "torch.float32"
    assert b.template and "<|im_start|>" in b.render(Prompt(messages=(Message("user", "x"),)))


def test_left_padded_batch_equals_one_at_a_time():
    b = hf_smollm2()
    prompts = ["def fib(n):", "Question: What is 12 + 7?\nAnswer:"]  # different lengths
    assert len(b.tokens(prompts[0])) != len(b.tokens(prompts[1]))
    reqs = [req(p, max_tokens=8) for p in prompts]
    together = [g[0].text for g in b.generate(reqs)]
    assert together == [b.generate([r])[0][0].text for r in reqs]


def test_cot_branches_topk_prefill_once_and_stop():
    b = hf_smollm2()
    prompt = "Question: What is 12 + 7?\nAnswer:"
    top = b.first_token_topk(Prompt(text=prompt), 4)
    before = b.engine.prompt_tokens_evaluated
    gens = b.generate([req(prompt, max_tokens=6, cot_branches=4, stop=("\n",))])[0]
    assert b.engine.prompt_tokens_evaluated - before == len(b.tokens(prompt))
    firsts = [g.first_token_topk[0].token_id for g in gens]
    assert firsts == [c.token_id for c in top] and len(set(firsts)) == 4
    assert all("\n" not in g.text for g in gens)
    assert all(1 >= p1 >= p2 >= 0 for g in gens for _, p1, p2 in g.token_margins)


def test_seeds_and_chat_template_fallback(monkeypatch):
    b = hf_smollm2()
    r = req("Once upon a time", max_tokens=5, temperature=1.0, n=2, seed=3)
    first = [g.text for g in b.generate([r])[0]]
    assert first == [g.text for g in b.generate([r])[0]]
    alone = req("Once upon a time", max_tokens=5, temperature=1.0, n=1, seed=4)
    assert b.generate([alone])[0][0].text == first[1]  # sample i uses seed + i
    chat = Request("m", Prompt(messages=(Message("user", "hi"),)), SamplingParams(max_tokens=2))
    monkeypatch.setattr(b, "template", None)
    with pytest.raises(UserError, match="no chat template"):
        b.check([chat])
    monkeypatch.setattr(b, "template", "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n"
                                       "{% endfor %}[assistant]")
    b.check([chat])
    assert b.render(chat.prompt) == "[user] hi\n[assistant]"
