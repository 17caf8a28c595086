"""tunegap's template language: its own templates render their reference problems, and a
malformed template is one error naming file, line and field."""

import random
import re
from collections import Counter
from fractions import Fraction

import pytest

from tunegap.errors import UserError
from tunegap.templates.expr import evaluate
from tunegap.templates.gsm_templates import TEMPLATES, instantiate
from tunegap.templates.lang import SLOT, check_reference, parse_templates

GOOD = """
== trees (2 steps)
Q: {n} plants {r} rows of {t} trees, and {k} die. How many trees are left?
n: name = Ava
r: int 2..9 = 3
t: int 2..9 = 4
k: int 1..5 step 2 = 3
if: k < r * t
S: {r} x {t} = {r * t}.
S: {r * t} - {k} = {r * t - k}.
A: r * t - k
R: Ava plants 3 rows of 4 trees, and 3 die. How many trees are left? #### 9
"""


def test_at_least_60_templates_one_to_six_steps_each_level_populated():
    assert len(TEMPLATES) >= 60
    levels = Counter(t.steps for t in TEMPLATES)
    assert set(levels) == {1, 2, 3, 4, 5, 6}
    assert min(levels.values()) >= 5


@pytest.mark.parametrize("tpl", TEMPLATES, ids=lambda t: t.id)
def test_defaults_render_the_reference_problem_and_answer(tpl):
    assert tpl.reference is not None, f"{tpl.id} has no R: line"
    problem = instantiate(tpl, tpl.defaults())
    assert problem.question == tpl.reference[0]
    assert problem.answer == tpl.reference[1]
    assert check_reference(tpl) == []
    # The worked solution ends on the answer, and declares as many lines as steps.
    assert int(re.findall(r"\d+", problem.solution)[-1]) == problem.answer
    assert len(tpl.solution) == tpl.steps


def test_a_reference_that_disagrees_is_reported():
    tpl = parse_templates(GOOD.replace("#### 9", "#### 10"), source="mine.tpl")[0]
    assert any("reference says 10" in p for p in check_reference(tpl))
    tpl = parse_templates(GOOD.replace("k: int 1..5 step 2 = 3", "k: int 1..5 step 2 = 5"),
                          source="mine.tpl")[0]
    assert any("renders" in p for p in check_reference(tpl))


def test_parsed_template_draws_and_evaluates():
    tpl = parse_templates(GOOD, source="mine.tpl")[0]
    assert tpl.variables["k"].domain == range(1, 6, 2)
    values = tpl.sample(random.Random(4))
    assert values["k"] in (1, 3, 5) and values["n"] != ""
    assert tpl.value(values) == values["r"] * values["t"] - values["k"]


@pytest.mark.parametrize("edit, line, field, message", [
    (("R: Ava", "R Ava"), 12, None, "expected 'KEY: text'"),
    (("r: int 2..9 = 3", "r: int 2..9 = 30"), 5, "r", "outside"),
    (("r: int 2..9 = 3", "r: integer 2..9 = 3"), 5, "r", "unknown type 'integer'"),
    (("t: int 2..9 = 4", "t: object furniture = chairs"), 6, "t", "KIND one of"),
    (("A: r * t - k", "A: r * t - q"), 11, "A", "unknown variable 'q'"),
    (("if: k < r * t", "if: k < r *"), 8, "if", "cannot parse"),
    (("S: {r} x {t} = {r * t}.\n", ""), 2, "S", "declares 2 steps but has 1"),
    (("== trees (2 steps)", "== trees"), 2, "==", "header"),
    (("A: r * t - k\n", ""), 2, "A", "no A: line"),
    (("#### 9", "9"), 12, "R", "must end with"),
    (("n: name = Ava", "n: name Ava"), 4, "n", "needs a default"),
])
def test_malformed_template_is_one_error_naming_file_line_field(edit, line, field, message):
    text = GOOD.replace(*edit)
    with pytest.raises(UserError) as exc:
        parse_templates(text, source="mine.tpl")
    err = exc.value
    assert (err.file, err.row, err.field) == ("mine.tpl", line, field)
    assert message in err.message and "\n" not in err.one_line()
    assert err.exit_code == 2


def test_duplicate_ids_are_refused():
    with pytest.raises(UserError, match="appears twice"):
        parse_templates(GOOD + GOOD, source="mine.tpl")


def test_every_slot_and_condition_reads_declared_variables_only():
    for tpl in TEMPLATES:
        env = tpl.defaults()
        for text in (tpl.question, *tpl.solution):
            for expr in SLOT.findall(text):
                value = evaluate(expr, env)
                assert isinstance(value, (str, Fraction)), (tpl.id, expr)
