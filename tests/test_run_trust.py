"""A run directory users can trust: request keys that see every change, one writer, report
files that hold together after a kill, no worker outliving its run, hostile model text stored
and reported intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from tests.helpers import REQUESTED, RESPONDERS, SCRIPTED_OPTIONS, scripted_pair
from tunegap.config import RunConfig
from tunegap.runner import run


@pytest.fixture(autouse=True)
def _own_responders(monkeypatch):
    """Every test here answers through its own responders (and leaves none behind): another
    module's scripted models must not answer for these."""
    monkeypatch.setitem(RESPONDERS, "scripted:i", lambda req, i: "The answer is 1.")
    monkeypatch.setitem(RESPONDERS, "scripted:b", lambda req, i: "The answer is 2.")


def _config(out: Path, **backend) -> RunConfig:
    return RunConfig.model_validate({
        "name": "trust", "out": str(out), "benchmarks": ["synthetic"], "limit": 4,
        "settings": ["zeroshot_cot"], "pairs": [scripted_pair(**backend)]})


def _tunegap(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tunegap.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300, **kw)


def test_a_changed_backend_option_or_context_regenerates(tmp_path):
    REQUESTED.clear()
    run(_config(tmp_path / "r"), progress=False)
    first = list(REQUESTED)
    assert len(first) == 8
    # Another responder (the same answers under another name) is another engine option.
    other = {"options": {**SCRIPTED_OPTIONS, "responder": "tests.helpers:reply_too"}}
    for backend in (other, {"n_ctx": 8192}):
        REQUESTED.clear()
        run(_config(tmp_path / "r", **backend), progress=False)
        assert len(REQUESTED) == 8, backend  # nothing reused
        assert not set(REQUESTED) & set(first)
    # What cannot change an output does not regenerate.
    REQUESTED.clear()
    run(_config(tmp_path / "r", batch_size=3, n_threads=2), progress=False)
    assert REQUESTED == []


def test_replacing_the_weights_file_at_the_same_path_regenerates(tmp_path):
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF" + b"\0" * 64)
    cfg = _config(tmp_path / "r")
    pair = cfg.pairs[0]
    spec = pair.base.model_copy(update={"backend": pair.base.backend.model_copy(
        update={"model": str(weights)})})
    cfg = cfg.model_copy(update={"pairs": [pair.model_copy(update={"base": spec})]})
    REQUESTED.clear()
    run(cfg, progress=False)
    assert len(REQUESTED) == 8
    REQUESTED.clear()
    run(cfg, progress=False)
    assert REQUESTED == []  # same file: resumed
    weights.write_bytes(b"GGUF" + b"\1" * 80)  # other weights, same path
    res = run(cfg, progress=False)
    assert len(REQUESTED) == 4  # the base model's 4 items, not the instruct's
    assert res.provenance["changed_models"] == [cfg.pairs[0].base.name]  # the report says which
    saved = json.loads((tmp_path / "r" / "results.json").read_text())
    assert saved["provenance"]["changed_models"] == ["b"]


def test_a_second_writer_is_refused_while_the_first_finishes(tmp_path):
    started, release = threading.Event(), threading.Event()

    def slow(req, i):
        started.set()
        release.wait(60)
        return "The answer is 1."

    RESPONDERS["scripted:i"] = slow
    RESPONDERS["scripted:b"] = lambda req, i: "The answer is 2."
    cfg = _config(tmp_path / "r")
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("res", run(cfg, progress=False)))
    worker.start()
    assert started.wait(60)
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(cfg.model_dump(mode="json")))
    second = _tunegap("run", path)
    release.set()
    worker.join(120)
    assert second.returncode == 2, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and f"in use by PID {os.getpid()}" in lines[0], second.stderr
    res = result["res"]  # the first finished, with every item
    assert res.complete and all(c.n == 4 for c in res.cells)
    assert _tunegap("report", tmp_path / "r").returncode == 0  # the lock is released


def _report_files(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run_dir.iterdir()
            if p.is_file() and p.name in ("results.json", "items.jsonl", "samples.jsonl",
                                          "tables.md")}


def test_sigkill_while_writing_the_report_then_one_consistent_set(tmp_path):
    RESPONDERS["scripted:i"] = lambda req, i: f"Long text {'x' * 2000}. The answer is {i}."
    RESPONDERS["scripted:b"] = lambda req, i: "The answer is 2."
    cfg = RunConfig.model_validate({
        "name": "trust", "out": str(tmp_path / "r"), "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot"], "pairs": [scripted_pair()],
        "decoding": [{"strategy": "sample", "n": 8, "temperature": 0.7}]})
    run(cfg, progress=False)
    clean = _report_files(tmp_path / "r")
    killed = 0
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen([sys.executable, "-m", "tunegap.cli", "report",
                                 str(tmp_path / "r")], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
    assert killed, "the report finished before any kill: make the run larger"
    assert _tunegap("report", tmp_path / "r").returncode == 0
    leftovers = [p.name for p in (tmp_path / "r").iterdir() if p.name.startswith(".")
                 and p.name != ".tunegap.lock"]
    assert leftovers == []
    assert _report_files(tmp_path / "r") == clean


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def test_sigkill_of_a_run_while_a_worker_is_busy_leaves_no_worker(tmp_path):
    run(_config(tmp_path / "r"), progress=False)
    proc = subprocess.Popen([sys.executable, "-m", "tunegap.cli", "grade", str(tmp_path / "r"),
                             "--extractors", "tests.plugins:spin", "--time-limit", "600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not workers:
        time.sleep(0.5)
        workers = {w for w in _children(proc.pid)
                   if b"tunegap.grade.worker" in Path(f"/proc/{w}/cmdline").read_bytes()}
    assert workers, "no grader worker started"
    time.sleep(2)  # the worker is inside the endless extractor now
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = {w for w in alive if Path(f"/proc/{w}").exists()
                 and "Z" not in (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0])}
    assert not alive, f"workers outlived their run: {alive}"


def test_hostile_model_text_is_stored_graded_and_reported(tmp_path):
    hostile = "\ud800 broken \u2028 next\u2029 \x1b[31mred\x1b[0m \x07 The answer is {}."
    RESPONDERS["scripted:i"] = lambda req, i: hostile.format(7)
    RESPONDERS["scripted:b"] = lambda req, i: hostile.format(8)
    cfg = _config(tmp_path / "r")
    res = run(cfg, progress=False)
    assert all(c.n == 4 for c in res.cells)
    again = run(cfg, progress=False)  # re-reading the store works (it used to crash)
    assert [c.to_dict() for c in again.cells] == [c.to_dict() for c in res.cells]
    text = (tmp_path / "r" / "samples.jsonl").read_text(encoding="utf-8")
    lines = text.splitlines()  # splits on U+2028 too: none may be raw in the file
    assert len(lines) == 8
    for line in lines:
        rec = json.loads(line)
        out = rec["output"]
        assert "\ufffd broken" in out and "\u2028" in out and "\x1b[31m" in out
        assert rec["answers"]["flexible"] in ("7", "8")
    assert _tunegap("report", tmp_path / "r").returncode == 0
