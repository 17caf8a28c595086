"""Issue 5, point 1: the real release files load to exactly the official counts, with the
metadata the analysis reads (categories, answer types, perturbation kinds, seed ids, pairing)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import SHARED_DATA
from tunegap.data import BENCHMARKS, get_benchmark, gsm8k, math_perturb, medcalc


@pytest.fixture(scope="module")
def data() -> Path:
    if not (SHARED_DATA / "SOURCES.md").is_file():
        pytest.skip(f"the benchmark release files are not at {SHARED_DATA} (CI keeps them beside "
                    "the checkout in shared/data)")
    return SHARED_DATA


def load(name: str, data: Path):
    return get_benchmark(name).load_test(data)


def test_gsm8k_test_and_train(data):
    test = load("gsm8k", data)
    train = gsm8k.load_exemplars(data)
    assert (len(test), len(train)) == (1319, 7473)
    assert len({e.id for e in test}) == 1319
    assert test[0].target == "18" and "<<" not in (test[0].solution or "")
    assert all("," not in e.target for e in test)  # "#### 1,000" is read as 1000


def test_math500(data):
    exs = load("math500", data)
    assert len(exs) == 500
    assert Counter(e.meta["level"] for e in exs) == {1: 43, 2: 90, 3: 105, 4: 128, 5: 134}
    assert Counter(e.meta["subject"] for e in exs)["Intermediate Algebra"] == 97
    assert {e.answer_type for e in exs} == {"latex"}
    first = exs[0]
    assert first.meta["unique_id"] == "test/precalculus/807.json"
    assert first.target == "\\left( 3, \\frac{\\pi}{2} \\right)"


def test_math_perturb_pairs_every_row_with_an_original(data):
    hard, simple = load("math_perturb_hard", data), load("math_perturb_simple", data)
    originals = load("math_perturb_original", data)
    assert (len(hard), len(simple), len(originals)) == (279, 279, 279)
    original_ids = {o.id for o in originals}
    for kind, exs in (("hard", hard), ("simple", simple)):
        assert all(e.meta["seed_id"] in original_ids for e in exs)
        assert all(e.meta["perturbation"] == kind and e.meta["has_original"] for e in exs)
        assert {e.meta["level"] for e in exs} == {5}
    # Hard and Simple pair up by problem_id, in the same order.
    assert [e.meta["problem_id"] for e in hard] == [e.meta["problem_id"] for e in simple]
    ambiguous = sorted(e.meta["problem_id"] for e in hard if e.meta["match_ambiguous"])
    assert ambiguous == [250, 2652]
    assert sorted(o.meta["problem_id"] for o in originals if o.meta["match_ambiguous"]) == ambiguous
    # Answers arrive as int, float and LaTeX string; all become text.
    assert all(isinstance(e.target, str) and e.target for e in hard + simple)
    by_id = {o.id: o for o in originals}
    first = hard[0]
    assert first.meta["problem_id"] == 1 and first.target == "36"
    assert by_id[first.meta["seed_id"]].target == "26"
    assert by_id[first.meta["seed_id"]].meta["unique_id"] == "test/algebra/1231.json"
    # The one-shot exemplar of a perturbed problem is its original with the MATH solution.
    shot = get_benchmark("math_perturb_hard").exemplars_for(first, data)
    assert [s.id for s in shot] == [first.meta["seed_id"]] and "\\boxed" in shot[0].solution


def test_medcalc_categories_types_and_exemplars(data):
    exs = load("medcalc", data)
    assert len(exs) == 1047
    cats = Counter(e.meta["category"].capitalize() for e in exs)
    assert cats == {"Lab": 327, "Risk": 240, "Physical": 240, "Severity": 80, "Diagnosis": 60,
                    "Date": 60, "Dosage": 40}
    assert len({e.meta["calculator_id"] for e in exs}) == 55
    types = Counter(e.answer_type for e in exs)
    assert types == {"decimal": 627, "integer": 360, "date": 40, "weeks_days": 20}
    assert {e.meta["calculator_id"] for e in exs if e.answer_type == "weeks_days"} == {69}
    assert {e.meta["calculator_id"] for e in exs if e.answer_type == "date"} == {13, 68}
    first = exs[0]
    assert first.meta["lower_limit"] == pytest.approx(23.9761)
    assert first.meta["upper_limit"] == pytest.approx(26.4999)
    assert first.context and first.context.startswith("An 87-year-old man")
    # One official exemplar per calculator; it answers the item's own question.
    shots = {e.meta["calculator_id"]: medcalc.one_shot_exemplar(e, data)[0] for e in exs}
    assert len(shots) == 55
    assert shots[2].target == "12.949" and shots[2].question == first.question
    assert shots[69].target == "('34 weeks', '3 days')"
    # The benchmark's own folder works as the data dir too.
    assert len(medcalc.load_test(data / "medcalc_bench")) == 1047


def test_gsm_plus(data):
    exs = load("gsm_plus", data)
    assert len(exs) == 2400
    kinds = Counter(e.meta["perturbation"] for e in exs)
    assert len(kinds) == 8 and set(kinds.values()) == {300}
    unanswerable = [e for e in exs if e.meta["perturbation"] == "critical thinking"]
    assert {e.answer_type for e in unanswerable} == {"none"}
    assert {e.answer_type for e in exs if e not in unanswerable} == {"number"}
    # Seeds link to GSM8K test items: 300 seeds, 8 variants each.
    seeds = Counter(e.meta["seed_id"] for e in exs)
    assert len(seeds) == 300 and set(seeds.values()) == {8}
    gsm = {e.id: e for e in load("gsm8k", data)}
    for e in exs[:50]:
        assert gsm[e.meta["seed_id"]].question.strip() == e.meta["seed_question"].strip()
        assert gsm[e.meta["seed_id"]].target == e.meta["seed_answer"]


def test_gsm_hard(data):
    exs = load("gsm_hard", data)
    assert len(exs) == 1319
    assert exs[0].target == "-9867630"
    assert sum(not e.meta["integer_target"] for e in exs) == 303
    assert sum(e.target.startswith("-") for e in exs) == 146


def test_every_benchmark_declares_known_settings_and_family():
    import inspect

    from tunegap.prompts import FAMILIES, PromptFamily
    from tunegap.setting_kinds import SETTING_KINDS

    for bench in BENCHMARKS.values():
        assert set(bench.settings) <= set(SETTING_KINDS), bench.name
        assert bench.prompt_family in FAMILIES, bench.name
    # Every family implements the one protocol, with the one signature.
    protocol = inspect.signature(PromptFamily.render).parameters
    for name, family in FAMILIES.items():
        params = inspect.signature(family.render).parameters
        assert list(params) == [p for p in protocol if p != "self"], name
    assert get_benchmark("medcalc").settings == ("direct", "zeroshot_cot", "oneshot_cot")
    assert math_perturb.BENCHMARKS[0] is get_benchmark("math_perturb_hard")  # the paper's set
