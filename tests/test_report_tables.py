"""The paper's tables: the writers reproduce PAPER.md's layouts and every published Δ from the
published numbers alone (Markdown, LaTeX, CSV), and a run's report writes every table in the
three formats, agreeing with results.json, byte-identical on a rebuild."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from typer.testing import CliRunner

from tests.helpers import REPO, RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.report.paper import Gap, category_table, gap_table, setting_title
from tunegap.report.table import Table, to_csv, to_latex, to_markdown
from tunegap.runner import run

PAPER = REPO.parent / "shared" / "PAPER.md"

# PAPER.md's tables as published (Pass@20 %); ∆ spelled as the paper spells it.
TABLE_1 = """\
| Model | Variant | Lab | Risk | Physical | Severity | Diagnosis | Date | Dosage | Overall |
|---|---|---|---|---|---|---|---|---|---|
| Qwen3-0.6B | Instruct | 15.60 | 39.17 | 40.00 | 25.00 | 60.00 | 28.33 | 10.00 | 30.37 |
| | Base | 30.28 | 65.83 | 36.67 | 48.75 | 93.33 | 5.00 | 10.00 | 42.69 |
| | ∆ | -14.68 | -26.66 | 3.33 | -23.75 | -33.33 | 23.33 | 0.00 | -12.32 |
| SmolLM-3B | Instruct | 25.99 | 40.83 | 57.08 | 37.50 | 70.00 | 20.00 | 17.50 | 39.26 |
| | Base | 54.74 | 62.50 | 85.42 | 46.25 | 81.67 | 28.33 | 27.50 | 61.89 |
| | ∆ | -28.75 | -21.67 | -28.34 | -8.75 | -11.67 | -8.33 | -10.00 | -22.63 |
| Llama3-3B | Instruct | 26.30 | 35.83 | 27.50 | 27.50 | 53.33 | 8.33 | 15.00 | 28.94 |
| | Base | 54.74 | 62.50 | 86.25 | 46.25 | 81.67 | 28.33 | 27.50 | 62.08 |
| | ∆ | -28.44 | -26.67 | -58.75 | -18.75 | -28.34 | -20.00 | -12.50 | -33.14 |
| Qwen3-8B | Instruct | 57.49 | 50.83 | 76.25 | 28.75 | 55.00 | 60.00 | 25.00 | 56.83 |
| | Base | 34.86 | 64.17 | 75.83 | 37.50 | 88.33 | 10.00 | 15.00 | 52.05 |
| | ∆ | 22.63 | -13.34 | 0.42 | -8.75 | -33.33 | 50.00 | 10.00 | 4.78 |
| Qwen3-14B | Instruct | 61.47 | 53.75 | 83.33 | 31.25 | 65.00 | 41.67 | 27.50 | 60.17 |
| | Base | 62.69 | 65.00 | 93.33 | 51.25 | 90.00 | 60.00 | 45.00 | 70.11 |
| | ∆ | -1.22 | -11.25 | -10.00 | -20.00 | -25.00 | -18.33 | -17.50 | -9.94 |
| Llama3-70B | Instruct | 38.53 | 35.00 | 69.17 | 23.75 | 66.67 | 35.00 | 35.00 | 44.89 |
| | Base | 43.12 | 49.17 | 76.67 | 40.00 | 83.33 | 5.00 | 32.50 | 51.67 |
| | ∆ | -4.59 | -14.17 | -7.50 | -16.25 | -16.66 | 30.00 | 2.50 | -6.78 |
| DS-V3.1 | Instruct | 69.42 | 55.00 | 81.67 | 58.75 | 66.67 | 41.67 | 55.00 | 65.81 |
| | Base | 55.68 | 56.89 | 83.27 | 40.00 | 68.33 | 71.67 | 60.00 | 62.99 |
| | ∆ | 13.74 | -1.89 | -1.60 | 18.75 | -1.66 | -30.00 | -5.00 | 2.82 |
| Kimi-K2 | Instruct | 72.17 | 64.58 | 88.75 | 48.75 | 68.33 | 46.67 | 55.00 | 70.11 |
| | Base | 61.47 | 77.92 | 94.58 | 65.00 | 96.67 | 68.33 | 80.00 | 76.22 |
| | ∆ | 10.70 | -13.34 | -5.83 | -16.25 | -28.34 | -21.66 | -25.00 | -6.11 |
"""

GSM8K = """\
| pair | 0-shot CoT inst | base | Δ | 8-shot CoT inst | base | Δ |
|---|---|---|---|---|---|---|
| Qwen3-0.6B | 84.84 | 86.50 | -1.66 | 85.82 | 83.25 | 2.57 |
| SmolLM-3B | 72.02 | 86.50 | -14.48 | 90.07 | 93.25 | -3.18 |
| Llama3-3B | 61.86 | 56.71 | 5.15 | 81.27 | 73.92 | 7.35 |
| Qwen3-8B | 67.93 | 97.65 | -29.72 | 96.06 | 92.95 | 3.11 |
| Qwen3-14B | 67.02 | 97.72 | -30.70 | 97.42 | 96.21 | 1.21 |
| Llama3-70B | 58.15 | 90.82 | -32.67 | 91.51 | 95.37 | -3.86 |
| DS-V3.1 | 69.90 | 96.59 | -26.69 | 95.83 | 97.12 | -1.29 |
| Kimi-K2 | 67.63 | 98.86 | -31.23 | 95.83 | 97.88 | -2.05 |
"""

MEDCALC = """\
| pair | direct inst | base | Δ | 0-shot CoT inst | base | Δ | 1-shot CoT inst | base | Δ |
|---|---|---|---|---|---|---|---|---|---|
| Qwen3-0.6B | 25.98 | 42.69 | -16.71 | 30.37 | 42.69 | -12.32 | 57.02 | 52.05 | 4.97 |
| SmolLM-3B | 36.96 | 61.89 | -24.93 | 39.26 | 61.89 | -22.63 | 43.74 | 44.79 | -1.05 |
| Llama3-3B | 16.14 | 62.08 | -45.94 | 28.94 | 62.08 | -33.14 | 34.57 | 46.42 | -11.85 |
| Qwen3-8B | 55.49 | 52.05 | 3.44 | 56.83 | 52.05 | 4.78 | 67.81 | 72.40 | -4.59 |
| Qwen3-14B | 60.17 | 70.11 | -9.94 | 60.17 | 70.11 | -9.94 | 76.22 | 79.08 | -2.86 |
| Llama3-70B | 21.78 | 51.67 | -29.89 | 44.89 | 51.67 | -6.78 | 42.50 | 61.60 | -19.10 |
| DS-V3.1 | 40.88 | 62.99 | -22.11 | 65.81 | 62.99 | 2.82 | 74.79 | 78.99 | -4.20 |
| Kimi-K2 | 38.01 | 76.22 | -38.21 | 70.11 | 76.22 | -6.11 | 74.79 | 89.40 | -14.61 |
"""

MATH500 = """\
| pair | grader inst | base | Δ | Math-Verify inst | base | Δ |
|---|---|---|---|---|---|---|
| Qwen3-0.6B | 78.00 | 75.00 | 3.00 | 79.00 | 73.80 | 5.20 |
| SmolLM-3B | 86.20 | 72.00 | 14.20 | 81.80 | 70.20 | 11.60 |
| Llama3-3B | 67.20 | 29.00 | 38.20 | 64.20 | 33.60 | 30.60 |
| Qwen3-8B | 73.40 | 85.80 | -12.40 | 83.00 | 83.00 | 0.00 |
| Qwen3-14B | 78.00 | 88.80 | -10.80 | 84.40 | 85.20 | -0.80 |
| Llama3-70B | 59.80 | 52.60 | 7.20 | 56.80 | 53.20 | 3.60 |
| DS-V3.1 | 95.20 | 89.80 | 5.40 | 89.40 | 86.00 | 3.40 |
| Kimi-K2 | 94.20 | 93.80 | 0.40 | 88.60 | 89.00 | -0.40 |
"""


def _cells(table_md: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in table_md.strip().splitlines() if not line.startswith("|---")]


def _md_table(rendered: str) -> str:
    return "\n".join(line for line in rendered.splitlines() if line.startswith("|")) + "\n"


def _norm(s: str) -> str:
    return s.replace("∆", "Δ")


def test_published_tables_match_paper_md():
    if not PAPER.is_file():
        pytest.skip("../shared/PAPER.md not found")
    paper = PAPER.read_text(encoding="utf-8")
    for table in (TABLE_1, GSM8K, MEDCALC, MATH500):
        assert table in paper


def table_1_from_published() -> tuple[Table, list[list[str]]]:
    """Feed only the published Instruct and Base numbers; the writer computes every Δ."""
    cells = _cells(TABLE_1)
    groups, body = cells[0][2:], cells[1:]
    rows = []
    for k in range(0, len(body), 3):
        pair, inst, base = body[k][0], body[k][2:], body[k + 1][2:]
        rows += [(pair, g, Gap.published(float(i), float(b))) for g, i, b in zip(groups, inst, base)]
    t = category_table(rows, slug="table-1", title="MedCalc-Bench per category, zero-shot CoT")
    return t, cells


def test_table_1_markdown_reproduces_layout_and_every_delta():
    t, _cells_ = table_1_from_published()
    assert _md_table(to_markdown(t)) == _norm(TABLE_1)


def test_table_1_csv_reproduces_layout_and_every_delta():
    t, cells = table_1_from_published()
    got = list(csv.reader(io.StringIO(to_csv(t))))
    assert got == [[_norm(c) for c in row] for row in cells]


def test_table_1_latex_is_booktabs_with_every_delta():
    t, cells = table_1_from_published()
    tex = to_latex(t)
    assert tex.count("\\toprule") == tex.count("\\bottomrule") == 1
    assert tex.count("\\midrule") == 1 + 7  # under the header, and between the eight pairs
    rows = [line.removesuffix(" \\\\").split(" & ") for line in tex.splitlines()
            if line.endswith("\\\\")]
    assert rows[0] == ["Model", "Variant", *cells[0][2:]]

    def plain(c: str) -> str:
        return c.replace("$\\Delta$", "Δ").replace("$", "")

    assert [[plain(c) for c in r] for r in rows[1:]] == \
        [["" if c == "" else _norm(c) for c in row] for row in cells[1:]]
    deltas = [r for r in rows[1:] if r[1] == "$\\Delta$"]
    assert len(deltas) == 8 and deltas[0][2] == "$-14.68$" and deltas[0][8] == "$0.00$"


@pytest.mark.parametrize("published, titles", [
    (GSM8K, ("0-shot CoT", "8-shot CoT")),
    (MEDCALC, ("direct", "0-shot CoT", "1-shot CoT")),
    (MATH500, ("grader", "Math-Verify"))])
def test_column_group_tables_reproduce_the_paper(published, titles):
    cells = _cells(published)
    rows = [(r[0], titles[j], Gap.published(float(r[1 + 3 * j]), float(r[2 + 3 * j])))
            for r in cells[1:] for j in range(len(titles))]
    t = gap_table(rows, slug="x", title="x")
    assert _md_table(to_markdown(t)) == published
    assert list(csv.reader(io.StringIO(to_csv(t)))) == cells
    assert "\\multicolumn{3}{c}{" + titles[1] + "}" in to_latex(t)


def test_intervals_and_marks_render_in_every_format():
    rows = [("a_b & c", "0-shot CoT", Gap(40.0, 50.0, -10.0, -15.5, -4.5, 100, True, False)),
            ("a_b & c", "8-shot CoT", Gap(50.0, 49.0, 1.0, -3.0, 5.0, 100, False, True))]
    t = gap_table(rows, slug="x", title="x")
    md = to_markdown(t)
    assert "| a_b & c | 40.00 | 50.00 | -10.00* | [-15.50, -4.50] | 100 | 50.00 | 49.00 | 1.00? |" \
        in md
    assert list(csv.reader(io.StringIO(to_csv(t))))[1][3:5] == ["-10.00*", "[-15.50, -4.50]"]
    tex = to_latex(t)
    assert "a\\_b \\& c" in tex and "$-10.00$\\textsuperscript{*}" in tex
    assert "$[-15.50, -4.50]$" in tex


def test_run_report_writes_every_table_three_ways_and_rebuilds_identically(tmp_path):
    from tunegap.data import get_benchmark

    problems = {ex.question: ex for ex in get_benchmark("synthetic").load_test()}

    def responder(mod):
        def respond(req, i):
            text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
            ex = next(problems[q] for q in problems if q in text)
            ok = int(ex.id.rsplit("-", 1)[1]) % mod != 0
            return f"So the answer is {ex.target if ok else 0}."
        return respond

    RESPONDERS["scripted:ti"], RESPONDERS["scripted:tb"] = responder(2), responder(3)
    cfg = RunConfig.model_validate({
        "name": "tables", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "limit": 40, "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}],
        "pairs": [scripted_pair("tb", "ti")],
        "decoding": [{"strategy": "greedy"},
                     {"strategy": "sample", "n": 4, "temperature": 0.7, "limit": 6}],
        "extractors": ["strict", "flexible"], "graders": ["numeric", "math-standard"]})
    res = run(cfg, progress=False)
    run_dir = tmp_path / "run"
    files = sorted(p.name for p in (run_dir / "tables").iterdir())
    stems = sorted({f.rsplit(".", 1)[0] for f in files})
    assert files == sorted(f"{s}.{e}" for s in stems for e in ("csv", "md", "tex"))
    kinds = {re.sub(r"^\d+-", "", s).split("-")[0] for s in stems}
    assert {"headline", "settings", "by", "graders", "grader"} <= kinds
    assert {p.name for p in (run_dir / "plots").iterdir()} >= {"forest.png", "passk.png",
                                                               "agreement.png"}

    # The headline CSV holds results.json's numbers, with marks.
    data = json.loads((run_dir / "results.json").read_text())
    head = next(s for s in stems if s.endswith("headline"))
    rows = list(csv.DictReader((run_dir / "tables" / f"{head}.csv").open(encoding="utf-8")))
    comps = {(setting_title(c["setting"]), c["decoding"], c["metric"]): c
             for c in data["comparisons"] if c["extractor"] == "strict" and c["grader"] == "numeric"}
    assert {r["setting"] for r in rows} == {"0-shot CoT", "2-shot CoT"}
    for r in rows:
        c = comps[(r["setting"], r["decoding"], r["metric"])]
        mark = "*" if c["significant"] else ("?" if c["unresolved"] else "")
        assert r["Δ"] == f"{c['delta']:.2f}".replace("-0.00", "0.00") + mark
        assert r["95% CI"] == f"[{c['ci_low']:.2f}, {c['ci_high']:.2f}]".replace("-0.00", "0.00")

    # The terminal renders the same table model: its cells are the headline CSV's, character
    # for character (one formatter).
    from tunegap.cli.output import summary_tables
    from tunegap.report.table import text

    term = {(setting_title(r[0]), r[1], r[2]): [text(c) for c in r[3:7]]
            for t in summary_tables(res.summary()) for r in t.rows}
    assert term and term == {(r["setting"], r["decoding"], r["metric"]):
                             [r["inst"], r["base"], r["Δ"], r["95% CI"]] for r in rows}

    before = {p.name: p.read_bytes() for d in ("tables", "plots") for p in (run_dir / d).iterdir()}
    html = (run_dir / "report.html").read_bytes()
    from tunegap.cli import app

    res = CliRunner().invoke(app, ["report", str(run_dir)])
    assert res.exit_code == 0, res.output
    after = {p.name: p.read_bytes() for d in ("tables", "plots") for p in (run_dir / d).iterdir()}
    assert after == before
    assert (run_dir / "report.html").read_bytes() == html
