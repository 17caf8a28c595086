"""Paired statistics through `tunegap run` on the real benchmark files (scripted models whose
right/wrong pattern is a rule of the item, so every count can be recomputed from the data):

- MedCalc-Bench, all 1,047 rows × direct / zero-shot / one-shot: per-category paired comparisons
  for all 7 categories, with the exact 2×2 tables;
- MATH-Perturb Hard + its originals, both sides: drops, consistency and the difference of drops.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter

import pytest

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.data import get_benchmark
from tunegap.runner import run


def _last_text(req) -> str:
    return req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text


def test_medcalc_all_rows_three_settings_per_category(tmp_path, shared_data):
    rows = get_benchmark("medcalc").load_test(shared_data)
    assert len(rows) == 1047
    # Seven rows repeat another row's note, question and answer: one prompt, one rule.
    task_of = {ex.id: f"{ex.context.strip()}\n\nTask: {ex.question.strip()}" for ex in rows}
    by_task = {task_of[ex.id]: ex for ex in rows}

    def responder(right):
        def respond(req, i):
            task = _last_text(req).rsplit("Patient note:\n", 1)[1].removesuffix("\nAnswer:")
            ex = by_task[task]
            answer = ex.target if right(task) else "123456789"
            return json.dumps({"step_by_step_thinking": "...", "answer": answer})
        return respond

    inst_right = lambda task: zlib.crc32(task.encode()) % 2 == 0  # noqa: E731
    base_right = lambda task: zlib.crc32(task.encode()) % 3 == 0  # noqa: E731
    RESPONDERS["scripted:mi"], RESPONDERS["scripted:mb"] = (responder(inst_right),
                                                            responder(base_right))
    cfg = RunConfig.model_validate({
        "name": "medcalc", "out": str(tmp_path / "run"), "data_dir": str(shared_data),
        "benchmarks": ["medcalc"], "settings": ["direct", "zeroshot_cot", "oneshot_cot"],
        "pairs": [scripted_pair("mb", "mi", batch_size=256)], "extractors": ["json"],
        "graders": ["medcalc"]})
    run(cfg, progress=False)
    results = json.loads((tmp_path / "run" / "results.json").read_text())

    want: dict[str, Counter] = {}
    for ex in rows:
        i, b = inst_right(task_of[ex.id]), base_right(task_of[ex.id])
        want.setdefault(ex.meta["category"], Counter()).update(
            {"n": 1, "both": i and b, "b": b and not i, "c": i and not b})
    assert len(want) == 7
    cats = [r for r in results["breakdowns"] if r["group_key"] == "category"]
    for setting in ("direct", "zeroshot_cot", "oneshot_cot"):
        got = {r["group"]: r for r in cats if r["setting"] == setting}
        assert set(got) == set(want), setting
        for cat, w in want.items():
            r = got[cat]
            assert (r["n"], r["both_right"], r["base_only"], r["instruct_only"]) == \
                (w["n"], w["both"], w["b"], w["c"]), (setting, cat)
            assert r["delta"] == pytest.approx(100 * (w["c"] - w["b"]) / w["n"])
            assert r["ci_low"] <= r["delta"] <= r["ci_high"]
            assert r["test"] == "mcnemar-exact" and 0 <= r["p_value"] <= 1
            assert r["p_holm"] >= r["p_value"]
    # The overall comparison agrees with the categories summed.
    overall = [c for c in results["comparisons"] if c["metric"] == "accuracy"]
    assert len(overall) == 3 and all(c["n"] == 1047 for c in overall)
    assert overall[0]["instruct_only"] == sum(w["c"] for w in want.values())
    # Calculators are a breakdown too (55 of them).
    calcs = {r["group"] for r in results["breakdowns"]
             if r["group_key"] == "calculator_name" and r["setting"] == "direct"}
    assert len(calcs) == 55


def test_math_perturb_hard_and_originals_drop_and_difference_of_drops(tmp_path, shared_data):
    hard = get_benchmark("math_perturb_hard").load_test(shared_data)
    orig = get_benchmark("math_perturb_original").load_test(shared_data)
    problems = {ex.question: ex for ex in [*hard, *orig]}
    # instruct: originals right when pid % 2 == 0, hard variants when pid % 4 == 0;
    # base: originals when pid % 3 == 0, hard when pid % 6 == 0.
    rule = {("instruct", True): 2, ("instruct", False): 4, ("base", True): 3, ("base", False): 6}

    def responder(side):
        def respond(req, i):
            text = _last_text(req)
            ex = next(problems[q] for q in problems if q in text)
            pid = ex.meta["problem_id"]
            ok = pid % rule[(side, ex.benchmark == "math_perturb_original")] == 0
            return f"Done. \\boxed{{{ex.target if ok else 'WRONG'}}}"
        return respond

    RESPONDERS["scripted:pi"], RESPONDERS["scripted:pb"] = responder("instruct"), responder("base")
    cfg = RunConfig.model_validate({
        "name": "perturb", "out": str(tmp_path / "run"), "data_dir": str(shared_data),
        "benchmarks": ["math_perturb_original", "math_perturb_hard"], "settings": ["zeroshot_cot"],
        "pairs": [scripted_pair("pb", "pi", batch_size=64)], "extractors": ["boxed"],
        "graders": ["math-standard"], "seed": 5})
    run(cfg, progress=False)
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    (row,) = [r for r in results["robustness"] if r["benchmark"] == "math_perturb_hard"]
    pids = [ex.meta["problem_id"] for ex in hard]
    n = len(pids)
    frac = lambda m: sum(p % m == 0 for p in pids) / n  # noqa: E731
    for side, (o, v) in {"instruct": (2, 4), "base": (3, 6)}.items():
        d = row[side]
        assert d["n"] == d["seeds"] == n == 279
        assert d["original"] == pytest.approx(100 * frac(o))
        assert d["variant"] == pytest.approx(100 * frac(v))
        assert d["drop"] == pytest.approx(100 * (frac(o) - frac(v)))
        assert d["consistency"] == pytest.approx(100 * frac(v))  # v divides o's rule
        assert d["drop_ci"][0] < d["drop"] < d["drop_ci"][1]
    did = 100 * ((frac(2) - frac(4)) - (frac(3) - frac(6)))
    assert row["n_paired"] == n and row["did"] == pytest.approx(did)
    assert row["did_ci"][0] < row["did"] < row["did_ci"][1]
    assert row["significant"] == (row["did_ci"][0] > 0 or row["did_ci"][1] < 0)
    tables = (tmp_path / "run" / "tables.md").read_text()
    assert "## Original vs variant" in tables and "Difference of drops" in tables
