"""Sensitivity: Cohen's kappa, and `tunegap grade` on a real stored demo run."""

from __future__ import annotations

import math
import sqlite3

import pytest
from typer.testing import CliRunner

from tunegap.analysis.sensitivity import cohen_kappa
from tunegap.rundir import STORE_NAME


def test_kappa_textbook_and_edges():
    # 50 items: both yes 20, both no 15, only A 5, only B 10 → po .70, pe .50, κ .40
    assert cohen_kappa(20, 15, 5, 10) == pytest.approx(0.4)
    assert cohen_kappa(10, 10, 0, 0) == pytest.approx(1.0)
    assert cohen_kappa(0, 0, 5, 5) == pytest.approx(-1.0)
    assert cohen_kappa(7, 0, 0, 0) == 1.0  # constant and equal
    assert math.isnan(cohen_kappa(0, 0, 0, 0))


def _table(path, sql):
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_grade_stored_demo_run(tmp_path):
    import tunegap

    cfg = tunegap.load_preset("demo").with_overrides(
        limit=2, out=tmp_path, decoding=[{"strategy": "greedy", "max_tokens": 32}])
    tunegap.run(cfg, progress=False)
    db_path = tmp_path / STORE_NAME
    gens_sql = "SELECT * FROM generations ORDER BY request_key, sample_index"
    before = _table(db_path, gens_sql)
    graders_before = {r[0] for r in _table(db_path, "SELECT DISTINCT grader FROM grades")}
    assert before and graders_before == set(cfg.resolved_graders()) == {"numeric"}

    from tunegap.cli import app

    res = CliRunner().invoke(app, ["grade", str(tmp_path), "--extractors", "boxed,json",
                                   "--graders", "math-standard,math-verify"])
    assert res.exit_code == 0, res.output

    assert _table(db_path, gens_sql) == before  # generations untouched
    extractors = {r[0] for r in _table(db_path, "SELECT DISTINCT extractor FROM answers")}
    graders = {r[0] for r in _table(db_path, "SELECT DISTINCT grader FROM grades")}
    assert {*cfg.extractors, "boxed", "json"} <= extractors
    assert {*cfg.resolved_graders(), "math-standard", "math-verify"} <= graders
    n_units = len(before)
    n_rows = _table(db_path, "SELECT COUNT(*) FROM grades")[0][0]
    assert n_rows == n_units * len(extractors) * len(graders)

    tables = (tmp_path / "tables.md").read_text(encoding="utf-8")
    assert "## Extractor and grader sensitivity" in tables
    assert "numeric vs math-standard" in tables and "boxed / math-verify" in tables
    assert "math-standard inst" in tables  # the Δ-per-grader layout
    samples = (tmp_path / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    assert '"json/math-verify"' in samples[0]

    s = tunegap.rebuild_report(tmp_path)
    pairs = {(a.grader_a, a.grader_b) for a in s.agreements}
    assert ("numeric", "math-standard") in pairs
    for a in s.agreements:
        assert a.n == a.both_right + a.both_wrong + a.only_a + a.only_b
        assert len(a.disagreements) == min(a.disagree, 50)


def test_terminal_summary_uses_each_benchmarks_own_grader(tmp_path):
    """The paper presets list numeric first; MedCalc must still be summarised under medcalc
    (its limits) and Math-500 under a LaTeX grader, not dropped or graded as plain numbers."""
    from tests.helpers import scripted_pair
    from tunegap.analysis.compare import Comparison, compare_items
    from tunegap.config import RunConfig
    from tunegap.results import Results

    graders = ["numeric", "math-verify", "medcalc"]
    stats = compare_items([1, 1, 0, 0, 1], [1, 0, 0, 0, 0], list("abcde"), binary=True)
    rows = [Comparison("p", b, "zeroshot_cot", "greedy", "strict", g, "accuracy", **stats)
            for b, gs in [("medcalc", ["numeric", "medcalc"]), ("math500", ["math-verify"]),
                          ("gsm8k", ["numeric"])] for g in gs]
    cfg = RunConfig.model_validate({"name": "x", "pairs": [scripted_pair()], "benchmarks":
                                    ["gsm8k"], "settings": ["zeroshot_cot"],
                                    "extractors": ["strict"], "graders": graders})
    from tunegap.resolved import resolve

    res = Results(run_dir=tmp_path, resolved=resolve(cfg), items=[], cells=[], comparisons=rows)
    assert [res.primary_grader(b) for b in ("medcalc", "math500", "gsm8k")] == \
        ["medcalc", "math-verify", "numeric"]
    assert {(g.benchmark, g.grader) for g in res.headline()} == \
        {("medcalc", "medcalc"), ("math500", "math-verify"), ("gsm8k", "numeric")}
