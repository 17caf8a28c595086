"""`tunegap import jsonl`: the documented plain format, its errors and warnings (one line naming
file and line, exit 2, nothing written), several samples per item, and byte-identical results
when the same files are imported twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tunegap.data import get_benchmark


def _tunegap(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tunegap.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def gsm(shared_data):
    return get_benchmark("gsm8k").load_test(shared_data)[:12]


def _rows(gsm, *, samples: int = 1) -> list[dict]:
    rows = []
    for j, ex in enumerate(gsm):
        for i in range(samples):
            right_i = (j + i) % 2 == 0
            right_b = (j + i) % 3 == 0
            rows.append({"item_id": ex.id, "model": "inst-7b", "side": "instruct",
                         "output": f"So the answer is {ex.target if right_i else 'x'}.",
                         "sample_index": i})
            rows.append({"item_id": ex.id, "model": "base-7b", "side": "base",
                         "output": f"The answer: {ex.target if right_b else 'none'}",
                         "sample_index": i})
    return rows


def test_import_pairs_items_and_grades_them(tmp_path, gsm, shared_data):
    src = _write(tmp_path / "gens.jsonl", _rows(gsm, samples=3))
    res = _tunegap("import", "jsonl", src, "--benchmark", "gsm8k", "--data-dir", shared_data,
                   "--out", tmp_path / "run", "--extractors", "flexible")
    assert res.returncode == 0, res.stderr
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    by_metric = {c["metric"]: c for c in results["comparisons"]}
    assert {"accuracy", "pass@3", "maj@3"} <= set(by_metric)
    want_i = sum((j + i) % 2 == 0 for j in range(12) for i in range(3)) / 36
    want_b = sum((j + i) % 3 == 0 for j in range(12) for i in range(3)) / 36
    assert by_metric["accuracy"]["instruct"] == pytest.approx(100 * want_i)
    assert by_metric["accuracy"]["base"] == pytest.approx(100 * want_b)
    assert by_metric["accuracy"]["n"] == 12
    assert results["provenance"]["files"][0]["tool"] == "jsonl"
    # The run behaves like any other: regrade and report work, no model is loaded.
    assert _tunegap("grade", tmp_path / "run", "--extractors", "strict").returncode == 0
    assert _tunegap("report", tmp_path / "run").returncode == 0


def test_importing_the_same_files_twice_is_byte_identical(tmp_path, gsm, shared_data):
    src = _write(tmp_path / "gens.jsonl", _rows(gsm))
    for out in ("a", "b"):
        res = _tunegap("import", "jsonl", src, "--benchmark", "gsm8k", "--data-dir",
                       shared_data, "--out", tmp_path / out)
        assert res.returncode == 0, res.stderr
    assert (tmp_path / "a" / "results.json").read_bytes() == \
        (tmp_path / "b" / "results.json").read_bytes()


def test_items_from_the_file_itself_without_data_dir(tmp_path):
    rows = []
    for j in range(6):
        for side, model in (("base", "b"), ("instruct", "i")):
            rows.append({"item_id": f"q{j}", "model": model, "side": side, "target": str(j),
                         "question": f"What is {j}?", "meta": {"category": "odd" if j % 2
                                                                else "even"},
                         "output": f"It is {j if side == 'instruct' or j < 2 else 99}."})
    res = _tunegap("import", "jsonl", _write(tmp_path / "g.jsonl", rows), "--benchmark",
                   "gsm8k", "--out", tmp_path / "run", "--extractors", "flexible")
    assert res.returncode == 0, res.stderr
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    (acc,) = [c for c in results["comparisons"] if c["metric"] == "accuracy"]
    assert (acc["instruct"], acc["base"], acc["instruct_only"]) == (100.0, pytest.approx(100 / 3), 4)
    assert {b["group"] for b in results["breakdowns"]} == {"odd", "even"}


def test_missing_side_is_a_warning_naming_file_and_line(tmp_path, gsm, shared_data):
    rows = _rows(gsm)
    rows = [r for r in rows if not (r["side"] == "base" and r["item_id"] == gsm[3].id)]
    src = _write(tmp_path / "g.jsonl", rows)
    res = _tunegap("import", "jsonl", src, "--benchmark", "gsm8k", "--data-dir", shared_data,
                   "--out", tmp_path / "run")
    assert res.returncode == 0, res.stderr
    warn = [x for x in res.stderr.splitlines() if x.startswith("warning:")]
    assert len(warn) == 1 and f"{src}, line 7" in warn[0] and "only one side" in warn[0]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert all(c["n"] == 11 for c in results["comparisons"])


@pytest.mark.parametrize("case", ["duplicate", "unknown_id", "bad_side", "bad_json",
                                  "missing_field", "two_models", "uneven_samples"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, gsm, shared_data, case):
    rows = _rows(gsm)
    line = None
    if case == "duplicate":
        rows.insert(5, dict(rows[2]))
        line, field = 6, "item_id"
    elif case == "unknown_id":
        rows[4] = {**rows[4], "item_id": "gsm8k-test-999999"}
        line, field = 5, "item_id"
    elif case == "bad_side":
        rows[3] = {**rows[3], "side": "chat"}
        line, field = 4, "side"
    elif case == "missing_field":
        rows[2] = {k: v for k, v in rows[2].items() if k != "output"}
        line, field = 3, "output"
    elif case == "two_models":
        rows[6] = {**rows[6], "model": "another-7b"}
        line, field = 7, "model"
    elif case == "uneven_samples":
        rows.insert(1, {**rows[0], "sample_index": 1})  # the extra row is named, at its line
        line, field = 2, "item_id"
    src = _write(tmp_path / "g.jsonl", rows)
    if case == "bad_json":
        text = src.read_text().splitlines()
        text[7] = text[7][:-3]
        src.write_text("\n".join(text) + "\n")
        line, field = 8, None
    out = tmp_path / "run"
    res = _tunegap("import", "jsonl", src, "--benchmark", "gsm8k", "--data-dir", shared_data,
                   "--out", out)
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), res.stderr
    assert f"{src}, line {line}" in lines[0], lines[0]
    if field:
        assert f"field '{field}'" in lines[0], lines[0]
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".run")]  # no leftovers


def test_output_directory_that_is_not_empty_is_refused(tmp_path, gsm, shared_data):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    res = _tunegap("import", "jsonl", _write(tmp_path / "g.jsonl", _rows(gsm)), "--benchmark",
                   "gsm8k", "--data-dir", shared_data, "--out", out)
    assert res.returncode == 2 and "not empty" in res.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
