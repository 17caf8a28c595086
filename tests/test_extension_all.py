"""Issue 24, Done-when 2: from outside the package, with one registration call each, a toy
benchmark (with its title and answer type), extractor, grader, per-item metric, paired
statistic, table and plot go through one `tunegap run` on the scripted backend, and each is
found in results.json, tables.md, tables/ (md, tex, csv) and report.html."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from typer.testing import CliRunner

from tunegap.analysis.metrics import METRICS
from tunegap.analysis.statistics import STATISTICS
from tunegap.cli import app
from tunegap.data import BENCHMARKS, register_benchmark
from tunegap.extract import EXTRACTORS, register_extractor
from tunegap.grade import GRADERS, register_grader
from tunegap.report.plots import PLOTS
from tunegap.report.tables import TABLES


@pytest.fixture
def registries():
    """Every registration of the test is undone after it (registries are process-wide)."""
    with (BENCHMARKS.saved(), EXTRACTORS.saved(), GRADERS.saved(), METRICS.saved(),
          STATISTICS.saved(), TABLES.saved(), PLOTS.saved()):
        yield


def _scripted(name: str, kind: str) -> dict:
    return {"name": name, "kind": kind, "backend": {
        "type": "scripted", "model": name, "options": {"responder": "tests.toys.responder:answer"}}}


def test_seven_extensions_registered_from_outside_reach_every_output(tmp_path, registries):
    from tests.toys import benchmark, extractor, grader

    register_benchmark(benchmark.BENCHMARK)
    register_extractor("toy-angle", extractor.extract)
    register_grader("toy-within-one", grader)
    METRICS.register("toy_answered", "tests.toys.metric:answered")
    STATISTICS.register("toy_wins", "tests.toys.statistic:wins")
    TABLES.register("toy", "tests.toys.table:answered_table")
    PLOTS.register("toy", "tests.toys.plot:accuracy_bars")

    config = tmp_path / "toy.yaml"
    config.write_text(yaml.safe_dump({
        "name": "toy", "out": str(tmp_path / "run"), "settings": ["zeroshot_cot"],
        "benchmarks": ["toy-sums"], "extractors": ["toy-angle"],
        "pairs": [{"label": "toy", "base": _scripted("toy-base", "base"),
                   "instruct": _scripted("toy-instruct", "instruct")}]}))
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    run = tmp_path / "run"
    data = json.loads((run / "results.json").read_text())

    # Benchmark, extractor and grader: the toy grader (the benchmark's own, preferred) judges
    # what the toy extractor read, in the worker processes. Base is off by one on odd sums.
    odd = sum((3 * i + 1) % 2 for i in range(12))
    cells = {(c["side"], c["grader"]): c for c in data["cells"] if c["benchmark"] == "toy-sums"}
    assert cells[("base", "toy-within-one")]["accuracy"] == 100.0
    assert cells[("base", "numeric")]["accuracy"] == pytest.approx(100 * (12 - odd) / 12)
    assert data["config"]["graders"] == ["toy-within-one", "numeric"]
    # The metric (every sample answered) and the statistic, in every comparison.
    assert cells[("base", "numeric")]["metrics"]["toy_answered"] == 100.0
    acc = next(c for c in data["comparisons"] if c["metric"] == "accuracy"
               and c["grader"] == "numeric" and c["extractor"] == "toy-angle")
    assert acc["statistics"]["toy_wins"]["instruct_above"] == float(odd)
    assert any(c["metric"] == "toy_answered" for c in data["comparisons"])

    # tables.md: the toy extractor and grader's columns, the toy table and the statistic.
    md = (run / "tables.md").read_text()
    for text in ("toy-angle", "toy-within-one", "Toy: samples with an answer",
                 "toy_wins: instruct_above"):
        assert text in md, text
    # tables/: the paper's tables name the benchmark by its title; the toy table in 3 formats.
    files = {p.name: p for p in (run / "tables").iterdir()}
    headline = list(csv.DictReader(files["00-headline.csv"].open(encoding="utf-8")))
    assert {r["benchmark"] for r in headline} == {"Toy sums"}
    stem = next(f.rsplit(".", 1)[0] for f in files if f.endswith("-toy-answered.md"))
    for ext in ("md", "tex", "csv"):
        assert "answered" in files[f"{stem}.{ext}"].read_text(), ext
    # report.html: the title, the toy table, the statistic, the plot (and its PNG).
    html = (run / "report.html").read_text()
    for text in ("Toy sums", f'id="table-{stem}"', "toy_wins: mean_gap", 'id="plot-toy-bars"',
                 "toy-within-one", "toy-angle"):
        assert text in html, text
    assert (run / "plots" / "toy-bars.png").stat().st_size > 0
