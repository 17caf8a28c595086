"""A toy grader: right when the answer is within one of the target."""

from __future__ import annotations

from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"integer"})


def grade(answer: str | None, target: str, example: Example) -> Grade:
    if answer is None:
        return MISSING
    try:
        value = int(answer)
    except ValueError:
        return Grade(None, "unparsable")
    return Grade(abs(value - int(target)) <= 1, "ok", str(value))
