"""medcalc-official reproduces MedCalc-Bench v1.0's published verdict, quirks included.

The oracle below restates the official rules (evaluation/run.py `extract_answer` and
evaluation/evaluate.py `check_correctness` at 5523b77) as the regular expressions they are
specified by, on short inputs, with `ast.literal_eval` in place of the script's eval() of number
literals (it raises exactly where eval() does: "07", "N/A"). The grader implements the same rules
as linear scans; the tests check the two agree on every ground truth of the real test file and
on hundreds of constructed surface forms, and document each quirk against `medcalc`.
"""

from __future__ import annotations

import ast
import csv
import re
import sys

import pytest

from tests.helpers import SHARED_DATA
from tunegap.extract import medcalc_field
from tunegap.grade import medcalc, medcalc_official
from tunegap.types import Example

CSV = SHARED_DATA / "medcalc_bench" / "test_data.csv"


# ---------------------------------------------------------------- the oracle (rules as regexes)

def _literal(s: str):
    return ast.literal_eval(s)  # raises where the script's eval() of a literal raises


def oracle_answer_field(text: str) -> str | None:
    found = re.findall(r'[Aa]nswer":\s*(.*?)\}', text)
    if not found:
        return None
    s = found[-1].strip().strip('"')
    return None if s in medcalc_field.PLACEHOLDERS or not s else s


def oracle(answer: str, row: dict) -> bool:
    """The official verdict for an already extracted answer (no str(...) expressions here)."""
    calc, gt = int(row["Calculator ID"]), row["Ground Truth Answer"]
    try:
        if calc in (13, 68):
            m = re.search(r"^(0?[1-9]|1[0-2])\/(0?[1-9]|[12][0-9]|3[01])\/(\d{4})", answer)
            got = f"{int(m.group(1)):02}/{int(m.group(2)):02}/{m.group(3)}" if m else "N/A"
            return got == gt
        if calc == 69:
            return False  # the extraction step raises before comparing
        if row["Output Type"] == "integer":
            m = re.search(r"(\d+) out of", answer)
            if m:
                s = m.group(1)
            elif (m := re.search(r"-?\d+(, ?-?\d+)+", answer)):
                s = str(len(m.group(0).split(",")))
            else:
                nums = re.findall(r"(-?\d+(\.\d+)?)", answer)
                s = nums[-1][0] if nums else "N/A"
            return round(_literal(s)) == _literal(gt)
        m = re.search(r"(-?\d+(\.\d+)?)\s*mL/min/1.73", answer)
        if m:
            value = _literal(m.group(1))
        elif (pct := re.findall(r"(-?\d+(\.\d+)?)\%", answer)):
            value = _literal(pct[-1][0]) / 100
        else:
            nums = re.findall(r"(-?\d+(\.\d+)?)", answer)
            value = _literal(nums[-1][0]) if nums else _literal("N/A")
        return _literal(row["Lower Limit"]) <= _literal(str(value)) <= _literal(row["Upper Limit"])
    except (ValueError, SyntaxError, TypeError, OverflowError):
        return False


# ---------------------------------------------------------------- data

@pytest.fixture(scope="module")
def rows() -> list[dict]:
    if not CSV.is_file():
        pytest.skip(f"MedCalc-Bench not found at {CSV}")
    csv.field_size_limit(sys.maxsize)
    with CSV.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def examples(rows) -> dict[str, Example]:
    from tunegap.data import BENCHMARKS

    loaded = BENCHMARKS["medcalc"].load_test(SHARED_DATA)
    return {str(ex.meta["row_number"]): ex for ex in loaded}


def _official(answer: str | None, row: dict, ex: Example) -> bool:
    g = medcalc_official.grade(answer, ex.target, ex)
    assert g.status in ("ok", "unparsable", "missing"), g
    return g.correct is True


# ---------------------------------------------------------------- every ground truth

def test_every_ground_truth_agrees(rows, examples):
    assert len(rows) == 1047
    right = 0
    for row in rows:
        ex = examples[row["Row Number"]]
        gt = row["Ground Truth Answer"]
        want = oracle(gt, row)
        assert _official(gt, row, ex) is want, (row["Row Number"], gt)
        # end to end, as the published runs read a JSON reply
        reply = f'{{"step_by_step_thinking": "...", "answer": "{gt}"}}'
        answer = medcalc_field.extract(reply)
        assert answer == oracle_answer_field(reply)
        assert _official(answer, row, ex) is want
        right += want
    # 20 gestational-age rows can never be right under v1.0 (Quirk 2); all others are.
    assert right == 1047 - 20


# ---------------------------------------------------------------- constructed surface forms

def _forms(row: dict) -> list[str]:
    gt, kind = row["Ground Truth Answer"], row["Output Type"]
    if kind == "date":
        m, d, y = gt.split("/")
        return [gt, f"{int(m)}/{int(d)}/{y}", f"The estimated date is {gt}", f"{gt}.",
                f"{y}-{m}-{d}", f" {gt}", f"{m}/{d}/{int(y) + 1}", f"{gt} (40 weeks)",
                f"{int(m)}-{int(d)}-{y}", f"Date: {gt}"]
    if "weeks" in gt:
        w, d = re.findall(r"\d+", gt)
        return [gt, f"({w}, {d})", f"{w} weeks and {d} days", f"[{w}, {d}]", f"{w} weeks"]
    value = float(gt)
    forms = [gt, f"{gt} points", f"Score: {gt}", f"{value:.1f}", f"{gt}%", f"{value * 100:.2f}%",
             f"{gt} kg/m^2", f"{gt} mL/min/1.73 m²", f"{gt} mL/min/1.73m2", f"approximately {gt}",
             f"{value:,.3f}", f"1,{gt}", f"-{gt}", f"0{gt}", f"{gt} out of 10",
             f"{gt}, based on 1, 2", f"CURB-65 score: {gt}", f"score {gt} (CURB-65)",
             f"0 + 1 = {gt}", f"{value * 1000:.0f}"]
    return forms


def test_surface_forms_agree(rows, examples):
    by_calc: dict[str, list[dict]] = {}
    for row in rows:
        by_calc.setdefault(row["Calculator ID"], []).append(row)
    checked = differ = 0
    for calc_rows in by_calc.values():
        for row in calc_rows[:3]:
            ex = examples[row["Row Number"]]
            for form in _forms(row):
                assert _official(form, row, ex) is oracle(form, row), (row["Calculator ID"], form)
                checked += 1
                differ += (medcalc.grade(form, ex.target, ex).correct is True) != oracle(form, row)
    assert checked >= 200, checked
    assert differ > 0  # the two graders really do disagree on some forms
    print(f"\n{checked} surface forms agree with the official rules; medcalc differs on {differ}")


@pytest.mark.parametrize("text", [
    '{"answer": "5"} and {"answer": "7"}', 'x Answer": 3} y answer":\n 4}',
    'answer": 1 answer": 2}', 'answer": 1\n}', 'answer":   "12.5"  }', 'answer": }',
    '{"answer": "str(short_and_direct_answer_of_the_question)"}', '{"answer": "X.XX"}',
    'answer": 1} answer": 2', "no key", 'answer":\n\n"4"}', 'answer": 1 answer":\n2}',
])
def test_answer_field_matches_the_official_regex(text):
    assert medcalc_field.extract(text) == oracle_answer_field(text)


# ---------------------------------------------------------------- each quirk, documented

# (quirk, calculator row picker, answer, official verdict, medcalc verdict)
QUIRKS = [
    ("1 date after leading words", "13", "The due date is {gt}", False, True),
    ("2 gestational age always wrong", "69", "{gt}", False, True),
    ("3 thousands separator counted as a list", "4", "1,{gt}", None, None),
    ("3 a list is its item count", "4", "{gt}, 1, 2", None, None),
    ("4 hyphenated name read as negative", "4", "{gt} (CURB-65)", False, True),
    ("5 leading zero is a syntax error", "4", "0{gt}", False, True),
    ("6 percent divided by 100", "2", "{gt}%", False, True),
    ("7 unit exponent read as the value", "2", "{gt} kg/m^2", False, True),
    ("8 separator drops leading digits", "19", "{sep}", False, True),
]


@pytest.mark.parametrize("quirk,calc,template,official,ours", QUIRKS,
                         ids=[q[0] for q in QUIRKS])
def test_quirk(rows, examples, quirk, calc, template, official, ours):
    candidates = [r for r in rows if r["Calculator ID"] == calc
                  and r["Ground Truth Answer"] not in ("0", "1", "2", "3")]
    row = max(candidates, key=lambda r: len(r["Ground Truth Answer"]))  # 37492.904 for "19"
    ex = examples[row["Row Number"]]
    gt = row["Ground Truth Answer"]
    sep = f"{float(gt):,.3f}" if "weeks" not in gt and "/" not in gt else gt
    answer = template.format(gt=gt, sep=sep)
    want = oracle(answer, row) if official is None else official
    assert oracle(answer, row) is want
    assert _official(answer, row, ex) is want
    if ours is not None:
        assert (medcalc.grade(answer, ex.target, ex).correct is True) is ours


def test_expressions_are_evaluated_without_eval():
    ex = Example("medcalc", "x", "q", "25.2", "decimal",
                 meta={"calculator_id": 2, "lower_limit": 23.94, "upper_limit": 26.46})
    grade = lambda a: medcalc_official.grade(a, ex.target, ex)  # noqa: E731
    assert grade("str(round(25.2, 1))").correct is True
    assert grade("str(round((140 - 40) * 72 / (72 * 4), 1))").correct is True  # 25.0
    assert grade("str(math.sqrt(640))").correct is True  # 25.29...
    assert grade("str(5^2)").correct is True  # "^" is a power in the rewrite
    assert grade("str(log(5))").correct is False  # Quirk 9: "g" deleted, "lo" unknown
    assert grade("str(__import__('os').getcwd())").correct is False
    assert grade("str(10**100000)").correct is False  # refused, not computed
    assert grade("str(2 ** 0.5 * 18)").correct is True  # 25.45...


def test_extra_rules():
    date = Example("medcalc", "d", "q", "08/23/2021", "date", meta={"calculator_id": 13})
    assert medcalc_official.grade("8/23/2021", date.target, date).correct is True
    assert medcalc_official.grade("2021-08-23", date.target, date).correct is False
    assert medcalc.grade("2021-08-23", date.target, date).correct is True
    unknown = Example("medcalc", "u", "q", "5", "integer", meta={"calculator_id": 999})
    assert medcalc_official.grade("5", "5", unknown).correct is False  # unknown id: raises
    integer = Example("medcalc", "i", "q", "2", "integer", meta={"calculator_id": 4})
    assert medcalc_official.grade("2.5", "2", integer).correct is True  # half to even
    assert medcalc_official.grade("3.5", "2", integer).correct is False
    assert medcalc_official.grade("1e999999", "2", integer).correct is False
    assert medcalc_official.grade("9" * 5000 + ".5", "2", integer).status == "unparsable"


# ---------------------------------------------------------------- random strings, both ways

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = ["1", "2", "07", "0", "-", ".", ",", ", ", " ", "%", " out of ", "mL/min/1.73", "x",
           "\n", "}", '"', 'answer": ', 'Answer": ', "12/", "3/2021", "\u0663", "1.5", "str("]
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)
_ROWS = {
    "integer": {"Calculator ID": "4", "Output Type": "integer", "Ground Truth Answer": "2"},
    "decimal": {"Calculator ID": "2", "Output Type": "decimal", "Ground Truth Answer": "1.5",
                "Lower Limit": "1.425", "Upper Limit": "1.575"},
    "date": {"Calculator ID": "13", "Output Type": "date", "Ground Truth Answer": "12/03/2021"},
}


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(_TEXTS, st.sampled_from(sorted(_ROWS)))
def test_random_answers_agree_with_the_rules(text, kind):
    row = _ROWS[kind]
    ex = Example("medcalc", "r", "q", row["Ground Truth Answer"],
                 "date" if kind == "date" else kind,
                 meta={"calculator_id": int(row["Calculator ID"]),
                       "lower_limit": row.get("Lower Limit"), "upper_limit": row.get("Upper Limit")})
    if "str(" not in text:  # expressions are checked in test_expressions_are_evaluated_...
        assert _official(text, row, ex) is oracle(text, row), (kind, text)
    assert medcalc_field.extract(text) == oracle_answer_field(text), text
