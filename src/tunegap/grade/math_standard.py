"""math-standard: tunegap's own normalising LaTeX comparison (the paper's "standard grader").

Order of tests: normalised strings equal → right; lone choice letters (C vs \\text{(C)}) → compare
letters; tuples, intervals and lists → element by element (brackets must agree; a bare list is
compared as a multiset); otherwise both sides as plain arithmetic (latex_value), equal within
1e-6 relative. Symbolic answers that are not plain arithmetic count as equal only when their
normalised strings are.
"""

from __future__ import annotations

from tunegap.grade.base import MISSING, Grade
from tunegap.grade.latex_norm import choice_letter, normalize, split_top
from tunegap.grade.latex_value import NotANumber, same_value, value
from tunegap.types import Example

ANSWER_TYPES = frozenset({"latex", "number", "integer", "decimal"})


def _same_atom(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return same_value(value(a), value(b))
    except NotANumber:
        return False


def equivalent(answer: str, target: str) -> bool:
    a, t = normalize(answer), normalize(target)
    if a == t:
        return True
    letter_t = choice_letter(target)
    if letter_t is not None:
        return choice_letter(answer) == letter_t
    a_open, a_parts, a_close = split_top(a)
    t_open, t_parts, t_close = split_top(t)
    if len(t_parts) > 1 or len(a_parts) > 1:
        if (a_open, a_close) != (t_open, t_close) or len(a_parts) != len(t_parts):
            return False
        if t_open in ("(", "["):  # tuples and intervals are ordered
            return all(_same_atom(x, y) for x, y in zip(a_parts, t_parts))
        left = list(a_parts)
        for y in t_parts:  # sets / bare lists: a multiset match
            hit = next((x for x in left if _same_atom(x, y)), None)
            if hit is None:
                return False
            left.remove(hit)
        return True
    return _same_atom(a, t)


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return MISSING
    if not normalize(target):
        return Grade(None, "error")
    return Grade(equivalent(answer, target))
