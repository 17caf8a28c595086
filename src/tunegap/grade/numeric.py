"""numeric: GSM-style number comparison, tolerant of formatting.

The answer is read in the shared number grammar (extract/numbers.py) and must hold exactly one
value: "$1,000.", "1000", "1000.00", "1e3" and "1000 dollars" are one value; "18.0" and "18" too;
"−5" is -5, "5 3/4" is 23/4; "3 4" or "18 or 20" holds two and is unparsable (whitespace is never
deleted). Arithmetic shown is read after its last "=" ("5 + 13 = 18" is 18). Values are exact
decimals; they match exactly, or within a relative 1e-6 (GSM-Hard's float targets). A huge value
("1e999999") is a value, and wrong.
"""

from __future__ import annotations

from decimal import Decimal

from tunegap.extract.numbers import close, single_value
from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"number", "integer", "decimal"})


def parse_number(text: str) -> Decimal | None:
    tok = single_value(text)
    return tok.value if tok else None


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return MISSING
    want = single_value(target)
    if want is None:
        return Grade(None, "error")
    got = single_value(answer)
    if got is None:
        return Grade(False, "unparsable")
    return Grade(close(got.value, want.value), canonical=got.canonical)
