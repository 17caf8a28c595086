"""The template formula evaluator: exact over fractions, and it runs nothing it was not meant to."""

from fractions import Fraction

import pytest

from tunegap.templates.expr import ExprError, evaluate, names_in


def test_arithmetic_is_exact_over_fractions():
    assert evaluate("0.1 + 0.2", {}) == Fraction(3, 10)  # a float would give 0.30000000000000004
    assert evaluate("a / b * b", {"a": 7, "b": 3}) == 7
    assert evaluate("(a + b) // 4 + a % 4", {"a": 9, "b": 6}) == 3 + 1
    assert evaluate("int(-7 / 2)", {}) == -3  # int() truncates toward zero, as Python's
    assert evaluate("2 ** 10", {}) == 1024
    value = evaluate("x * 1.5", {"x": 3})
    assert isinstance(value, Fraction) and value == Fraction(9, 2)


def test_conditions_and_helpers():
    env = {"a": 12, "b": 5, "s": "feet"}
    assert evaluate("b < a <= 12", env) is True
    assert evaluate("divides(a, 4) and not divides(a, 5)", env) is True
    assert evaluate("is_int(a / 8)", env) is False
    assert evaluate("a if s == 'feet' else b", env) == 12
    assert evaluate("[2, 3, 4][1] + len([1, 2])", env) == 5
    assert evaluate("Fraction(1, 3) + Fraction('2/3')", env) == 1
    assert names_in("int(a * b) + max(c, 2)") == {"a", "b", "c"}


@pytest.mark.parametrize("formula", [
    "__import__('os').system('true')",  # a call to something not whitelisted
    "a.__class__",  # attributes
    "(lambda: 1)()",
    "[x for x in range(3)]",
    "open('/etc/passwd')",
    "2 ** 100000",  # a huge power
    "a +",  # not a formula
    "b",  # an unknown variable
])
def test_refuses_anything_outside_the_language(formula):
    with pytest.raises(ExprError):
        evaluate(formula, {"a": 1})


def test_division_by_zero_is_an_expr_error():
    with pytest.raises(ExprError, match="division by zero"):
        evaluate("a / (b - b)", {"a": 1, "b": 2})
