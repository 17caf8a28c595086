"""Issue 24: a per-item metric, a paired statistic, a table and a plot are each one
registration call from outside the package, and a `tunegap run` on the scripted backend shows
each of them in results.json / items.jsonl, tables.md, tables/ (md, tex, csv) and report.html."""

from __future__ import annotations

import csv
import json

import pytest
import yaml
from typer.testing import CliRunner

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.analysis.metrics import METRICS
from tunegap.analysis.statistics import STATISTICS
from tunegap.cli import app
from tunegap.data.synthetic import load_test
from tunegap.report.plots import PLOTS
from tunegap.report.tables import TABLES

EXAMPLES = load_test()[:6]
TARGET = {e.question: e.target for e in EXAMPLES}


@pytest.fixture
def registries():
    """The test's registrations are undone after it (the registries are process-wide)."""
    saved = [(r, dict(r._targets), dict(r._loaded)) for r in (METRICS, STATISTICS, TABLES, PLOTS)]
    yield
    for r, targets, loaded in saved:
        r._targets.clear()
        r._targets.update(targets)
        r._loaded.clear()
        r._loaded.update(loaded)


def _respond(side):
    def respond(req, i):
        text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
        j, q = next((j, q) for j, q in enumerate(TARGET) if q in text.split("Question:")[-1])
        if side == "base" and j % 3 == 0:
            return "I do not know."  # no answer: the toy metric counts these
        return f"The answer is {TARGET[q] if side == 'instruct' or j % 2 else 0}."
    return respond


def test_toy_metric_statistic_table_and_plot_reach_every_output(tmp_path, registries):
    METRICS.register("toy_answered", "tests.toys.metric:answered")
    STATISTICS.register("toy_wins", "tests.toys.statistic:wins")
    TABLES.register("toy", "tests.toys.table:answered_table")
    PLOTS.register("toy", "tests.toys.plot:accuracy_bars")

    RESPONDERS["scripted:tb"], RESPONDERS["scripted:ti"] = _respond("base"), _respond("instruct")
    config = tmp_path / "toy.yaml"
    config.write_text(yaml.safe_dump({
        "name": "toys", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "limit": len(EXAMPLES), "settings": ["zeroshot_cot"], "extractors": ["strict"],
        "graders": ["numeric"], "pairs": [scripted_pair("tb", "ti")]}))
    res = CliRunner().invoke(app, ["run", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    run = tmp_path / "run"

    # The metric: per item in items.jsonl, per side in the cells, paired in the comparisons.
    items = [json.loads(line) for line in (run / "items.jsonl").read_text().splitlines()]
    want = {"base": 4 / 6, "instruct": 1.0}  # base gives no answer on items 0 and 3
    for side, share in want.items():
        got = [it["scores"]["toy_answered"] for it in items if it["side"] == side]
        assert len(got) == 6 and sum(got) / 6 == pytest.approx(share)
    data = json.loads((run / "results.json").read_text())
    cells = {c["side"]: c for c in data["cells"]}
    assert cells["base"]["metrics"]["toy_answered"] == pytest.approx(100 * 4 / 6)
    (toy,) = [c for c in data["comparisons"] if c["metric"] == "toy_answered"]
    assert toy["delta"] == pytest.approx(100 * 2 / 6) and toy["binary"] is False

    # The statistic: in every comparison of results.json, computed on the paired values.
    acc = next(c for c in data["comparisons"] if c["metric"] == "accuracy")
    inst = [it["scores"]["accuracy"] for it in items if it["side"] == "instruct"]
    base = [it["scores"]["accuracy"] for it in items if it["side"] == "base"]
    assert acc["statistics"]["toy_wins"] == {
        "instruct_above": sum(i > b for i, b in zip(inst, base)),
        "mean_gap": pytest.approx(sum(inst) / 6 - sum(base) / 6)}
    assert toy["statistics"]["toy_wins"]["instruct_above"] == 2.0
    from importlib import resources

    import jsonschema

    schema = resources.files("tunegap") / "report" / "results.schema.json"
    jsonschema.validate(data, json.loads(schema.read_text()))  # the documented schema holds

    # The table (and the statistics table): tables.md, tables/ in three formats, report.html.
    md = (run / "tables.md").read_text()
    assert "Toy: samples with an answer" in md and "toy_wins: instruct_above" in md
    files = {p.name for p in (run / "tables").iterdir()}
    stem = next(f.rsplit(".", 1)[0] for f in files if f.endswith("-toy-answered.md"))
    assert {f"{stem}.md", f"{stem}.tex", f"{stem}.csv"} <= files
    rows = list(csv.DictReader((run / "tables" / f"{stem}.csv").open(encoding="utf-8")))
    assert {r["side"]: r["answered %"] for r in rows} == {"base": "66.67", "instruct": "100.00"}
    assert "Toy: samples with an answer" in (run / "tables" / f"{stem}.tex").read_text()
    html = (run / "report.html").read_text()
    assert f'id="table-{stem}"' in html and "toy_wins: mean_gap" in html

    # The plot: plots/toy-bars.png and inline in report.html.
    assert (run / "plots" / "toy-bars.png").stat().st_size > 0
    assert 'id="plot-toy-bars"' in html


def test_a_plugin_path_needs_no_registration():
    from tunegap.analysis.metrics import ItemSamples, item_metrics

    item = ItemSamples((True, False), ("correct", "wrong"), ("1", None), ("1", None), False)
    got = item_metrics(item, ["accuracy", "tests.toys.metric:answered"])
    assert got == {"accuracy": 0.5, "tests.toys.metric:answered": 0.5}
