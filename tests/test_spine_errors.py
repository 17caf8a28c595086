"""Bad input: one line naming file, line and field; exit code 2; nothing half-written."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import demo_config_dict
from tunegap.config_files import load_config_file, load_preset
from tunegap.errors import UserError


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tunegap.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_unknown_key_names_file_line_and_field(tmp_path):
    cfg = demo_config_dict(tmp_path / "out")
    cfg["pairs"][0]["base"]["backend"]["temprature"] = 0.5
    path = write_yaml(tmp_path / "bad.yaml", cfg)
    line_no = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "temprature" in ln)
    with pytest.raises(UserError) as exc:
        load_config_file(path)
    assert exc.value.row == line_no
    assert exc.value.field == "pairs.0.base.backend.temprature"
    msg = one_error_line(run_cli("run", str(path)))
    assert str(path) in msg and f"line {line_no}" in msg and "temprature" in msg
    assert "unknown key" in msg
    assert not (tmp_path / "out").exists()  # nothing written


def test_wrong_type_names_file_line_and_field(tmp_path):
    cfg = demo_config_dict(tmp_path / "out")
    cfg["limit"] = "twenty"
    path = write_yaml(tmp_path / "bad.yaml", cfg)
    line_no = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if ln.startswith("limit:"))
    msg = one_error_line(run_cli("run", str(path)))
    assert f"{path}, line {line_no}, field 'limit'" in msg
    assert "integer" in msg


def test_not_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\npairs: [\n")
    msg = one_error_line(run_cli("run", str(bad)))
    assert str(bad) in msg and "YAML" in msg
    msg = one_error_line(run_cli("run", str(tmp_path / "nope.yaml")))
    assert "nope.yaml" in msg and "not found" in msg


def test_unknown_preset():
    msg = one_error_line(run_cli("run", "--preset", "nosuch"))
    assert "unknown preset 'nosuch'" in msg and "demo" in msg
    with pytest.raises(UserError):
        load_preset("nosuch")


def test_missing_data_dir(tmp_path):
    msg = one_error_line(run_cli("run", "--preset", "demo", "--data-dir", str(tmp_path / "nodata"),
                                 "--benchmarks", "gsm8k", "--out", str(tmp_path / "out")))
    assert "nodata" in msg and "not found" in msg
    assert not (tmp_path / "out").exists()


def test_gsm8k_without_data_dir_says_how(tmp_path):
    msg = one_error_line(run_cli("run", "--preset", "demo", "--benchmarks", "gsm8k",
                                 "--out", str(tmp_path / "out")))
    assert "--data-dir" in msg


def test_jsonl_row_without_question(tmp_path):
    data = tmp_path / "data" / "gsm8k"
    data.mkdir(parents=True)
    good = '{"question": "What is 1+1?", "answer": "1+1=2\\n#### 2"}\n'
    (data / "test.jsonl").write_text(good + good + '{"answer": "#### 3"}\n' + good)
    (data / "train.jsonl").write_text(good * 10)
    msg = one_error_line(run_cli("run", "--preset", "demo", "--data-dir", str(tmp_path / "data"),
                                 "--benchmarks", "gsm8k", "--out", str(tmp_path / "out")))
    assert f"{data / 'test.jsonl'}, line 3, field 'question'" in msg
    assert not (tmp_path / "out").exists()


def test_jsonl_broken_line_and_missing_final_answer(tmp_path):
    data = tmp_path / "data" / "gsm8k"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text('{"question": "q", "answer": "#### 1"}\n{"question": "q", "ans')
    msg = one_error_line(run_cli("plan", "--preset", "demo", "--data-dir", str(tmp_path / "data"),
                                 "--benchmarks", "gsm8k"))
    assert "test.jsonl, line 2" in msg and "JSON" in msg
    (data / "test.jsonl").write_text('{"question": "q", "answer": "no final"}\n')
    msg = one_error_line(run_cli("plan", "--preset", "demo", "--data-dir", str(tmp_path / "data"),
                                 "--benchmarks", "gsm8k"))
    assert "line 1, field 'answer'" in msg


def test_unknown_benchmark_and_setting_flags(tmp_path):
    msg = one_error_line(run_cli("plan", "--preset", "demo", "--benchmarks", "gsm9k"))
    assert "unknown benchmark 'gsm9k'" in msg
    msg = one_error_line(run_cli("plan", "--preset", "demo", "--settings", "sevenshot"))
    assert "sevenshot" in msg


def test_scoring_names_and_graders_are_checked_before_any_generation(tmp_path):
    """A grader that can judge none of a benchmark's answers (numeric on Math-500's LaTeX) would
    leave its cells empty after hours of generation: it is an error up front, as are unknown
    extractor and grader names. The models are never loaded (nothing written)."""
    data = tmp_path / "data" / "math500"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text(json.dumps({
        "problem": "Compute $\\frac12 + \\frac14$.", "solution": "$\\boxed{\\frac34}$",
        "answer": "\\frac34", "subject": "Algebra", "level": 1,
        "unique_id": "test/algebra/1.json"}) + "\n")
    cases = [({"graders": ["numeric"]}, "no configured grader (numeric) can judge math500"),
             ({"graders": ["numerik"]}, "unknown grader 'numerik'"),
             ({"extractors": ["strictest"]}, "unknown extractor 'strictest'")]
    for i, (over, want) in enumerate(cases):
        cfg = demo_config_dict(tmp_path / f"out{i}", benchmarks=["math500"],
                               settings=["zeroshot_cot"])
        cfg.update(data_dir=str(tmp_path / "data"), **over)
        msg = one_error_line(run_cli("run", str(write_yaml(tmp_path / f"c{i}.yaml", cfg))))
        assert want in msg, msg
        assert not (tmp_path / f"out{i}").exists()


def test_graders_default_to_each_benchmarks_own():
    cfg = load_preset("demo").with_overrides(benchmarks=["gsm8k", "medcalc", "math500",
                                                         "gsm_plus"])
    assert cfg.graders is None
    assert cfg.resolved_graders() == ["numeric", "medcalc", "medcalc-official", "math-standard",
                                      "math-verify", "unanswerable"]
    assert cfg.with_overrides(graders=["medcalc"]).resolved_graders() == ["medcalc"]
