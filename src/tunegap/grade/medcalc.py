"""medcalc: MedCalc-Bench's official scoring rules (described in shared/data/SOURCES.md).

- date (MM/DD/YYYY): the same calendar date, exactly;
- weeks_days (gestational age, e.g. "('14 weeks', '1 days')"): the same (weeks, days) pair;
- integer: round(answer) == target (Python's round, as the official script);
- decimal: Lower Limit <= answer <= Upper Limit, the limits coming from the row
  (Example.meta "lower_limit" / "upper_limit").
The answer's first number is read, so "25.2 mL/min" counts as 25.2.
"""

from __future__ import annotations

import re
from datetime import date

from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"integer", "decimal", "date", "weeks_days"})

_NUM = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_WEEKS = re.compile(r"(\d+)\s*(?:weeks?|wks?)\b", re.IGNORECASE)
_DAYS = re.compile(r"(\d+)\s*days?\b", re.IGNORECASE)
_PAIR = re.compile(r"^\s*[\(\[]?\s*(\d+)\s*,\s*(\d+)\s*[\)\]]?\s*$")


def applies(example: Example) -> bool:
    """Only MedCalc rows: dates and (weeks, days) anywhere, numbers only with a calculator."""
    if example.answer_type in ("date", "weeks_days"):
        return True
    return example.answer_type in ANSWER_TYPES and "calculator_id" in example.meta


def parse_date(text: str) -> date | None:
    m = _DATE.search(text)
    if not m:
        return None
    month, day, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_weeks_days(text: str) -> tuple[int, int] | None:
    w, d = _WEEKS.search(text), _DAYS.search(text)
    if w and d:
        return int(w.group(1)), int(d.group(1))
    if w:
        return int(w.group(1)), 0
    m = _PAIR.match(text.replace("'", "").replace('"', ""))
    return (int(m.group(1)), int(m.group(2))) if m else None


def first_number(text: str) -> float | None:
    m = _NUM.search(text.replace(",", ""))
    return float(m.group(0)) if m else None


def _is_weeks_days(target: str, example: Example) -> bool:
    return example.answer_type == "weeks_days" or "week" in target.lower()


def grade(answer: str | None, target: str, example: Example) -> Grade:
    if answer is None:
        return MISSING
    if example.answer_type == "date":
        want = parse_date(target)
        if want is None:
            return Grade(None, "error")
        got = parse_date(answer)
        return Grade(False, "unparsable") if got is None else Grade(got == want)
    if _is_weeks_days(target, example):
        want_wd = parse_weeks_days(target)
        if want_wd is None:
            return Grade(None, "error")
        got_wd = parse_weeks_days(answer)
        return Grade(False, "unparsable") if got_wd is None else Grade(got_wd == want_wd)
    got = first_number(answer)
    if example.answer_type == "integer":
        want_n = first_number(target)
        if want_n is None:
            return Grade(None, "error")
        return Grade(False, "unparsable") if got is None else Grade(round(got) == round(want_n))
    try:
        lo, hi = float(example.meta["lower_limit"]), float(example.meta["upper_limit"])
    except (KeyError, TypeError, ValueError):
        return Grade(None, "error")
    return Grade(False, "unparsable") if got is None else Grade(lo <= got <= hi)
