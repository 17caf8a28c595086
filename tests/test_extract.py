"""Per-text extractors: boxed, json, and strict's answer formats."""

from __future__ import annotations

import pytest

from tunegap.errors import UserError
from tunegap.extract import EXTRACTORS, boxed, get_extractor, jsonfield, strict
from tunegap.types import AnswerFormat, Example

EX = Example("synthetic", "1", "q", "5", "integer")


@pytest.mark.parametrize("text,want", [
    (r"so the answer is $\boxed{5}$.", "5"),
    (r"\boxed{\frac{1}{2}}", r"\frac{1}{2}"),
    (r"\boxed{\left( 3, \frac{\pi}{2} \right)}", r"\left( 3, \frac{\pi}{2} \right)"),
    (r"first \boxed{2}, then finally \boxed{3}", "3"),
    (r"\boxed{\{1, 2\}}", r"\{1, 2\}"),  # escaped braces do not close the box
    (r"\fbox{7}", "7"),
    (r"\boxed 9 is it", "9"),
    (r"\boxed{\text{(C)}}", r"\text{(C)}"),
    (r"The answer is \boxed{4", None),  # cut off inside the box
    ("no box here, 42", None),
    (r"\boxed{}", None),
])
def test_boxed(text, want):
    assert boxed.extract(text, EX) == want


@pytest.mark.parametrize("text,want", [
    ('{"step_by_step_thinking": "2+3", "answer": "5"}', "5"),
    ('{"step_by_step_thinking": "2+3", "answer": 5}', "5"),
    ('Sure!\n```json\n{"step_by_step_thinking": "x", "answer": "12.5"}\n```\nDone.', "12.5"),
    ('{"step_by_step_thinking": "a", "answer": "\\frac{1}{2}",}', "\\frac{1}{2}"),  # trailing ,
    ('{"step_by_step_thinking": "cut off here', None),  # no answer key
    ('{"step_by_step_thinking": "ok", "answer": "7', "7"),  # cut off value, repaired
    ('{"answer": "none"}', None),
    ('{"answer": null}', None),
    ('{"answer": ""}', None),
    ("The answer is 5.", None),  # prose is not this format
    ("", None),
    ('{"answer": "(14 weeks, 2 days)"}', "(14 weeks, 2 days)"),
    ("{'answer': '03/04/2021'}", "03/04/2021"),  # single quotes, repaired
])
def test_json(text, want):
    assert jsonfield.extract(text, EX) == want


def test_strict_formats_are_registered():
    assert set(strict.FORMATS) >= {"answer_is", "boxed", "json"}
    assert strict.FORMATS["boxed"](r"\boxed{5}") == "5"
    assert strict.FORMATS["json"]('{"answer": "5"}') == "5"
    assert strict.FORMATS["answer_is"]("The answer is 5.") == "5"
    assert strict.FORMATS["boxed"]("The answer is 5.") is None


def test_strict_follows_the_answer_format_it_is_handed():
    assert strict.extract("so 2+3. The answer is 5.", EX) == "5"  # no format: answer_is
    assert strict.extract("so 2+3. The answer is 5.", EX, AnswerFormat("boxed")) is None
    assert strict.extract("so \\boxed{5}. The answer is 4.", EX, AnswerFormat("boxed")) == "5"


def test_registry():
    assert {"strict", "flexible", "boxed", "json"} <= set(EXTRACTORS)
    with pytest.raises(UserError):
        get_extractor("llm")  # a batch extractor, run by scoring
    with pytest.raises(UserError):
        get_extractor("nope")
