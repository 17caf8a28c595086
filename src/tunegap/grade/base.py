"""What a grader returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    correct: bool | None  # None when the answer could not be judged (missing, timeout)
    status: str = "ok"  # ok | missing | unparsable | timeout | error


MISSING = Grade(None, "missing")
