"""medcalc: MedCalc-Bench's scoring rules, read correctly (`medcalc-official` reproduces the
official script's reading, quirks included; see grade/medcalc_official.py).

- date (MM/DD/YYYY): the same calendar date; the answer's last date, written M/D/YYYY,
  YYYY-MM-DD, "October 9, 2020" or "9 October 2020", anywhere in the answer;
- weeks_days (gestational age, e.g. "('14 weeks', '1 days')"): the same (weeks, days) pair,
  read by the labels in either order ("3 days and 5 weeks" is (5, 3), "5w3d", "38+2 weeks",
  "(5, 3)"; see `parse_weeks_days`);
- integer: round(value) == target (half to even, as Python's round in the official script);
- decimal: Lower Limit <= value <= Upper Limit, the limits coming from the row
  (Example.meta "lower_limit" / "upper_limit").

The value is the answer's *last* number in the shared grammar (extract/numbers.py), as the
official scorer reads the last: after the last "=" ("0 + 1 + 1 = 4" is 4), "3 out of 5" is 3,
calculator names are not numbers ("CURB-65 score: 1" is 1, "CHA2DS2-VASc: 3" is 3), units are
not numbers ("14.5 kg/m^2", "25 mL/min/1.73 m²"), "53.1%" is 53.1, "1,234" is 1234, "−2" is -2,
and "1e999999" is a (wrong) value, never an OverflowError.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from tunegap.extract.numbers import CTX, canonical, last_date, last_value, normalize_text
from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"integer", "decimal", "date", "weeks_days"})

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_OTHER_DATES = re.compile(
    r"(?<!\d)(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?!\d)"
    r"|\b" + _MONTH.replace("mon", "m1") + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})\b"
    r"|(?<!\d)(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.replace("mon", "m2") + r",?\s+(?P<y2>\d{4})\b"
)
# A weeks or days count, or the obstetric "38+2 weeks" (38 weeks 2 days); not inside a decimal.
_WD_TOKEN = re.compile(
    r"(?<![\d.])(?P<pw>\d{1,4})\s*\+\s*(?P<pd>\d{1,4})\s*(?:weeks?|wks?|w)(?![a-z])"
    r"|(?<![\d.])(?P<w>\d{1,4})\s*(?:weeks?|wks?|w)(?![a-z])"
    r"|(?<![\d.])(?P<d>\d{1,4})\s*(?:days?|d)(?![a-z])", re.IGNORECASE)
# What may stand between the weeks and the days of one reading: "5 weeks, 3 days",
# "('5 weeks', '3 days')", "3 days and 5 weeks", "5w3d".
_JOIN = re.compile(r"[\s,;:'\"()\[\]&+/-]*(?:and|plus)?[\s,;:'\"()\[\]&+/-]*", re.IGNORECASE)
_PAIR = re.compile(r"[\(\[]\s*(\d{1,4})\s*,\s*(\d{1,4})\s*[\)\]]")
_BARE_PAIR = re.compile(r"^\s*(\d{1,4})\s*,\s*(\d{1,4})\s*$")


def applies(example: Example) -> bool:
    """Only MedCalc rows: dates and (weeks, days) anywhere, numbers only with a calculator."""
    if example.answer_type in ("date", "weeks_days"):
        return True
    return example.answer_type in ANSWER_TYPES and "calculator_id" in example.meta


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The last date of the text (see the module doc for the forms read)."""
    best: tuple[int, date | None] | None = None
    s = normalize_text(text)
    slashed = last_date(s)
    if slashed is not None:
        at, month, day, year = slashed
        best = (at, _make_date(year, month, day))
    for m in _OTHER_DATES.finditer(s):
        if best is not None and m.start() < best[0]:
            continue
        if m.group("iy"):
            got = _make_date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        else:
            name = (m.group("m1") or m.group("m2")).lower()[:3]
            if name not in _MONTHS:
                continue
            day, year = (m.group("d1"), m.group("y1")) if m.group("m1") else (m.group("d2"),
                                                                              m.group("y2"))
            got = _make_date(int(year), _MONTHS[name], int(day))
        best = (m.start(), got)
    return best[1] if best else None


def parse_weeks_days(text: str) -> tuple[int, int] | None:
    """The answer's last (weeks, days), read by their labels in either order: "5 weeks 3 days",
    "3 days and 5 weeks", "5w3d", "38+2 weeks", "('5 weeks', '3 days')"; a weeks count with no
    days beside it has 0 days; else the last "(5, 3)" or "[5, 3]", or the whole answer "5, 3";
    else a days count alone (0 weeks). Days are not carried into weeks (the official rule
    compares the pair as written)."""
    s = normalize_text(text)
    tokens = list(_WD_TOKEN.finditer(s))
    best: tuple[int, tuple[int, int]] | None = None  # (where the reading ends, reading)
    weeks_at = [k for k, t in enumerate(tokens) if t.group("d") is None]
    if weeks_at:
        k = weeks_at[-1]
        t = tokens[k]
        if t.group("pw") is not None:
            best = (t.end(), (int(t.group("pw")), int(t.group("pd"))))
        else:
            days, end = 0, t.end()
            after = tokens[k + 1] if k + 1 < len(tokens) else None
            before = tokens[k - 1] if k > 0 else None
            if after is not None and _joined(s, t.end(), after.start()):
                days, end = int(after.group("d")), after.end()
            elif before is not None and before.group("d") is not None and \
                    _joined(s, before.end(), t.start()):
                days = int(before.group("d"))
            best = (end, (int(t.group("w")), days))
    pair = None
    for pair in _PAIR.finditer(s.replace("'", "").replace('"', "")):  # noqa: B007 (the last)
        pass
    if pair is None:
        pair = _BARE_PAIR.match(s.replace("'", "").replace('"', ""))
    if pair is not None and (best is None or pair.end() > best[0]):
        best = (pair.end(), (int(pair.group(1)), int(pair.group(2))))
    if best is None and tokens:
        return (0, int(tokens[-1].group("d")))
    return best[1] if best else None


def _joined(text: str, start: int, end: int) -> bool:
    return _JOIN.fullmatch(text, start, end) is not None


def _round(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_HALF_EVEN, context=CTX)


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
        if got is None:
            return Grade(False, "unparsable")
        return Grade(got == want, canonical=got.strftime("%m/%d/%Y"))
    if _is_weeks_days(target, example):
        want_wd = parse_weeks_days(target)
        if want_wd is None:
            return Grade(None, "error")
        got_wd = parse_weeks_days(answer)
        if got_wd is None:
            return Grade(False, "unparsable")
        return Grade(got_wd == want_wd, canonical=f"({got_wd[0]}, {got_wd[1]})")
    got = last_value(answer)
    if example.answer_type == "integer":
        want_n = last_value(target)
        if want_n is None:
            return Grade(None, "error")
        if got is None:
            return Grade(False, "unparsable")
        rounded = _round(got.value)
        return Grade(rounded == _round(want_n.value), canonical=canonical(rounded))
    try:
        lo = CTX.create_decimal(str(example.meta["lower_limit"]).strip())
        hi = CTX.create_decimal(str(example.meta["upper_limit"]).strip())
    except (KeyError, ArithmeticError, ValueError):
        return Grade(None, "error")
    if got is None:
        return Grade(False, "unparsable")
    return Grade(lo <= got.value <= hi, canonical=got.canonical)
