"""Issue 5, point 4: malformed inputs give one line naming file, line and field, exit code 2.
Built in tmp_path from real rows, then broken on purpose; a bad row is never skipped."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import SHARED_DATA, scripted_pair
from tunegap.data import get_benchmark
from tunegap.errors import UserError

MEDCALC_CSV = SHARED_DATA / "medcalc_bench" / "test_data.csv"


@pytest.fixture(scope="module")
def data() -> Path:
    if not (SHARED_DATA / "SOURCES.md").is_file():
        pytest.skip(f"the benchmark release files are not at {SHARED_DATA}")
    return SHARED_DATA


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tunegap.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "400"})


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def medcalc_rows(n: int) -> tuple[list[str], list[list[str]]]:
    csv.field_size_limit(2**31 - 1)
    with MEDCALC_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return header, [next(reader) for _ in range(n)]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> list[int]:
    """Write the CSV; return the line on which each row starts (notes span several lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(buf.getvalue().count("\n") + 1)
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return starts


def copy_lines(src: Path, dst: Path, n: int) -> list[str]:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open(encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(n)]
    dst.write_text("".join(lines), encoding="utf-8")
    return lines


# ---------------------------------------------------------------- the three named cases, CLI


def test_truncated_jsonl_line(data, tmp_path):
    path = tmp_path / "gsm8k" / "test.jsonl"
    lines = copy_lines(data / "gsm8k" / "test.jsonl", path, 5)
    path.write_text("".join(lines[:4]) + lines[4][: len(lines[4]) // 2], encoding="utf-8")
    msg = one_error_line(cli("data", "show", "gsm8k", "--data-dir", str(tmp_path)))
    assert msg.startswith(f"error: {path}, line 5:") and "not valid JSON" in msg


def test_csv_row_with_a_missing_column(data, tmp_path):
    header, rows = medcalc_rows(3)
    rows[1] = rows[1][:-2]  # the row lost its last two cells
    path = tmp_path / "medcalc_bench" / "test_data.csv"
    starts = write_csv(path, header, rows)
    assert starts[1] > 3  # the first note spans lines: the line is counted, not the record
    msg = one_error_line(cli("data", "show", "medcalc", "--data-dir", str(tmp_path)))
    assert f"{path}, line {starts[1]}, field 'Upper Limit'" in msg
    assert "12 columns but the header has 14" in msg


def test_unknown_calculator_answer_type(data, tmp_path):
    header, rows = medcalc_rows(3)
    rows[2][header.index("Output Type")] = "percentage"
    path = tmp_path / "medcalc_bench" / "test_data.csv"
    starts = write_csv(path, header, rows)
    msg = one_error_line(cli("data", "show", "medcalc", "--data-dir", str(tmp_path)))
    assert f"{path}, line {starts[2]}, field 'Output Type'" in msg
    assert "unknown answer type 'percentage'" in msg


def test_run_stops_on_a_bad_row_before_writing_anything(data, tmp_path):
    header, rows = medcalc_rows(2)
    rows[0][header.index("Output Type")] = "fraction"
    starts = write_csv(tmp_path / "data" / "medcalc_bench" / "test_data.csv", header, rows)
    cfg = {"name": "bad", "benchmarks": ["medcalc"], "settings": ["direct"],
           "out": str(tmp_path / "out"), "pairs": [scripted_pair()]}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(cfg))
    msg = one_error_line(cli("run", str(tmp_path / "run.yaml"), "--data-dir",
                             str(tmp_path / "data"), "--no-progress"))
    assert f"line {starts[0]}, field 'Output Type'" in msg and "test_data.csv" in msg
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- more bad rows, in process


def load_error(name: str, data_dir: Path) -> UserError:
    with pytest.raises(UserError) as exc:
        get_benchmark(name).load_test(data_dir)
    return exc.value


def test_csv_header_without_a_required_column(tmp_path):
    if not MEDCALC_CSV.is_file():
        pytest.skip("MedCalc-Bench not found")
    header, rows = medcalc_rows(1)
    i = header.index("Lower Limit")
    write_csv(tmp_path / "medcalc_bench" / "test_data.csv",
              header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    err = load_error("medcalc", tmp_path)
    assert (err.row, err.field) == (1, "Lower Limit")


def test_medcalc_decimal_limits_must_be_numbers(tmp_path):
    if not MEDCALC_CSV.is_file():
        pytest.skip("MedCalc-Bench not found")
    header, rows = medcalc_rows(2)
    rows[1][header.index("Upper Limit")] = "about 26"
    starts = write_csv(tmp_path / "medcalc_bench" / "test_data.csv", header, rows)
    err = load_error("medcalc", tmp_path)
    assert (err.row, err.field) == (starts[1], "Upper Limit")


def test_medcalc_one_shot_needs_every_calculator(data, tmp_path):
    shutil.copytree(data / "medcalc_bench", tmp_path / "medcalc_bench")
    shots = json.loads((tmp_path / "medcalc_bench" / "one_shot_finalized_explanation.json")
                       .read_text())
    del shots["2"]
    path = tmp_path / "medcalc_bench" / "one_shot_finalized_explanation.json"
    path.write_text(json.dumps(shots))
    bench = get_benchmark("medcalc")
    first = bench.load_test(tmp_path)[0]
    with pytest.raises(UserError) as exc:
        bench.exemplars_for(first, tmp_path)
    assert exc.value.file == str(path) and exc.value.field == "2"
    with pytest.raises(UserError, match="GitHub release, not the hub"):
        bench.exemplars_for(first, None)


def test_jsonl_missing_field_and_gsm8k_without_final_answer(data, tmp_path):
    path = tmp_path / "gsm8k" / "test.jsonl"
    lines = copy_lines(data / "gsm8k" / "test.jsonl", path, 3)
    row = json.loads(lines[1])
    row["answer"] = row["answer"].split("####")[0]
    path.write_text(lines[0] + json.dumps(row) + "\n" + lines[2])
    err = load_error("gsm8k", tmp_path)
    assert (err.file, err.row, err.field) == (str(path), 2, "answer")
    del row["answer"]
    path.write_text(lines[0] + lines[1] + json.dumps(row) + "\n")
    err = load_error("gsm8k", tmp_path)
    assert (err.row, err.field, err.message) == (3, "answer", "required field is missing")


def test_math_perturb_row_without_an_original(data, tmp_path):
    root = tmp_path / "math_perturb"
    copy_lines(data / "math_perturb" / "math_perturb_hard.jsonl",
               root / "math_perturb_hard.jsonl", 4)
    originals = copy_lines(data / "math_perturb" / "originals_matched_from_MATH.jsonl",
                           root / "originals_matched_from_MATH.jsonl", 4)
    (root / "originals_matched_from_MATH.jsonl").write_text("".join(originals[:2] + originals[3:]))
    err = load_error("math_perturb_hard", tmp_path)
    assert (err.file, err.row, err.field) == (str(root / "math_perturb_hard.jsonl"), 3,
                                              "problem_id")
    assert "has no original" in err.message


def test_math_perturb_duplicate_problem_id(data, tmp_path):
    root = tmp_path / "math_perturb"
    lines = copy_lines(data / "math_perturb" / "math_perturb_simple.jsonl",
                       root / "math_perturb_simple.jsonl", 3)
    (root / "math_perturb_simple.jsonl").write_text(lines[0] + lines[1] + lines[0])
    err = load_error("math_perturb_simple", tmp_path)
    assert (err.row, err.field) == (3, "problem_id")
    # Without the originals file the perturbed set still loads, paired by problem_id only.
    (root / "math_perturb_simple.jsonl").write_text("".join(lines))
    exs = get_benchmark("math_perturb_simple").load_test(tmp_path)
    assert [e.meta["has_original"] for e in exs] == [False] * 3
    with pytest.raises(UserError, match="needs the original"):
        get_benchmark("math_perturb_simple").exemplars_for(exs[0], tmp_path)


def test_gsm_plus_bad_rows(data, tmp_path):
    path = tmp_path / "gsm_plus" / "gsmplus_testmini.jsonl"
    lines = copy_lines(data / "gsm_plus" / "gsmplus_testmini.jsonl", path, 8)
    rows = [json.loads(x) for x in lines]
    critical = next(i for i, r in enumerate(rows) if r["perturbation_type"] == "critical thinking")
    rows[critical]["answer"] = "12"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    err = load_error("gsm_plus", tmp_path)
    assert (err.row, err.field) == (critical + 1, "answer")
    rows[critical]["answer"] = "None"
    rows[1]["perturbation_type"] = "sarcasm"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    err = load_error("gsm_plus", tmp_path)
    assert (err.row, err.field) == (2, "perturbation_type")


def test_missing_folder_and_file(tmp_path):
    err = load_error("gsm_hard", tmp_path / "nowhere")
    assert "data directory not found" in err.message
    err = load_error("gsm_hard", tmp_path)
    assert err.file == str(tmp_path / "gsm_hard" / "gsmhardv2.jsonl")
