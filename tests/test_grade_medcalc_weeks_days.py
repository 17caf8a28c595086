"""`medcalc` reads a gestational age (weeks, days) by its labels, in every order and form, and
is checked form by form against MedCalc-Bench's official rule for calculator 69.

The official rule (ncbi-nlp/MedCalc-Bench, evaluation/run.py `extract_answer` and
evaluation/evaluate.py `check_correctness`, calculator 69 branch; at v1.0, 5523b77, the
extraction step raises first and every row is wrong, see grade/medcalc_official.py Quirk 2):
brackets become parentheses and quotes are dropped, then the *first* match of
`\\(?["']?(\\d+)\\s*(weeks?)?["']?,?\\s*["']?(\\d+)\\s*(days?)?["']?\\s*\\)?` gives (weeks, days) =
(first number, second number) by position, compared as a tuple with the ground truth read the
same way. Restated below as `official` (a regex on short inputs; no eval()).

Where the official rule reads by position it agrees with `medcalc`; the table says, row by row,
where it does not (reversed order, compact "5w3d", "and" between the parts), and why `medcalc`
is right there.
"""

from __future__ import annotations

import re

import pytest

from tunegap.grade import medcalc
from tunegap.types import Example

_OFFICIAL = re.compile(r"\(?[\"']?(\d+)\s*(weeks?)?[\"']?,?\s*[\"']?(\d+)\s*(days?)?[\"']?\s*\)?")


def official(answer: str, target: str) -> bool:
    want = _OFFICIAL.search(target)
    answer = answer.replace("[", "(").replace("]", ")").replace("'", "").replace('"', "")
    got = _OFFICIAL.search(answer)
    if got is None:
        return False
    return (int(got.group(1)), int(got.group(3))) == (int(want.group(1)), int(want.group(3)))


def _target(w: int, d: int) -> str:
    return f"('{w} weeks', '{d} days')"  # MedCalc-Bench's ground-truth form


# (answer, target (weeks, days), medcalc's verdict, does the official rule give the same verdict)
FORMS = [
    ("5 weeks 3 days", (5, 3), True, True),
    ("5 weeks, 3 days", (5, 3), True, True),
    ("(5 weeks, 3 days)", (5, 3), True, True),
    ("('5 weeks', '3 days')", (5, 3), True, True),
    ("(5, 3)", (5, 3), True, True),
    ("[5, 3]", (5, 3), True, True),
    ("Gestational age: 5 weeks, 3 days.", (5, 3), True, True),
    ("It is 5 weeks and 3 days, i.e. (5, 3).", (5, 3), True, True),
    ("5 weeks 3 days (38 days)", (5, 3), True, True),
    ("0 weeks 6 days", (0, 6), True, True),
    ("5 weeks, 0 days", (5, 0), True, True),
    ("40 weeks 0 days", (40, 0), True, True),
    # wrong readings are wrong under both
    ("5 weeks 4 days", (5, 3), False, True),
    ("3 weeks 5 days", (5, 3), False, True),
    ("5 weeks", (5, 3), False, True),  # 0 days, not 3
    ("3 days, 5 weeks", (5, 0), False, True),  # the false positive of the old reading
    ("5.5 weeks", (5, 3), False, True),
    ("five weeks three days", (5, 3), False, True),
    # the official rule reads by position or needs two numbers in its own shape: medcalc reads
    # the labels, so these are right
    ("3 days, 5 weeks", (5, 3), True, False),  # official: (3, 5)
    ("3 days and 5 weeks", (5, 3), True, False),  # official: no match
    ("6 days, 0 weeks", (0, 6), True, False),  # official: (6, 0); the old reading: (0, 0)
    ("5 weeks and 3 days", (5, 3), True, False),  # official: "and" stops its match
    ("5w3d", (5, 3), True, False),
    ("5w 3d", (5, 3), True, False),
    ("5 wks 3 d", (5, 3), True, False),
    ("38+2 weeks", (38, 2), True, False),  # obstetric notation for 38 weeks 2 days
    ("5 weeks", (5, 0), True, False),  # official: one number is no match
]


@pytest.mark.parametrize(("answer", "wd", "right", "official_agrees"), FORMS)
def test_weeks_days_forms_against_the_official_rule(answer, wd, right, official_agrees):
    target = _target(*wd)
    ex = Example("medcalc", "x", "q", target, "weeks_days", meta={"calculator_id": 69})
    g = medcalc.grade(answer, target, ex)
    assert (g.correct is True) is right, (answer, g)
    assert (official(answer, target) is right) is official_agrees, answer


def test_the_table_is_wide_enough():
    assert len(FORMS) >= 20
    assert sum(1 for f in FORMS if f[3]) >= 15  # agreeing with the official rule on most forms
    orders = {"days" in a.split("week")[0] for a, *_ in FORMS if "week" in a and "day" in a}
    assert orders == {True, False}  # both orders are in it
