"""A `paper`-shaped run on vLLM end to end (`tunegap run`, a fresh process): the demo pair on the
offline engine (gemma-3-270m base, SmolLM2-135M-Instruct), CoT decoding with 20 branches for the
base model, 20 samples at temperature 0.05 for the instruct model asked for JSON answers, the
base model's answers read by the LLM extractor (SmolLM2, also on vLLM), GSM8K at --limit 5."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from tests.helpers import SHARED_DATA
from tests.vllm_models import TEST_OPTIONS, converted, require_vllm

pytestmark = [pytest.mark.vllm, pytest.mark.slow]


def test_paper_shaped_run_completes_on_vllm(tmp_path):
    require_vllm()
    if not (SHARED_DATA / "gsm8k" / "test.jsonl").is_file():
        pytest.skip(f"benchmark data not found at {SHARED_DATA}")

    def model(name: str, kind: str, which: str, **extra) -> dict:
        return {"name": name, "kind": kind, "backend": {
            "type": "vllm", "model": str(converted(which)), "n_ctx": 2048,
            "options": dict(TEST_OPTIONS), **extra}}

    cfg = {
        "name": "paper-shaped",
        "pairs": [{"label": "demo", "base": model("gemma-3-270m", "base", "gemma"),
                   "instruct": model("SmolLM2-135M-Instruct", "instruct", "smol")}],
        "benchmarks": ["gsm8k"], "data_dir": str(SHARED_DATA),
        "settings": [{"name": "zeroshot_cot", "json_answer": ["instruct"]}],
        "decoding": [
            {"strategy": "cot_decoding", "n": 20, "max_tokens": 32, "sides": ["base"],
             "group": "paper"},
            {"strategy": "sample", "n": 20, "temperature": 0.05, "max_tokens": 32,
             "sides": ["instruct"], "group": "paper"}],
        "extractors": ["json", "llm", "strict", "flexible"],
        "extractor_by_side": {"base": "llm", "instruct": "json"},
        "graders": ["numeric"],
        "llm_extractor": model("SmolLM2-extractor", "instruct", "smol"),
        "out": str(tmp_path / "run"),
    }
    (tmp_path / "paper.yaml").write_text(yaml.safe_dump(cfg))
    res = subprocess.run([sys.executable, "-m", "tunegap.cli", "run", str(tmp_path / "paper.yaml"),
                          "--limit", "5", "--no-progress"], capture_output=True, text=True,
                         timeout=1200, env={**os.environ})
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    text = json.dumps(results)
    # both sides generated 5 items x 20 paths, and the LLM extractor read the base side
    assert '"llm"' in text and '"json"' in text
    import sqlite3

    with sqlite3.connect(tmp_path / "run" / "tunegap.sqlite") as db:
        n = db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    assert n >= 2 * 5 * 20, n
