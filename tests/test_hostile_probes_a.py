"""Issue 28, items 1-5, probed as a hostile user would: each probe runs the real command line in
a subprocess under a 4 GiB memory cap and a 60 s time cap (tests/hostile_probe.py) and must end
with exit 2 (bad input), 3 (server failure) or 130 (interrupt), one line on stderr, and a run
directory that is unchanged or resumes to byte-identical results."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import sqlite3
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import yaml

from tests.hostile_probe import interrupt_when, run_cli, snapshot

REPORT_FILES = ("samples.jsonl", "items.jsonl", "tables.md")


# ------------------------------------------------------------------ plug-ins the runs load

def slow_reply(req, sample_index):
    """A scripted model slow enough to be interrupted in the middle of generation."""
    time.sleep(0.05)
    return f"Let me think. The answer is {len(req.prompt.text or '') % 7}."


def slow_extract(text, example, answer_format):
    """An extractor slow enough to be interrupted in the middle of grading; it marks the file
    named by $PROBE_MARK once grading has begun."""
    Path(os.environ["PROBE_MARK"]).touch()
    time.sleep(0.1)
    return "3"


# ------------------------------------------------------------------ helpers

def one_line(probe, code: int) -> str:
    assert probe.rc == code, f"exit {probe.rc} after {probe.seconds:.1f}s: {probe.stderr[-3000:]}"
    lines = probe.stderr_lines()
    assert len(lines) == 1, lines
    return lines[0]


def scripted_config(path: Path, out: Path, limit: int = 24) -> Path:
    def model(name: str, kind: str) -> dict:
        return {"name": name, "kind": kind, "backend": {
            "type": "scripted", "model": f"scripted:{name}", "batch_size": 2,
            "options": {"responder": "tests.test_hostile_probes_a:slow_reply"}}}
    path.write_text(yaml.safe_dump({
        "name": "hostile-a", "out": str(out), "limit": limit, "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot"], "decoding": [{"strategy": "greedy", "max_tokens": 16}],
        "pairs": [{"label": "p", "base": model("b", "base"), "instruct": model("i", "instruct")}],
    }))
    return path


def generations(run_dir: Path) -> int:
    try:
        with sqlite3.connect(run_dir / "tunegap.sqlite", timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.Error:
        return 0


def report_bytes(run_dir: Path) -> dict[str, bytes]:
    return {name: (run_dir / name).read_bytes() for name in REPORT_FILES}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run: what an interrupted one must resume to, byte for byte."""
    root = tmp_path_factory.mktemp("reference")
    probe = run_cli(["run", str(scripted_config(root / "c.yaml", root / "run")), "--no-progress"])
    assert probe.rc == 0, probe.stderr
    return root / "run"


# ------------------------------------------------------------------ item 1: Ctrl-C

def test_item1_ctrl_c_exits_130_during_run(tmp_path, reference):
    run_dir = tmp_path / "run"
    cfg = scripted_config(tmp_path / "c.yaml", run_dir)
    probe = interrupt_when(["run", str(cfg), "--no-progress"], lambda: generations(run_dir) >= 4)
    assert "interrupted" in one_line(probe, 130)
    done = generations(run_dir)
    assert 4 <= done < 48 and not (run_dir / "results.json").exists()

    again = run_cli(["run", str(cfg), "--no-progress"])
    assert again.rc == 0, again.stderr
    assert report_bytes(run_dir) == report_bytes(reference)


def test_item1_ctrl_c_exits_130_during_grade(tmp_path, reference):
    graded, clean = tmp_path / "graded", tmp_path / "clean"
    shutil.copytree(reference, graded)
    shutil.copytree(reference, clean)
    mark = tmp_path / "grading-began"
    cmd = ["--extractors", "tests.test_hostile_probes_a:slow_extract"]
    env = {"PROBE_MARK": str(mark)}
    probe = interrupt_when(["grade", str(graded), *cmd], mark.exists, env=env)
    assert "interrupted" in one_line(probe, 130)
    assert mark.exists()

    again = run_cli(["grade", str(graded), *cmd], env=env)
    assert again.rc == 0, again.stderr
    whole = run_cli(["grade", str(clean), *cmd], env=env)
    assert whole.rc == 0, whole.stderr
    assert report_bytes(graded) == report_bytes(clean)


# ------------------------------------------------------------------ servers for items 2 and 3

class Server:
    """A raw HTTP server on 127.0.0.1 answering every request with `answer(conn)`; it records
    each request's Authorization header."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.auth: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), 0)
            while len(body) < length:
                body += conn.recv(65536)
            self.auth += [line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                          if line.lower().startswith(b"authorization")]
            self.answer(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()


def drip(conn: socket.socket) -> None:
    """Headers at once, then one byte of body every half second, never finishing."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100000\r\n\r\n")
    for _ in range(100000):
        conn.sendall(b" ")
        time.sleep(0.5)


def openai_config(path: Path, out: Path, url: str, **options) -> Path:
    def model(name: str, kind: str) -> dict:
        return {"name": name, "kind": kind, "backend": {
            "type": "openai", "model": "served", "options": {
                "base_url": url, "api_key_env": "PROBE_KEY", "timeout": 3, "max_retries": 1,
                "backoff": 0.05, "backoff_max": 0.1, **options}}}
    path.write_text(yaml.safe_dump({
        "name": "hostile-a-openai", "out": str(out), "limit": 1, "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot"], "decoding": [{"strategy": "greedy", "max_tokens": 8}],
        "pairs": [{"label": "p", "base": model("b", "base"), "instruct": model("i", "instruct")}],
    }))
    return path


# ------------------------------------------------------------------ item 2: a dripping body

def test_item2_dripping_server_bounded_in_total_time(tmp_path):
    server = Server(drip)
    try:
        cfg = openai_config(tmp_path / "c.yaml", tmp_path / "run", server.url)
        probe = run_cli(["run", str(cfg), "--no-progress"])
    finally:
        server.close()
    line = one_line(probe, 3)
    assert "timeout after 3s" in line and "gave up after 2 tries" in line
    # Two tries of 3 s each (both sides at once), plus start-up: far below the 60 s cap.
    assert probe.seconds < 30
    assert generations(tmp_path / "run") == 0


def slow_but_whole(conn: socket.socket) -> None:
    """A gzip-compressed, chunked completion sent in pieces over about a second."""
    import gzip

    body = gzip.compress(json.dumps({"choices": [{"message": {"content": "The answer is 4."},
                                                  "finish_reason": "stop"}],
                                     "usage": {"prompt_tokens": 5, "completion_tokens": 5}}
                                    ).encode())
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                 b"Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
    for i in range(0, len(body), 16):
        piece = body[i:i + 16]
        conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        time.sleep(0.1)
    conn.sendall(b"0\r\n\r\n")


def test_bounded_call_still_reads_a_slow_whole_answer():
    """The bounded call still reads a real answer: chunked, compressed, in pieces."""
    from tunegap.backends.openai import OpenAIBackend
    from tunegap.config import ModelSpec
    from tunegap.types import Message, Prompt, Request, SamplingParams

    server = Server(slow_but_whole)
    try:
        backend = OpenAIBackend(ModelSpec.model_validate({
            "name": "m", "kind": "instruct", "backend": {"type": "openai", "model": "served",
                                                        "options": {"base_url": server.url,
                                                                    "timeout": 20,
                                                                    "max_retries": 0}}}))
        req = Request("m", Prompt(messages=(Message("user", "2+2?"),)), SamplingParams(max_tokens=8))
        [[gen]] = backend.generate([req])
    finally:
        server.close()
    assert (gen.text, gen.finish_reason, gen.completion_tokens) == ("The answer is 4.", "stop", 5)


# ------------------------------------------------------------------ item 3: secrets

KEY = "sk-tunegap/probe+SECRET=0123456789abcdef"


def echoing(body: bytes):
    def answer(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    return answer


def key_bodies() -> dict[str, bytes]:
    """401 bodies that echo the key: across the 200-character cut, JSON-escaped (every
    character as \\uXXXX), URL-encoded, base64."""
    escaped = "".join(f"\\u{ord(c):04x}" for c in KEY)
    return {
        "across the cut": ("x" * 180 + f" Bearer {KEY} rejected").encode(),
        "json-escaped": ('{"error": {"message": "Incorrect API key provided: ' + escaped
                         + '"}}').encode(),
        "url-encoded": f"bad key in ?key={urllib.parse.quote(KEY, safe='')}".encode(),
        "base64": f"bad token {base64.b64encode(KEY.encode()).decode()}".encode(),
        "cut short by the server": f"bad key {KEY[:20]}...".encode(),
    }


def fragments(secret: str, n: int = 8) -> set[str]:
    return {secret[i:i + n] for i in range(len(secret) - n + 1)}


@pytest.mark.parametrize("case", list(key_bodies()))
def test_item3_key_redacted_before_cut_and_in_every_encoding(tmp_path, case):
    server = Server(echoing(key_bodies()[case]))
    try:
        cfg = openai_config(tmp_path / "c.yaml", tmp_path / "run", server.url)
        probe = run_cli(["run", str(cfg), "--no-progress"], env={"PROBE_KEY": KEY})
    finally:
        server.close()
    line = one_line(probe, 3)
    assert "HTTP 401" in line
    shown = probe.stdout + probe.stderr
    forms = [KEY, KEY.replace("/", "").replace("+", "").replace("=", ""),  # its word characters
             "".join(f"\\u{ord(c):04x}" for c in KEY), urllib.parse.quote(KEY, safe=""),
             base64.b64encode(KEY.encode()).decode()]
    assert not [f for form in forms for f in fragments(form) if f in shown], line
    assert all(a == f"Bearer {KEY}" for a in server.auth) and server.auth  # sent, only there
    stored = b"".join(p.read_bytes() for p in (tmp_path / "run").rglob("*") if p.is_file())
    assert KEY.encode() not in stored


def test_item3_url_credentials_refused_and_never_stored(tmp_path):
    cfg = openai_config(tmp_path / "c.yaml", tmp_path / "run",
                        "http://probe-user:hunter2secretpass@127.0.0.1:9/v1")
    probe = run_cli(["run", str(cfg), "--no-progress"])
    line = one_line(probe, 2)
    assert "credentials" in line and "hunter2" not in probe.stderr + probe.stdout
    assert not (tmp_path / "run").exists()  # refused before anything was made or stored


def test_item3_basic_auth_comes_from_the_environment(tmp_path):
    server = Server(echoing(b"hunter2secretpass is wrong"))
    try:
        cfg = openai_config(tmp_path / "c.yaml", tmp_path / "run", server.url,
                            auth_env="PROBE_AUTH", api_key_env="PROBE_NO_KEY")
        probe = run_cli(["run", str(cfg), "--no-progress"],
                        env={"PROBE_AUTH": "probe-user:hunter2secretpass"})
    finally:
        server.close()
    one_line(probe, 3)
    assert "hunter2" not in probe.stderr + probe.stdout
    basic = base64.b64encode(b"probe-user:hunter2secretpass").decode()
    assert server.auth and all(a == f"Basic {basic}" for a in server.auth)
    config = (tmp_path / "run" / "tunegap.sqlite").read_bytes()
    assert b"hunter2" not in config


# ------------------------------------------------------------------ item 4: templates

TEMPLATE_PROBES = {
    "round to 10**12 digits": "round(1, 10**12)",
    "Fraction('1e999999999')": "Fraction('1e999999999')",
    "eight nested **12": "(" * 8 + "k" + "**12)" * 8,
    "1+1+... 100k times": "+".join(["1"] * 100_000),
    "unary chain of 100k": "-" * 100_000 + "1",
    "[0]*10**12": "len([0]*10**12)",
}


def hostile_template(data_dir: Path, answer: str, shared_data: Path) -> None:
    """GSM-Symbolic's first template with its #answer replaced by `answer`."""
    src = json.loads((shared_data / "gsm_symbolic/templates/symbolic/0000.json").read_text())
    annotated = src["question_annotated"]
    head, _, _ = annotated.partition("#answer:")
    src["question_annotated"] = f"{head}#answer: {answer}"
    folder = data_dir / "gsm_symbolic" / "templates" / "symbolic"
    folder.mkdir(parents=True)
    (folder / "0000.json").write_text(json.dumps(src))


@pytest.mark.parametrize("case", list(TEMPLATE_PROBES))
def test_item4_template_evaluator_bounded(tmp_path, case, shared_data):
    hostile_template(tmp_path / "data", TEMPLATE_PROBES[case], shared_data)
    probe = run_cli(["plan", "--preset", "demo", "--benchmarks", "gsm_symbolic", "--settings",
                     "zeroshot_cot", "--data-dir", str(tmp_path / "data")])
    line = one_line(probe, 2)
    assert "0000.json" in line and "limit" in line
    assert probe.seconds < 30


def test_item4_every_bound_in_process():
    """The evaluator itself (no CLI): each probe is a LimitError within a fraction of a second,
    and a task's formulas share one work budget."""
    from tunegap.templates.expr import LimitError, evaluate, work_limit
    from tunegap.templates.gsm_symbolic import _INIT_FUNCTIONS

    for formula in [*TEMPLATE_PROBES.values(), "numbers_within(0, 10**12)"]:
        started = time.monotonic()
        with pytest.raises(Exception) as info:
            evaluate(formula, {"k": 7}, _INIT_FUNCTIONS)
        assert isinstance(info.value, ValueError), formula[:40]  # ExprError, never a crash
        assert time.monotonic() - started < 2, formula[:40]
    with work_limit("probe", steps=1000), pytest.raises(LimitError, match="too much work"):
        for _ in range(1000):
            evaluate("1 + 2 * 3", {})


# ------------------------------------------------------------------ item 5: YAML

def alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nname: bomb\n"


YAML_PROBES = {
    "alias bomb": lambda: alias_bomb(),
    "50 MB valid": lambda: "name: big\nbenchmarks: [synthetic]\nnotes:\n"
                           + "  - padding padding padding padding padding\n" * 1_200_000,
}


@pytest.mark.parametrize("case", list(YAML_PROBES))
def test_item5_yaml_alias_bomb_and_huge_configs(tmp_path, case):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(YAML_PROBES[case]())
    if case == "alias bomb":
        assert len(cfg.read_bytes()) < 1000
    before = snapshot(tmp_path)
    probe = run_cli(["plan", str(cfg)])
    line = one_line(probe, 2)
    assert "c.yaml" in line
    assert probe.seconds < 30
    assert snapshot(tmp_path) == before


def test_yaml_deep_nesting_stays_one_line(tmp_path):
    """Not a failure before the fix (the parser refused it already), kept so that the new
    node-graph checks never turn it into a RecursionError."""
    cfg = tmp_path / "c.yaml"
    cfg.write_text("name: deep\nx: " + "[" * 100_000 + "]" * 100_000 + "\n")
    probe = run_cli(["plan", str(cfg)])
    assert "c.yaml" in one_line(probe, 2)


def test_yaml_anchors_within_limits_still_load(tmp_path):
    """Anchors and aliases a person writes (a shared backend block) are fine."""
    from tunegap.config_files import load_config_text

    text = """
name: anchors
benchmarks: [synthetic]
settings: [zeroshot_cot]
pairs:
  - label: p
    base: {name: b, kind: base, backend: &be {type: scripted, model: "scripted:x"}}
    instruct: {name: i, kind: instruct, backend: *be}
"""
    config = load_config_text(text, source="anchors.yaml")
    assert config.pairs[0].base.backend == config.pairs[0].instruct.backend
