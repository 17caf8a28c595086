"""tunegap's own GSM-style generator: enough templates, 1-6 steps, exact answers, deterministic."""

import re
from collections import Counter

from tunegap.data.synthetic import load_exemplars, load_test
from tunegap.templates.gsm_templates import TEMPLATES, draw, generate


def test_at_least_60_templates_spanning_one_to_six_steps():
    assert len(TEMPLATES) >= 60
    steps = Counter(t.steps for t in TEMPLATES)
    assert set(steps) == {1, 2, 3, 4, 5, 6}
    assert len({t.id for t in TEMPLATES}) == len(TEMPLATES)


def test_generation_is_deterministic_in_the_seed():
    assert generate(60, seed=3) == generate(60, seed=3)
    assert generate(60, seed=3) != generate(60, seed=4)


def test_every_solution_ends_on_its_answer_and_answers_are_positive():
    import random

    rng = random.Random(0)
    for tpl in TEMPLATES:
        for _ in range(40):
            p = draw(tpl, rng)
            assert p.answer > 0, (tpl.id, p)
            numbers = re.findall(r"\d+", p.solution)
            assert int(numbers[-1]) == p.answer, (tpl.id, p.solution, p.answer)
            # every step line is an equation whose right side we can check
            for lhs, rhs in re.findall(r"(\d+(?: [-+x/] \d+)+) = \$?(\d+)", p.solution):
                tokens = lhs.split()
                value = int(tokens[0])
                for op, num in zip(tokens[1::2], tokens[2::2]):
                    n = int(num)
                    value = {"+": value + n, "-": value - n, "x": value * n,
                             "/": value // n if value % n == 0 else None}[op]
                    assert value is not None, (tpl.id, lhs)
                assert value == int(rhs), (tpl.id, lhs, rhs)


def test_test_and_exemplar_splits_do_not_overlap():
    test_q = {e.question for e in load_test()}
    train_q = {e.question for e in load_exemplars()}
    assert len(test_q) > 200
    assert not test_q & train_q
