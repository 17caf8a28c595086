"""Prompt families of the issue-5 benchmarks: MedCalc's three settings with JSON answers, the
LaTeX family's boxed answers, per-item exemplars, and settings checked per benchmark."""

from __future__ import annotations

import json

import pytest

from tests.helpers import SHARED_DATA, scripted_pair
from tunegap.config import RunConfig, SettingSpec
from tunegap.errors import UserError
from tunegap.extract import strict
from tunegap.plan import build_plan
from tunegap.prompts import build_prompt
from tunegap.types import AnswerFormat, Example

NOTE = "A 60-year-old man, 80 kg, 180 cm. Creatinine 1.2 mg/dL."
ITEM = Example("medcalc", "medcalc-x", "What is the patient's BMI in kg/m^2?", "24.691", "decimal",
               context=NOTE, meta={"calculator_id": 6, "lower_limit": 23.5, "upper_limit": 25.9})
SHOT = Example("medcalc", "medcalc-oneshot-6", ITEM.question, "20.529", "decimal",
               context="A 30-year-old woman, 68 kg, 182 cm.",
               solution="BMI = 68 / 1.82^2 = 20.529.", meta={"calculator_id": 6})
PROBLEM = Example("math500", "m-1", "What is $\\frac{1}{2}+\\frac{1}{4}$?", "\\frac{3}{4}",
                  "latex", meta={"unique_id": "u"})
WORKED = Example("math_perturb_original", "o-1", "What is $1+1$?", "2", "latex",
                 solution="We add: $1+1=\\boxed{2}$.")


def rendered(ex, setting, kind, shots=(), family="medcalc", **kw):
    return build_prompt(ex, SettingSpec(name=setting, **kw), family=family, model_kind=kind,
                        exemplars=shots)


def render(ex, setting, kind, shots=(), family="medcalc", **kw):
    return rendered(ex, setting, kind, shots, family, **kw).prompt


def test_medcalc_direct_asks_for_the_answer_alone():
    p = render(ITEM, "direct", "instruct", shots=[SHOT])
    roles = [m.role for m in p.messages]
    assert roles == ["system", "user"]  # direct never shows the exemplar
    system = p.messages[0].content
    assert '{"answer"' in system and "step_by_step_thinking" not in system
    assert NOTE in p.messages[1].content and ITEM.question in p.messages[1].content


def test_medcalc_zero_and_one_shot_cot():
    zero = render(ITEM, "zeroshot_cot", "instruct", shots=[SHOT])
    assert [m.role for m in zero.messages] == ["system", "user"]
    assert "step_by_step_thinking" in zero.messages[0].content
    one = render(ITEM, "oneshot_cot", "instruct", shots=[SHOT])
    assert [m.role for m in one.messages] == ["system", "user", "assistant", "user"]
    assert SHOT.context in one.messages[1].content and NOTE in one.messages[3].content
    reply = json.loads(one.messages[2].content)
    assert reply == {"step_by_step_thinking": SHOT.solution, "answer": SHOT.target}
    # A base model gets the same words as text, ending where its JSON answer should start.
    text = render(ITEM, "oneshot_cot", "base", shots=[SHOT]).text
    assert text.rstrip().endswith("Answer:") and text.count("Patient note:") == 2
    assert json.dumps(reply) in text


def test_latex_family_asks_for_a_box_and_shows_worked_solutions():
    p = render(PROBLEM, "zeroshot_cot", "instruct", family="latex_cot")
    assert "\\boxed{}" in p.messages[-1].content and PROBLEM.question in p.messages[-1].content
    text = render(PROBLEM, "oneshot_cot", "base", shots=[WORKED], family="latex_cot").text
    assert text.index(WORKED.question) < text.index(PROBLEM.question)
    assert WORKED.solution in text and text.rstrip().endswith("Let's think step by step.")
    as_json = render(PROBLEM, "zeroshot_cot", "instruct", family="latex_cot",
                     json_answer=("instruct",))
    assert "step_by_step_thinking" in as_json.messages[0].content


def test_each_prompt_hands_down_the_answer_format_it_asks_for():
    def style(ex, setting, kind, family="medcalc", **kw):
        return rendered(ex, setting, kind, [SHOT] if "oneshot" in setting else (), family,
                        **kw).answer_format.style

    # MedCalc-Bench asks for JSON by default; a side left out of json_answer gets plain text.
    assert {style(ITEM, s, k) for s in ("direct", "zeroshot_cot") for k in ("base", "instruct")
            } == {"json"}
    assert style(ITEM, "zeroshot_cot", "base", json_answer=("instruct",)) == "answer_is"
    assert style(ITEM, "direct", "base", json_answer=("instruct",)) == "bare"
    assert style(PROBLEM, "zeroshot_cot", "base", family="latex_cot") == "boxed"
    assert style(PROBLEM, "zeroshot_cot", "instruct", family="latex_cot",
                 json_answer=("instruct",)) == "json"
    gsm = Example("gsm8k", "g-1", "What is 2 + 3?", "5")
    assert style(gsm, "zeroshot_cot", "instruct", family="math_cot") == "answer_is"
    assert style(gsm, "zeroshot_cot", "instruct", family="math_cot",
                 json_answer=("instruct",)) == "json"


def test_strict_reads_only_the_format_it_is_handed():
    reply = '{"step_by_step_thinking": "x", "answer": "24.7"}\nThe answer is 3.'
    assert strict.extract(reply, ITEM, AnswerFormat("json")) == "24.7"
    assert strict.extract(reply, ITEM, AnswerFormat("answer_is")) == "3"
    assert strict.extract("so \\boxed{\\frac{3}{4}}", PROBLEM, AnswerFormat("boxed")) == "\\frac{3}{4}"
    assert strict.extract("so \\boxed{\\frac{3}{4}}", PROBLEM, AnswerFormat("json")) is None
    assert strict.extract(" 24.7.\n", ITEM, AnswerFormat("bare")) == "24.7"
    assert strict.extract("It is 24.7, I think, after working it all out.", ITEM,
                          AnswerFormat("bare")) is None


def test_settings_are_checked_per_benchmark(tmp_path):
    cfg = RunConfig.model_validate({
        "name": "x", "pairs": [scripted_pair()],
        "benchmarks": ["math500"], "settings": ["direct"], "data_dir": str(tmp_path)})
    with pytest.raises(UserError, match="no selected benchmark has a setting 'direct'"):
        build_plan(cfg)
    with pytest.raises(UserError, match="unknown setting"):
        render(ITEM, "threeshot", "instruct")


def test_plan_gives_medcalc_one_shot_its_calculators_exemplar():
    data = SHARED_DATA
    if not (data / "medcalc_bench" / "test_data.csv").is_file():
        pytest.skip(f"MedCalc-Bench not found under {data}")

    cfg = RunConfig.model_validate({
        "name": "x", "pairs": [scripted_pair()],
        "benchmarks": ["medcalc"], "settings": ["direct", "zeroshot_cot", "oneshot_cot"],
        "data_dir": str(data), "limit": 3})
    items = build_plan(cfg)
    assert len(items) == 3 * 3 * 2
    shots = json.loads((data / "medcalc_bench" / "one_shot_finalized_explanation.json")
                       .read_text())
    for it in items:
        text = it.request.prompt.text or "".join(m.content for m in it.request.prompt.messages)
        exemplar_note = shots[str(it.example.meta["calculator_id"])]["Patient Note"].strip()
        assert (exemplar_note in text) == (it.cell.setting == "oneshot_cot")
