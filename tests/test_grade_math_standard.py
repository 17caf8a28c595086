"""math-standard: a table of answer pairs, each normalisation exercised in both directions
(an equal pair that needs it, and a near-miss it must not make equal)."""

from __future__ import annotations

import pytest

from tunegap.grade import math_standard
from tunegap.grade.latex_norm import choice_letter, normalize, split_top
from tunegap.grade.latex_value import NotANumber, value
from tunegap.types import Example

EX = Example("math500", "t", "q", "0", "latex")

# (rule, answer, target, equal?)
PAIRS = [
    # the paper's two failure cases
    ("dfrac", r"\dfrac{1}{4}", r"\frac{1}{4}", True),
    ("dfrac", r"\frac{1}{4}", r"\dfrac{1}{4}", True),
    ("dfrac", r"\dfrac{1}{4}", r"\frac{1}{3}", False),
    ("tfrac", r"\tfrac{3}{8}", r"\frac38", True),
    ("tfrac", r"\tfrac{3}{8}", r"\frac{8}{3}", False),
    ("choice", "C", r"\text{(C)}", True),
    ("choice", r"\text{(C)}", "C", True),
    ("choice", "(c)", "C", True),
    ("choice", "C", r"\text{(D)}", False),
    ("choice", r"\textbf{(B)}", "(B)", True),
    ("choice", "B", "(E)", False),
    # \left / \right
    ("left-right", r"\left( 3, \frac{\pi}{2} \right)", r"(3,\frac{\pi}{2})", True),
    ("left-right", r"\left[ 1, 2 \right]", "[1,2]", True),
    ("left-right", r"\left( 3, \frac{\pi}{2} \right)", r"(3,\frac{\pi}{3})", False),
    ("left-right", r"\left[ 1, 2 \right]", "(1,2)", False),
    # \text{} / \mbox{} and units
    ("text", r"\text{5}", "5", True),
    ("text", r"\mbox{12}", "12", True),
    ("text", r"\text{five}", "5", False),
    ("units", r"5\text{ cm}", "5", True),
    ("units", r"12 \mbox{ inches}", "12", True),
    ("units", r"7\text{ cm}^2", "7", True),
    ("units", r"\$18.90", "18.90", True),
    ("units", "40 dollars", "40", True),
    ("units", r"5\text{ cm}", "6", False),
    ("units", "40 dollars", "4", False),
    # degrees
    ("degrees", r"90^\circ", "90", True),
    ("degrees", r"90^{\circ}", "90", True),
    ("degrees", "45°", "45", True),
    ("degrees", r"30\text{ degrees}", "30", True),
    ("degrees", r"90^\circ", "180", False),
    # percent
    ("percent", r"50\%", "50", True),
    ("percent", "12.5%", "12.5", True),
    ("percent", r"50\%", "5", False),
    # spacing
    ("spacing", r"3\,\sqrt{2}", r"3\sqrt{2}", True),
    ("spacing", r"x \quad = \; 4", "4", True),
    ("spacing", r"\frac {1} {2}", r"\frac{1}{2}", True),
    ("spacing", r"3\,\sqrt{2}", r"2\sqrt{3}", False),
    # thousands separators
    ("thousands", r"3,\!889,\!620", "3889620", True),
    ("thousands", "1,000", "1000", True),
    ("thousands", "10{,}000", "10000", True),
    ("thousands", r"3,\!889,\!621", "3889620", False),
    # decimal vs fraction, shorthand fractions and roots
    ("value", "0.5", r"\frac12", True),
    ("value", r"\frac12", "0.5", True),
    ("value", ".75", r"\frac{3}{4}", True),
    ("value", "0.5", r"\frac13", False),
    ("value", "1/2", r"\frac{1}{2}", True),
    ("value", "2/3", r"\frac{3}{2}", False),
    ("value", r"\frac{\sqrt{3}}{2}", r"\sqrt3/2", True),
    ("value", r"\frac{\sqrt{3}}{2}", r"\sqrt2/2", False),
    ("value", r"2\pi", r"\pi \cdot 2", True),
    ("value", r"\frac{\pi}{2}", r"\pi/3", False),
    ("value", r"\sqrt[3]{27}", "3", True),
    ("value", "2^{10}", "1024", True),
    ("value", "2^{10}", "1000", False),
    ("value", "-3", "3", False),
    ("value", "6.0", "6", True),
    ("value", "0.3333", r"\frac13", False),  # 1e-6 relative, not rounding
    # assignments and delimiters
    ("assign", "x = 7", "7", True),
    ("assign", "y=-2", "-2", True),
    ("assign", "x = 7", "8", False),
    ("delims", "$12$", "12", True),
    ("delims", r"\(\frac{1}{2}\)", "0.5", True),
    ("delims", "$12$", "21", False),
    # tuples, intervals, sets
    ("tuple", "(1, 2)", "(1,2)", True),
    ("tuple", "(2, 1)", "(1,2)", False),
    ("interval", r"(-\infty, 0)", r"(-\infty,0)", True),
    ("interval", r"(-\infty, 0]", r"(-\infty,0)", False),
    ("set", "3, 1, 2", "1,2,3", True),
    ("set", "3, 1", "1,2,3", False),
    ("set", r"\{1, 2\}", "{2,1}", True),
    ("set", r"\{1, 2\}", "{1,3}", False),
    # symbolic answers: equal only as written (normalised)
    ("symbolic", r"x^2+1", r"x^{2}+1", True),
    ("symbolic", r"x^2+1", r"x^{3}+1", False),
    ("symbolic", r"\frac{x}{2}", r"\dfrac{x}{2}", True),
    ("symbolic", r"\frac{x}{2}", r"\frac{y}{2}", False),
]


def test_table_is_big_and_balanced():
    assert len(PAIRS) >= 60
    rules = {r for r, *_ in PAIRS}
    for rule in rules:
        verdicts = {eq for r, _a, _t, eq in PAIRS if r == rule}
        if rule not in ("text",):  # every rule has an equal and a not-equal case
            assert verdicts == {True, False}, rule


@pytest.mark.parametrize("rule,answer,target,equal", PAIRS,
                         ids=[f"{r}:{a}|{t}" for r, a, t, _ in PAIRS])
def test_pairs(rule, answer, target, equal):
    g = math_standard.grade(answer, target, EX)
    assert g.status == "ok"
    assert g.correct is equal


def test_missing_and_bad_target():
    assert math_standard.grade(None, "1", EX).status == "missing"
    assert math_standard.grade("1", "   ", EX).status == "error"


def test_normalize_pieces():
    assert normalize(r"\left( 1 \right)") == "(1)"
    assert choice_letter(r"\text{(A)}") == "A"
    assert choice_letter("AB") is None
    assert split_top("(1,(2,3))") == ("(", ["1", "(2,3)"], ")")
    assert split_top("(1)+(2)")[0] == ""


@pytest.mark.parametrize("text", ["10^{10^{10^{10}}}", "{" * 5000 + "1" + "}" * 5000, "x+1",
                                  r"\frac{1}{0}", r"\sqrt{-4}", "__import__('os')"])
def test_value_refuses_fast(text):
    with pytest.raises(NotANumber):
        value(text)
