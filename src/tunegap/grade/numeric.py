"""numeric: GSM-style number comparison, tolerant of formatting.

"$1,000.", "1000", "1000.00" and "1e3" are one value; so are "18.0" and "18". Values are
compared as exact decimals, with a relative tolerance of 1e-6 for float targets (GSM-Hard).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"number", "integer", "decimal"})

_STRIP = re.compile(r"[\s$€£%]|\\\$|\\%|(?<=\d),(?=\d{3}\b)")


def parse_number(text: str) -> Fraction | None:
    s = _STRIP.sub("", text.strip()).rstrip(".")
    if not s:
        return None
    if re.fullmatch(r"-?\d+/\d+", s):
        num, den = s.split("/")
        return Fraction(int(num), int(den)) if int(den) else None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    return Fraction(d)


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return MISSING
    got, want = parse_number(answer), parse_number(target)
    if want is None:
        return Grade(None, "error")
    if got is None:
        return Grade(False, "unparsable")
    if got == want:
        return Grade(True)
    return Grade(abs(got - want) <= Fraction(1, 10**6) * max(1, abs(want)))
