"""Real-shaped answers under every grader that applies to them (issue 15, done-when 1).

Each row: answer, item kind, target, and the verdict of every grader that applies to that item
(the test fails if a grader applies and the row names no verdict for it). Verdicts: "+" right,
"-" wrong, "?" unparsable (wrong), "t" timeout. Letters: N numeric, S math-standard,
V math-verify, M medcalc, O medcalc-official, U unanswerable. Graded through the GraderPool,
as a run grades, so a grader that hangs (math-verify on a tower of powers) is a timeout.
"""

from __future__ import annotations

import pytest

from tunegap.grade import GRADERS, applies
from tunegap.grade.limits import GraderPool, Job
from tunegap.types import Example

LETTERS = {"N": "numeric", "S": "math-standard", "V": "math-verify", "M": "medcalc",
           "O": "medcalc-official", "U": "unanswerable"}
CODES = {"+": (True, "ok"), "-": (False, "ok"), "?": (False, "unparsable"), "t": (None, "timeout")}


def _ex(kind: str, target: str) -> Example:
    if kind == "gsm":
        return Example("gsm8k", "t", "q", target, "number")
    if kind == "math":
        return Example("math500", "t", "q", target, "latex")
    if kind == "none":
        return Example("gsm_plus", "t", "q", target, "none")
    calc, answer_type, limits = {
        "crcl": (2, "decimal", (23.9761, 26.4999)),  # Cockcroft-Gault, a real row's limits
        "bmi": (6, "decimal", (13.79875, 15.25125)),
        "curb": (45, "integer", None),
        "cha": (4, "integer", None),
        "due": (13, "date", None),
        "ga": (69, "weeks_days", None),
    }[kind]
    meta = {"calculator_id": calc}
    if limits:
        meta.update(lower_limit=limits[0], upper_limit=limits[1])
    return Example("medcalc", "t", "q", target, answer_type, meta=meta)


GA = "('14 weeks', '1 days')"
ROWS = [
    # GSM: numbers with units, words, arithmetic, Unicode minus, mixed numbers, huge values
    ("18", "gsm", "18", "N+ S+ V+"),
    ("18.0", "gsm", "18", "N+ S+ V+"),
    ("18.00", "gsm", "18", "N+ S+ V+"),
    ("$18", "gsm", "18", "N+ S+ V+"),
    (r"\$18.00", "gsm", "18", "N+ S+ V+"),
    ("18 dollars", "gsm", "18", "N+ S+ V-"),
    ("18 apples", "gsm", "18", "N+ S- V+"),
    ("\u221218", "gsm", "18", "N- S- V-"),
    ("\u22125", "gsm", "-5", "N+ S+ V+"),
    ("3 4", "gsm", "34", "N? S+ V-"),  # numeric keeps spaces; LaTeX ignores them
    ("5 3/4", "gsm", "23/4", "N+ S- V-"),
    ("1,000", "gsm", "1000", "N+ S+ V+"),
    ("1e3", "gsm", "1000", "N+ S- V-"),
    ("5 + 13 = 18", "gsm", "18", "N+ S- V+"),
    ("1e999999", "gsm", "18", "N- S- V-"),
    ("9" * 5000, "gsm", "18", "N- S- V-"),
    ("inf", "gsm", "18", "N? S- V-"),
    ("NaN", "gsm", "18", "N? S- V-"),
    ("eighteen", "gsm", "18", "N? S- V-"),
    (r"\boxed{18}", "gsm", "18", "N+ S+ V+"),
    ("18.", "gsm", "18", "N+ S+ V-"),
    ("The answer is 18", "gsm", "18", "N+ S- V-"),
    ("18 or 20", "gsm", "18", "N? S- V-"),
    ("x = 18", "gsm", "18", "N+ S+ V+"),
    ("-9867630", "gsm", "-9867630.0", "N+ S+ V+"),
    ("-9,867,630", "gsm", "-9867630.0", "N+ S+ V+"),
    ("\u22129867630.0", "gsm", "-9867630.0", "N+ S+ V+"),
    ("-9867630.000001", "gsm", "-9867630.0", "N+ S- V-"),
    ("1/2", "gsm", "0.5", "N+ S+ V+"),
    ("50%", "gsm", "0.5", "N- S- V+"),
    ("25%", "gsm", "25", "N+ S+ V+"),
    ("18 \u2013 20", "gsm", "18", "N? S- V-"),  # a range: two values, not a minus
    ("1\u202f000", "gsm", "1000", "N+ S+ V-"),  # a thin-space thousands separator
    # LaTeX: \boxed, matrices with row breaks, huge and symbolic answers
    (r"\frac{1}{2}", "math", r"\frac12", "S+ V+"),
    (r"\boxed{\frac{1}{2}}", "math", r"\frac{1}{2}", "S+ V+"),
    (r"The answer is $\boxed{5}$", "math", "5", "S+ V+"),
    (r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}",
     "math", r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}", "S+ V+"),
    (r"\begin{pmatrix}-\frac{1}{3}\\\frac{2}{3}\\\frac{5}{3}\end{pmatrix}",
     "math", r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}", "S+ V+"),
    (r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/4 \end{pmatrix}",
     "math", r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}", "S- V-"),
    (r"\begin{pmatrix}-1&0\\0&-1\end{pmatrix}",
     "math", r"\begin{pmatrix} -1 & 0 \\ 0 & -1 \end{pmatrix}", "S+ V+"),
    (r"\begin{bmatrix} -2 \\ -14 \\ -7 \end{bmatrix}",
     "math", r"\begin{pmatrix} -2 \\ -14 \\ -7 \end{pmatrix}", "S+ V+"),
    (r"\begin{pmatrix} -2 & -14 & -7 \end{pmatrix}",
     "math", r"\begin{pmatrix} -2 \\ -14 \\ -7 \end{pmatrix}", "S- V-"),
    ("10^{10^{10^{10}}}", "math", "5", "S- Vt"),
    ("1" + "0" * 5000, "math", "5", "S- V-"),
    (r"(-\infty, 3]", "math", r"(-\infty,3]", "S+ V+"),
    (r"\text{(C)}", "math", "C", "S+ V+"),
    ("x^2+1", "math", "x^{2}+1", "S+ V+"),
    (r"\sqrt{2}/2", "math", r"\frac{\sqrt{2}}{2}", "S+ V+"),
    ("0.7071", "math", r"\frac{\sqrt2}{2}", "S- V-"),
    (r"3\sqrt{2}", "math", r"\sqrt{18}", "S+ V+"),
    ("\u2212\\frac{1}{2}", "math", r"-\frac12", "S+ V+"),
    (r"\dfrac{1}{4}", "math", r"\frac{1}{4}", "S+ V+"),
    (r"5 \text{ cm}", "math", "5", "S+ V+"),
    (r"90^\circ", "math", "90", "S+ V+"),
    (r"\{1,2\}", "math", r"\{2,1\}", "S+ V+"),
    # MedCalc decimals: units, calculator words, percentages, Unicode minus
    ("25.238", "crcl", "25.238", "N+ S+ V+ M+ O+"),
    ("25.2", "crcl", "25.238", "N- S- V- M+ O+"),
    ("25.2 mL/min", "crcl", "25.238", "N- S- V- M+ O+"),
    ("25.2 mL/min/1.73 m\u00b2", "crcl", "25.238", "N- S- V- M+ O+"),
    ("2520%", "crcl", "25.238", "N- S- V- M- O+"),
    ("Creatinine clearance = 25.2 mL/min", "crcl", "25.238", "N- S- V- M+ O+"),
    ("1e999999", "crcl", "25.238", "N- S- V- M- O-"),
    ("\u221225.2", "crcl", "25.238", "N- S- V- M- O+"),  # the official regex skips "−"
    ("approximately 25", "crcl", "25.238", "N- S- V- M+ O+"),
    ("14.525 kg/m^2", "bmi", "14.525", "N+ S- V- M+ O-"),
    ("14.5 kg/m2", "bmi", "14.525", "N- S- V- M+ O-"),
    ("BMI = 14.5", "bmi", "14.525", "N- S- V- M+ O+"),
    ("14,525", "bmi", "14.525", "N- S- V- M- O-"),
    # MedCalc integers: calculator names with digits, arithmetic shown, "out of", leading zero
    ("CURB-65 score: 1", "curb", "1", "N+ S- V- M+ O+"),
    ("1 (CURB-65)", "curb", "1", "N+ S- V- M+ O-"),
    ("0 + 1 + 0 + 0 + 0 = 1", "curb", "1", "N+ S- V+ M+ O+"),
    ("1 out of 5", "curb", "1", "N? S- V- M+ O+"),
    ("01", "curb", "1", "N+ S+ V+ M+ O?"),
    ("1.0", "curb", "1", "N+ S+ V+ M+ O+"),
    ("1.5", "curb", "1", "N- S- V- M- O-"),
    ("9" * 5000, "curb", "1", "N- S- V- M- O?"),
    ("CHA2DS2-VASc score is 3", "cha", "3", "N+ S- V- M+ O+"),
    ("1 + 1 + 1 = 3", "cha", "3", "N+ S- V+ M+ O+"),
    ("0 + 1 + 1 = 3", "cha", "3", "N+ S- V+ M+ O+"),
    ("3, based on age and sex", "cha", "3", "N+ S- V- M+ O+"),
    ("1, 1, 1", "cha", "3", "N? S- V- M- O+"),  # the official counts a list's items
    ("1 out of 4 criteria met, so the score is 3", "cha", "3", "N? S- V- M+ O-"),
    # MedCalc dates and gestational ages
    ("08/23/2021", "due", "08/23/2021", "M+ O+"),
    ("8/23/2021", "due", "08/23/2021", "M+ O+"),
    ("The estimated due date is 08/23/2021.", "due", "08/23/2021", "M+ O?"),
    ("2021-08-23", "due", "08/23/2021", "M+ O?"),
    ("August 23, 2021", "due", "08/23/2021", "M+ O?"),
    ("08/24/2021", "due", "08/23/2021", "M- O-"),
    ("23/08/2021", "due", "08/23/2021", "M? O?"),
    (GA, "ga", GA, "M+ O-"),
    ("(14, 1)", "ga", GA, "M+ O-"),
    ("14 weeks and 1 day", "ga", GA, "M+ O-"),
    ("15 weeks 1 day", "ga", GA, "M- O-"),
    # GSM-Plus critical thinking: the right response commits to no value
    ("None", "none", "None", "U+"),
    ("cannot be determined", "none", "None", "U+"),
    ("18", "none", "None", "U-"),
    ("1e999999", "none", "None", "U-"),
]


def _expected(spec: str) -> dict[str, tuple[bool | None, str]]:
    return {LETTERS[tok[0]]: CODES[tok[1]] for tok in spec.split()}


@pytest.fixture(scope="module")
def verdicts() -> dict[tuple[int, str], tuple[bool | None, str]]:
    pytest.importorskip("math_verify")
    jobs, keys = [], []
    for i, (answer, kind, target, _spec) in enumerate(ROWS):
        ex = _ex(kind, target)
        for name in GRADERS:
            if applies(name, ex):
                jobs.append(Job(name, answer, target, ex))
                keys.append((i, name))
    with GraderPool(limit_s=5.0, warm=("math-verify",)) as pool:
        grades = pool.grade_many(jobs)
    return {k: (g.correct, g.status) for k, g in zip(keys, grades)}


def test_table_is_big_and_varied():
    assert len(ROWS) >= 80
    kinds = {kind for _a, kind, _t, _s in ROWS}
    assert kinds >= {"gsm", "math", "crcl", "bmi", "curb", "cha", "due", "ga", "none"}
    codes = {tok for *_x, spec in ROWS for tok in spec.split()}
    for letter in LETTERS:  # every grader is seen both right and wrong
        assert f"{letter}+" in codes and f"{letter}-" in codes, letter


@pytest.mark.parametrize("i", range(len(ROWS)), ids=[f"{r[1]}:{r[0][:40]}" for r in ROWS])
def test_row(verdicts, i):
    answer, kind, target, spec = ROWS[i]
    want = _expected(spec)
    ex = _ex(kind, target)
    graded = {name for name in GRADERS if applies(name, ex)}
    assert set(want) == graded, f"row names {sorted(want)}, graders that apply: {sorted(graded)}"
    got = {name: verdicts[(i, name)] for name in graded}
    assert got == want
