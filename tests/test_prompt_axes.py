"""The prompt-format axes as setting options: few-shot exemplars as turns or in one user turn,
the instruction as a system turn or not, thinking on/off through the chat template. Each is its
own labelled column and its own request; the defaults change no prompt."""

from __future__ import annotations

import pytest

from tests.helpers import scripted_pair
from tunegap.config import RunConfig, SettingSpec
from tunegap.data.synthetic import load_test
from tunegap.plan import build_plan
from tunegap.prompts import build_prompt

EXAMPLES = load_test()
ITEM, SHOTS = EXAMPLES[0], EXAMPLES[1:4]


def render(**options):
    spec = SettingSpec(name="fewshot_cot", k=3, **options)
    return build_prompt(ITEM, spec, family="math_cot", model_kind="instruct", exemplars=SHOTS).prompt


def test_defaults_change_nothing():
    assert render() == render(fewshot_as="turns", system_prompt=True, thinking=None)
    assert "template_kwargs" not in render().to_dict()


def test_fewshot_in_one_user_turn_keeps_every_word():
    turns, single = render(), render(fewshot_as="single")
    assert [m.role for m in single.messages] == ["user"]
    words = [m.content for m in turns.messages]
    assert all(w in single.messages[0].content for w in words)
    assert single.messages[0].content.endswith(turns.messages[-1].content)


def test_no_system_turn_folds_the_instruction_into_the_first_user_turn():
    # The JSON-answer prompts carry their instruction in a system turn.
    json_ = {"json_answer": ("instruct",)}
    with_sys, without = render(**json_), render(system_prompt=False, **json_)
    assert with_sys.messages[0].role == "system"
    assert without.messages[0].role == "user"
    assert without.messages[0].content.startswith(with_sys.messages[0].content)
    both = render(system_prompt=False, fewshot_as="single", **json_)
    assert [m.role for m in both.messages] == ["user"]


def test_thinking_switch_travels_with_the_prompt():
    off = render(thinking=False)
    assert off.template_kwargs == (("enable_thinking", False),)
    assert off.to_dict()["template_kwargs"] == {"enable_thinking": False}
    base = build_prompt(ITEM, SettingSpec(name="zeroshot_cot", thinking=False),
                        family="math_cot", model_kind="base").prompt
    assert base.text is not None and base.template_kwargs == ()  # text prompts have no template


def test_each_axis_is_its_own_column_and_request():
    settings = [{"name": "zeroshot_cot"}, {"name": "zeroshot_cot", "thinking": False},
                {"name": "fewshot_cot", "k": 2}, {"name": "fewshot_cot", "k": 2,
                                                  "fewshot_as": "single"},
                {"name": "fewshot_cot", "k": 2, "json_answer": ["instruct"]},
                {"name": "fewshot_cot", "k": 2, "json_answer": ["instruct"],
                 "system_prompt": False}]
    cfg = RunConfig.model_validate({"name": "axes", "pairs": [scripted_pair()], "limit": 2,
                                    "benchmarks": ["synthetic"], "settings": settings})
    items = [it for it in build_plan(cfg) if it.cell.side == "instruct"]
    labels = {it.cell.setting for it in items}
    assert labels == {"zeroshot_cot", "zeroshot_cot+nothink", "fewshot_cot[k=2]",
                      "fewshot_cot[k=2]+single", "fewshot_cot[k=2]+json(instruct)",
                      "fewshot_cot[k=2]+json(instruct)+nosystem"}
    assert len({it.request.key for it in items}) == len(items) == 12


@pytest.mark.slow
def test_the_setting_overrides_the_models_thinking_default():
    from tests.test_chat_template_kwargs import _spec
    from tunegap.backends.llamacpp import LlamaCppBackend

    b = LlamaCppBackend(_spec("llamacpp", enable_thinking=True))
    try:
        default = b.render(render())
        off = b.render(render(thinking=False))
    finally:
        b.close()
    assert "<think>" not in default and off.endswith("<think>\n\n</think>\n\n")
