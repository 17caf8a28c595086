"""Issue 4 on real weights (llama.cpp, demo models) through the whole runner: a finished sampled
run re-run generates nothing, and the same seed reproduces the same samples."""

import sqlite3

import pytest

from tests.helpers import demo_config_dict
from tunegap.config import RunConfig
from tunegap.runner import run

pytest.importorskip("llama_cpp")

DECODING = [{"strategy": "sample", "n": 3, "temperature": 0.9, "seed": 5, "max_tokens": 24},
            {"strategy": "cot_decoding", "n": 3, "max_tokens": 24}]


def config(out) -> RunConfig:
    data = demo_config_dict(out, limit=2, settings=["zeroshot_cot"])
    data["decoding"] = DECODING
    return RunConfig.model_validate(data)


def outputs(run_dir):
    with sqlite3.connect(run_dir / "tunegap.sqlite") as db:
        return sorted(db.execute("SELECT request_key, sample_index, text FROM generations"))


def requested(run_dir) -> int:
    """Requests ever sent to a model for this run directory (every attempt)."""
    with sqlite3.connect(run_dir / "tunegap.sqlite") as db:
        return db.execute("SELECT COUNT(*) FROM requested").fetchone()[0]


def test_rerun_generates_nothing_and_seed_reproduces(tmp_path):
    first = run(config(tmp_path / "a"), progress=False)
    assert first.counts["requests_sent_last_attempt"] == 2 * 2 * 2  # sides x strategies x items
    stored = outputs(tmp_path / "a")
    assert len(stored) == 2 * 2 * (3 + 3)  # sides x items x (samples + branches)
    sent_before = requested(tmp_path / "a")
    run(config(tmp_path / "a"), progress=False)
    # Nothing was sent again. (The report, kept because nothing changed, still names the
    # attempt that generated: tests/test_rerun_reuse.py.)
    assert requested(tmp_path / "a") == sent_before == 2 * 2 * 2
    assert outputs(tmp_path / "a") == stored
    # A fresh store with the same seed: the same samples, sample for sample.
    run(config(tmp_path / "b"), progress=False)
    assert outputs(tmp_path / "b") == stored
    # The samples differ from each other (it really sampled), and pass@k / maj@k were computed.
    texts = {}
    for key, _idx, text in stored:
        texts.setdefault(key, set()).add(text)
    assert any(len(v) > 1 for v in texts.values())
    cell = next(c for c in first.cells if c.decoding.startswith("sample") and c.side == "instruct")
    assert {"pass@1", "pass@3", "maj@3"} <= set(cell.metrics)
    cot = next(c for c in first.cells if c.decoding.startswith("cot") and c.side == "base")
    assert "selected" in cot.metrics
