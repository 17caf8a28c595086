"""A real run (llama.cpp, demo models) killed with SIGKILL resumes without regenerating anything
and ends with the same results as an uninterrupted run."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import yaml

from tests.helpers import demo_config_dict

pytest.importorskip("llama_cpp")


def start_run(config_path, log_path):
    with open(log_path, "w") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen([sys.executable, "-m", "tunegap.cli", "run", str(config_path),
                                 "--no-progress"], stdout=log, stderr=subprocess.STDOUT)


def stored(db_path) -> int:
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_sigkill_then_resume_equals_uninterrupted(tmp_path):
    # batch_size 1: batched decoding may legitimately differ in the last bits between batch
    # compositions; this test is about the store and resume logic, so it removes that variable.
    killed_cfg = demo_config_dict(tmp_path / "killed", limit=4, max_tokens=40, batch_size=1)
    clean_cfg = demo_config_dict(tmp_path / "clean", limit=4, max_tokens=40, batch_size=1)
    (tmp_path / "killed.yaml").write_text(yaml.safe_dump(killed_cfg))
    (tmp_path / "clean.yaml").write_text(yaml.safe_dump(clean_cfg))
    db = tmp_path / "killed" / "tunegap.sqlite"
    total = 2 * 2 * 4  # sides x settings x items

    proc = start_run(tmp_path / "killed.yaml", tmp_path / "first.log")
    deadline = time.time() + 240
    while stored(db) < 3 and proc.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "run finished before it could be killed: " + (tmp_path / "first.log").read_text()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        before = {(k, i): (t, a) for k, i, t, a in conn.execute(
            "SELECT request_key, sample_index, text, attempt FROM generations")}
        first_attempt = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
    assert 3 <= len(before) < total
    assert not (tmp_path / "killed" / "results.json").exists()

    resumed = subprocess.run([sys.executable, "-m", "tunegap.cli", "run",
                              str(tmp_path / "killed.yaml"), "--no-progress"],
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    with sqlite3.connect(db) as conn:
        second_attempt = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
        asked_again = [r[0] for r in conn.execute(
            "SELECT request_key FROM requested WHERE attempt = ?", (second_attempt,))]
        after = {(k, i): (t, a) for k, i, t, a in conn.execute(
            "SELECT request_key, sample_index, text, attempt FROM generations")}
    assert second_attempt == first_attempt + 1
    # (a) nothing stored before the kill was requested from the backend again ...
    assert not {k for k, _ in before} & set(asked_again)
    assert len(asked_again) == total - len(before)
    # ... and the stored rows are untouched.
    assert all(after[key] == value for key, value in before.items())
    assert len(after) == total

    clean = subprocess.run([sys.executable, "-m", "tunegap.cli", "run", str(tmp_path / "clean.yaml"),
                            "--no-progress"], capture_output=True, text=True, timeout=600)
    assert clean.returncode == 0, clean.stderr

    # (b) the final results equal those of an uninterrupted run.
    def results(name):
        data = json.loads((tmp_path / name / "results.json").read_text())
        return data["cells"], data["comparisons"], data["robustness"]

    def outputs(name):
        rows = [json.loads(x) for x in (tmp_path / name / "samples.jsonl").read_text().splitlines()]
        return sorted((r["cell"], r["example_id"], r["output"], json.dumps(r["grades"])) for r in rows)

    assert results("killed") == results("clean")
    assert outputs("killed") == outputs("clean")
