"""A re-run that generates nothing keeps the stored grades and report files when they are
current (tunegap/reuse.py), and makes them anew whenever anything they depend on changed."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import RESPONDERS, scripted_pair
from tunegap import runner, scoring
from tunegap.config import RunConfig
from tunegap.rundir import RunDir


def config(out, **over) -> RunConfig:
    data = {"name": "reuse", "pairs": [scripted_pair()], "benchmarks": ["synthetic"],
            "settings": ["zeroshot_cot"], "limit": 5, "out": str(out),
            "decoding": [{"strategy": "sample", "n": 2, "temperature": 0.7}]}
    data.update(over)
    return RunConfig.model_validate(data)


@pytest.fixture
def counted(monkeypatch):
    """Counts score_store and RunDir.report calls (both still run)."""
    calls = {"score": 0, "report": 0}
    real_score, real_report = scoring.score_store, RunDir.report

    def score(*a, **k):
        calls["score"] += 1
        return real_score(*a, **k)

    def report(*a, **k):
        calls["report"] += 1
        return real_report(*a, **k)

    monkeypatch.setattr(scoring, "score_store", score)
    monkeypatch.setattr(RunDir, "report", report)
    RESPONDERS["scripted:i"] = lambda req, i: f"The answer is {i + 3}."
    RESPONDERS["scripted:b"] = lambda req, i: "no idea" if i else "It is 3."
    yield calls
    RESPONDERS.clear()


def test_a_finished_run_reruns_without_scoring_or_reporting(tmp_path, counted):
    cfg = config(tmp_path / "r")
    first = runner.run(cfg, progress=False)
    assert counted == {"score": 1, "report": 1}
    before = (tmp_path / "r" / "results.json").read_bytes()

    outcome = runner.execute(cfg, progress=False, need_results=False)
    assert counted == {"score": 1, "report": 1}
    assert outcome.results is None
    assert outcome.summary == first.summary()
    again = runner.run(cfg, progress=False)  # the Python API still gets whole Results
    assert counted == {"score": 1, "report": 1}
    assert [c.to_dict() for c in again.comparisons] == [c.to_dict() for c in first.comparisons]
    assert [c.to_dict() for c in again.cells] == [c.to_dict() for c in first.cells]
    assert again.attempt == first.attempt  # the report it describes is the first attempt's
    assert (tmp_path / "r" / "results.json").read_bytes() == before


def test_what_changed_is_made_anew(tmp_path, counted):
    cfg = config(tmp_path / "r")
    runner.run(cfg, progress=False)

    (tmp_path / "r" / "tables.md").unlink()  # a deleted report file: report again, same grades
    runner.run(cfg, progress=False)
    assert counted == {"score": 1, "report": 2}
    assert (tmp_path / "r" / "tables.md").is_file()

    runner.run(config(tmp_path / "r", caveat="a note"), progress=False)  # the report shows it
    assert counted == {"score": 1, "report": 3}

    fewer = config(tmp_path / "r", extractors=["strict"])  # other scorers: score again
    runner.run(fewer, progress=False)
    assert counted == {"score": 2, "report": 4}

    runner.run(config(tmp_path / "r", limit=6), progress=False)  # new items: generate, score
    assert counted == {"score": 3, "report": 5}


def test_a_stored_timeout_is_graded_again(tmp_path, counted):
    cfg = config(tmp_path / "r")
    runner.run(cfg, progress=False)
    with sqlite3.connect(tmp_path / "r" / "tunegap.sqlite") as db:
        db.execute("UPDATE grades SET status = 'timeout', correct = NULL "
                   "WHERE rowid = (SELECT MIN(rowid) FROM grades)")
    runner.run(cfg, progress=False)
    assert counted == {"score": 2, "report": 2}
    runner.run(cfg, progress=False)  # the timeout passed this time: nothing to do
    assert counted == {"score": 2, "report": 2}


def test_a_killed_scoring_or_a_regrade_leaves_no_reusable_key(tmp_path, counted, monkeypatch):
    from tunegap.runner import regrade

    cfg = config(tmp_path / "r")
    runner.run(cfg, progress=False)

    def killed(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(scoring, "score_store", killed)
    with pytest.raises(KeyboardInterrupt):
        runner.run(config(tmp_path / "r", extractors=["strict"]), progress=False)
    monkeypatch.undo()
    calls = {"score": 0}
    real = scoring.score_store

    def score(*a, **k):
        calls["score"] += 1
        return real(*a, **k)

    monkeypatch.setattr(scoring, "score_store", score)
    runner.run(cfg, progress=False)  # the grades may be half written: scored again
    assert calls["score"] == 1

    regrade(tmp_path / "r", graders=["numeric"])
    assert calls["score"] == 2
    runner.run(cfg, progress=False)  # after `tunegap grade` the run's own scorers grade again
    assert calls["score"] == 3
    runner.run(cfg, progress=False)
    assert calls["score"] == 3
