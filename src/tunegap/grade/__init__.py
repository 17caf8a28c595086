"""Graders: (answer, target) → Grade. Each runs under a per-item time limit (see runner)."""

from __future__ import annotations

from collections.abc import Callable

from tunegap.errors import UserError
from tunegap.grade import numeric
from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

Grader = Callable[[str | None, str, Example], Grade]

GRADERS: dict[str, Grader] = {
    "numeric": numeric.grade,
}


def get_grader(name: str) -> Grader:
    if name not in GRADERS:
        raise UserError(f"unknown grader '{name}' (known: {', '.join(sorted(GRADERS))})")
    return GRADERS[name]


__all__ = ["GRADERS", "Grade", "MISSING", "get_grader"]
