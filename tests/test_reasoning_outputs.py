"""Reasoning models: every extractor reads only the answer after the thinking. A draft inside
the thinking (a JSON object, a box, "The answer is 17") is never the answer; thinking that
never closes is `unfinished-reasoning`, never a number."""

from __future__ import annotations

import pytest

from tests.helpers import scripted_pair
from tunegap.data.synthetic import load_test
from tunegap.extract import EXTRACTORS, safe_extract
from tunegap.extract.reasoning import UNFINISHED, split_reasoning

EXAMPLE = load_test()[0]
DRAFT = 'Let me try 17. The answer is 17. \\boxed{17} {"answer": "17"} Hmm, no.'


def final(n: str) -> str:
    return f'So the answer is {n}.\nThe answer is {n}. \\boxed{{{n}}}\n{{"answer": "{n}"}}'


THINK = ("<think>", "</think>")
# (id, output, delimiters, starts_open, expected answer or UNFINISHED)
CASES = [
    ("closed", f"<think>{DRAFT}</think>\n{final('42')}", THINK, False, "42"),
    ("closed-no-space", f"<think>{DRAFT}</think>{final('42')}", THINK, False, "42"),
    ("no-thinking", final("42"), THINK, False, "42"),
    ("empty-thinking", f"<think>\n\n</think>\n\n{final('7')}", THINK, False, "7"),
    ("unclosed", f"<think>{DRAFT}", THINK, False, UNFINISHED),
    ("unclosed-long", f"<think>{DRAFT * 50}", THINK, False, UNFINISHED),
    ("unclosed-after-text", f"Okay.\n<think>{DRAFT}", THINK, False, UNFINISHED),
    ("nested", f"<think>outer <think>{DRAFT}</think> more {DRAFT}</think>{final('42')}", THINK,
     False, "42"),
    ("two-blocks", f"<think>{DRAFT}</think>Wait.<think>{DRAFT}</think>{final('-3')}", THINK,
     False, "-3"),
    ("reopened", f"<think>{DRAFT}</think>{final('42')}<think>{DRAFT}", THINK, False, UNFINISHED),
    ("json-draft-then-json", '<think>{"answer": "17"}</think>{"step_by_step_thinking": "...", '
     '"answer": "42"}', THINK, False, {"json": "42", "flexible": "42"}),
    ("starts-open-closed", f"{DRAFT}</think>\n\n{final('42')}", THINK, True, "42"),
    ("starts-open-unclosed", DRAFT, THINK, True, UNFINISHED),
    ("starts-open-no-draft", f"\n</think>\n{final('5')}", THINK, True, "5"),
    ("custom-delimiters", f"<|begin_of_thought|>{DRAFT}<|end_of_thought|>{final('42')}",
     ("<|begin_of_thought|>", "<|end_of_thought|>"), False, "42"),
    ("custom-unclosed", f"<|begin_of_thought|>{DRAFT}", ("<|begin_of_thought|>",
                                                         "<|end_of_thought|>"), False, UNFINISHED),
    ("thinking-tag-in-answer-text", f"<think>{DRAFT}</think>I thought hard. {final('42')}",
     THINK, False, "42"),
    ("decimal", f"<think>{DRAFT}</think>{final('2.5')}", THINK, False, "2.5"),
    ("negative", f"<think>{DRAFT}</think>{final('-12')}", THINK, False, "-12"),
    ("large", f"<think>{DRAFT}</think>{final('1234567')}", THINK, False, "1234567"),
    ("close-tag-only-no-start", f"{DRAFT}</think>{final('42')}", THINK, False, "42"),
    ("answer-empty-after-close", f"<think>{DRAFT}</think>", THINK, False, None),
]


def _expected(expect, extractor: str):
    if isinstance(expect, dict):
        return expect.get(extractor)
    return expect


@pytest.mark.parametrize("case,output,delims,starts_open,expect", CASES, ids=[c[0] for c in CASES])
def test_every_extractor_reads_only_the_answer(case, output, delims, starts_open, expect):
    split = split_reasoning(output, *delims, starts_open=starts_open)
    for name in sorted(EXTRACTORS):
        if name.startswith("medcalc"):
            continue  # reads MedCalc-Bench's answer field only; the JSON cases cover it
        want = _expected(expect, name)
        if split.answer is None:
            assert want == UNFINISHED, (case, name)
            continue
        got, status = safe_extract(name, split.answer, EXAMPLE)
        assert got == want, (case, name, got)


def test_the_table_is_at_least_twenty_cases():
    assert len(CASES) >= 20


def test_through_a_run_unfinished_thinking_is_its_own_status(tmp_path, monkeypatch):
    from tests.helpers import RESPONDERS
    from tunegap.config import RunConfig
    from tunegap.runner import run

    outputs = iter([f"<think>{DRAFT}</think>{final(EXAMPLE.target)}", f"<think>{DRAFT}"])
    replies: dict = {}

    def inst(req, i):
        return replies.setdefault(req.key, next(outputs))

    monkeypatch.setitem(RESPONDERS, "scripted:i", inst)
    monkeypatch.setitem(RESPONDERS, "scripted:b", lambda req, i: DRAFT)
    pair = scripted_pair()
    pair["instruct"]["reasoning"] = {}  # default <think> … </think>
    cfg = RunConfig.model_validate({
        "name": "think", "out": str(tmp_path / "r"), "benchmarks": ["synthetic"], "limit": 1,
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}], "pairs": [pair],
        "extractors": ["strict", "flexible"]})
    res = run(cfg, progress=False)
    inst_cells = {(c.setting, c.extractor): c for c in res.cells if c.side == "instruct"}
    assert inst_cells[("zeroshot_cot", "strict")].accuracy == 100.0
    unfinished = inst_cells[("fewshot_cot[k=2]", "flexible")]
    assert unfinished.accuracy == 0.0 and unfinished.outcomes == {UNFINISHED: 1}
    assert unfinished.extraction == {UNFINISHED: 1}
    thinking = {r["setting"]: r for r in res.reasoning}  # the base model has no block
    assert {r["side"] for r in res.reasoning} == {"instruct"}
    assert (thinking["zeroshot_cot"]["unfinished"], thinking["fewshot_cot[k=2]"]["unfinished"]) \
        == (0, 1)
    assert thinking["zeroshot_cot"]["mean_reasoning_chars"] == len(DRAFT)
    base = next(c for c in res.cells if c.side == "base" and c.extractor == "strict")
    assert base.outcomes == {"correct" if EXAMPLE.target == "17" else "wrong": 1}  # no reasoning
