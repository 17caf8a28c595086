"""results.json schema 2 on a real stored run: it validates against the documented schema,
`tunegap report` rebuilds it byte for byte, and the per-item and per-sample exports hold one
record per line."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.data import get_benchmark
from tunegap.runner import run

jsonschema = pytest.importorskip("jsonschema")


def _schema() -> dict:
    return json.loads((resources.files("tunegap") / "report" / "results.schema.json").read_text())


@pytest.fixture
def stored_run(tmp_path, shared_data):
    """MATH-Perturb Hard + originals (30 problems), greedy and 3 samples, two extractors."""
    problems = {ex.question: ex for b in ("math_perturb_hard", "math_perturb_original")
                for ex in get_benchmark(b).load_test(shared_data)[:30]}

    def responder(mod):
        def respond(req, i):
            text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
            ex = next(problems[q] for q in problems if q in text)
            ok = (ex.meta["problem_id"] + i) % mod == 0
            # U+2028 and an escape sequence in model text must not break a JSON line
            return f"Work\u2028\x1b[31m. \\boxed{{{ex.target if ok else '7'}}}"
        return respond

    RESPONDERS["scripted:si"], RESPONDERS["scripted:sb"] = responder(2), responder(3)
    cfg = RunConfig.model_validate({
        "name": "schema", "out": str(tmp_path / "run"), "data_dir": str(shared_data),
        "benchmarks": ["math_perturb_original", "math_perturb_hard"], "limit": 30,
        "settings": ["zeroshot_cot"], "pairs": [scripted_pair("sb", "si")],
        "decoding": [{"strategy": "greedy"}, {"strategy": "sample", "n": 3, "temperature": 0.5}],
        "extractors": ["boxed", "flexible"], "graders": ["math-standard"], "seed": 3})
    run(cfg, progress=False)
    return tmp_path / "run"


def test_results_json_validates_and_rebuilds_byte_identical(stored_run):
    first = (stored_run / "results.json").read_bytes()
    data = json.loads(first)
    jsonschema.validate(data, _schema())
    assert data["complete"] is True
    assert {c["metric"] for c in data["comparisons"]} >= {"accuracy", "pass@1", "pass@3", "maj@3"}
    assert data["robustness"] and all(r["instruct"] and r["base"] for r in data["robustness"])
    files = {f["file"]: f["sha256"] for f in data["provenance"]["data_files"]}
    from tunegap.data.files import hash_path

    assert files["math_perturb/math_perturb_hard.jsonl"] == hash_path(
        Path(data["config"]["data_dir"]) / "math_perturb/math_perturb_hard.jsonl")

    from tunegap.cli import app

    for _ in range(2):
        res = CliRunner().invoke(app, ["report", str(stored_run)])
        assert res.exit_code == 0, res.output
        assert (stored_run / "results.json").read_bytes() == first
    assert "95% CI" in res.output


def test_items_and_samples_exports_have_one_record_per_line(stored_run):
    data = json.loads((stored_run / "results.json").read_text())
    items = (stored_run / "items.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in items]
    # 30 originals + 30 variants, 2 sides, 2 decodings, 2 extractors, 1 grader
    assert len(rows) == 60 * 2 * 2 * 2
    sampled = [r for r in rows if r["samples"] == 3]
    assert all(set(r["scores"]) >= {"accuracy", "pass@1", "pass@2", "pass@3", "maj@3"}
               for r in sampled)
    assert {r["cluster"] for r in rows if r["benchmark"] == "math_perturb_hard"} == \
        {f"seed={r['meta']['seed_id']}" for r in rows if r["benchmark"] == "math_perturb_hard"}
    # The cell means are the means of the exported item scores.
    cell = next(c for c in data["cells"] if c["decoding"].startswith("sample")
                and c["side"] == "instruct" and c["extractor"] == "boxed"
                and c["benchmark"] == "math_perturb_hard")
    mine = [r["scores"]["pass@2"] for r in sampled if r["side"] == "instruct"
            and r["extractor"] == "boxed" and r["benchmark"] == "math_perturb_hard"]
    assert cell["metrics"]["pass@2"] == pytest.approx(100 * sum(mine) / len(mine))
    text = (stored_run / "samples.jsonl").read_text(encoding="utf-8")
    lines = text.splitlines()  # splits on U+2028 too: there must be none raw
    assert len(lines) == 60 * 2 * (1 + 3)
    for line in lines:
        rec = json.loads(line)
        assert "\u2028" in rec["output"]
        assert set(rec["grades"]["boxed/math-standard"]) == {"correct", "status"}
