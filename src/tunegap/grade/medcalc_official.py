"""medcalc-official: MedCalc-Bench v1.0's own verdict, quirks included.

The published numbers come from `extract_answer` (evaluation/run.py) and `check_correctness`
(evaluation/evaluate.py) at commit 5523b77. This module restates their rules (no code copied;
model text is never eval()'d: the literals the script evaluates are read with the same Python
meaning, see `py_number`). The answer given here is the text after the official answer-field
step (extractor `medcalc-official`); with any other extractor the same rules run on its answer.

By calculator (the script dispatches on the calculator id, not on the output type):

- dates (13, 68): the answer must *start* with M/D/YYYY (month 1-12, day 1-31, leading zeros
  optional); it is rewritten MM/DD/YYYY and compared as a string with the ground truth.
  Quirk 1: "The due date is 10/09/2020" is wrong (a date after leading words).
- gestational age (69): always wrong. Quirk 2: the script's extraction step reads its
  ground-truth variable before assigning it, raises, and the row is marked Incorrect (the
  published outputs carry the error text as the answer), so 20 of 1,047 rows can never count.
- integers (4, 15, ..., 51): "N out of" → N (the first); else a comma list → the *count* of its
  items (Quirk 3: "1,234" is 2, "3, 4, 5" is 3); else the last -?D(.D)? in the text
  (Quirk 4: "CURB-65 score: 1" is 1 but "score 1 (CURB-65)" is -65). Then round (half to even)
  == ground truth. Quirk 5: an integer written with a leading zero ("07") is a Python syntax
  error, so wrong.
- decimals (2, 3, ...): "str(<expression>)" is evaluated (see `official_expression`); else a
  number right before "mL/min/1.73"; else the last number before a "%", divided by 100
  (Quirk 6: "0.247%" is 0.00247); else the last -?D(.D)? (Quirk 7: "14.525 kg/m^2" is 2;
  Quirk 8: "1,234.5" is 234.5, the separator drops the leading digits). Then
  Lower Limit <= value <= Upper Limit. Quirk 5 applies here too ("08" is an error, wrong).
- any other id: the script raises; wrong.

Every rule is implemented as a linear scan (the script's regexes are quadratic on long digit
runs); results are the same as the regexes' (tests check them against each other).
"""

from __future__ import annotations

import math
import re

from tunegap.extract.numbers import bounded
from tunegap.grade.base import MISSING, Grade
from tunegap.grade.official_expr import Invalid, official_expression
from tunegap.types import Example

DATE_IDS = frozenset({13, 68})
GESTATIONAL_IDS = frozenset({69})
INTEGER_IDS = frozenset({4, 15, 16, 17, 18, 20, 21, 25, 27, 28, 29, 32, 33, 36, 43, 45, 48, 51})
DECIMAL_IDS = frozenset({2, 3, 5, 6, 7, 8, 9, 10, 11, 19, 22, 23, 24, 26, 30, 31, 38, 39, 40, 44,
                         46, 49, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67})
ANSWER_TYPES = frozenset({"integer", "decimal", "date", "weeks_days"})

_DATE = re.compile(r"(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9]|3[01])/(\d{4})")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")  # greedy and never failing half-way: linear findall
_LIST = re.compile(r"-?\d+(?:, ?-?\d+)*")
_EGFR_UNIT = re.compile(r"mL/min/1.73")  # "." is any character, as in the script
_PY_INT = re.compile(r"-?(?:0+|[1-9][0-9]*)")  # ASCII: eval() rejects other digits
_PY_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")


def applies(example: Example) -> bool:
    return example.benchmark == "medcalc" and "calculator_id" in example.meta


def py_number(literal: str) -> int | float:
    """The value Python gives the literal -?D or -?D.D, or Invalid where it raises: an int
    with a leading zero ("07") is a SyntaxError; longer than 4300 digits, a ValueError."""
    if _PY_FLOAT.fullmatch(literal):
        return float(literal)
    if _PY_INT.fullmatch(literal) and len(literal) <= 4300:
        return int(literal)
    raise Invalid(literal)


def _digits_before(text: str, end: int) -> int:
    i = end
    while i > 0 and text[i - 1].isdecimal():  # isdecimal() is the regex's \d
        i -= 1
    return i


def _before(text: str, end: int) -> tuple[int, str] | None:
    """The leftmost -?D(.D)? that ends exactly at `end` (what a left-to-right regex finds)."""
    i = _digits_before(text, end)
    if i == end:
        return None
    if i >= 2 and text[i - 1] == "." and text[i - 2].isdecimal():
        i = _digits_before(text, i - 1)
    if i > 0 and text[i - 1] == "-":
        i -= 1
    return i, text[i:end]


def _last_number(text: str) -> str | None:
    last = None
    for last in _NUMBER.finditer(text):  # noqa: B007
        pass
    return last.group(0) if last else None


def read_date(answer: str) -> str:
    m = _DATE.match(answer)
    return f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}" if m else "N/A"


def read_integer(answer: str) -> str:
    """The string the script's integer branch produces ("N/A" when it finds nothing)."""
    at = answer.find(" out of")
    while at >= 0:
        start = _digits_before(answer, at)
        if start < at:
            return answer[start:at]  # "(\d+) out of": digits only
        at = answer.find(" out of", at + 1)
    for m in _LIST.finditer(answer):
        if "," in m.group(0):
            return str(m.group(0).count(",") + 1)
    return _last_number(answer) or "N/A"


def read_decimal(answer: str) -> int | float | str:
    """The value the script's decimal branch produces, or "N/A"; Invalid where it raises."""
    expr = _str_call(answer)
    if expr is not None:
        return official_expression(expr)
    for m in _EGFR_UNIT.finditer(answer):
        start = m.start()
        while start > 0 and answer[start - 1].isspace():  # the script's \s* before the unit
            start -= 1
        got = _before(answer, start)
        if got is not None:
            return py_number(got[1])
    last = None
    pos = answer.find("%")
    while pos >= 0:
        last = _before(answer, pos) or last
        pos = answer.find("%", pos + 1)
    if last is not None:
        return py_number(last[1]) / 100
    number = _last_number(answer)
    return py_number(number) if number is not None else "N/A"


def _str_call(answer: str) -> str | None:
    """`str\\((.*)\\)` searched: the first line where "str(" is later closed by ")", greedy."""
    for line in answer.split("\n"):
        i = line.find("str(")
        j = line.rfind(")")
        if i >= 0 and j >= i + 4:
            return line[i + 4 : j]
    return None


def _finite(value: object) -> float | None:
    # The script stores str(value) and eval()s it back: only finite ints and floats survive
    # ("inf", "nan", a tuple or a complex are errors or fail the comparison).
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value if isinstance(value, bool) else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def grade(answer: str | None, target: str, example: Example) -> Grade:
    if answer is None:
        return MISSING
    try:
        calc = int(example.meta["calculator_id"])
    except (KeyError, TypeError, ValueError):
        return Grade(None, "error")
    try:
        return _grade(calc, answer, target, example)
    except (Invalid, ArithmeticError):
        return Grade(False, "unparsable")


def _grade(calc: int, answer: str, target: str, example: Example) -> Grade:
    if calc in DATE_IDS:
        got = read_date(answer)
        if got == "N/A":
            return Grade(False, "unparsable")
        return Grade(got == target, canonical=got)
    if calc in GESTATIONAL_IDS:
        return Grade(False)  # Quirk 2: the script raises before comparing
    if calc in INTEGER_IDS:
        read = read_integer(answer)
        if read == "N/A":
            return Grade(False, "unparsable")
        value = py_number(read)
        if isinstance(value, float) and not math.isfinite(value):
            return Grade(False, "unparsable")  # round(inf) raises OverflowError
        rounded = round(value)
        return Grade(rounded == py_number(target.strip()), canonical=bounded(str(rounded)))
    if calc in DECIMAL_IDS:
        value = _finite(read_decimal(answer))
        if value is None:
            return Grade(False, "unparsable")
        lo = float(example.meta["lower_limit"])
        hi = float(example.meta["upper_limit"])
        return Grade(bool(lo <= value <= hi), canonical=repr(value))
    return Grade(False, "unparsable")  # "Unknown calculator ID": the script raises
