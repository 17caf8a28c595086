"""The config is resolved once and handed down: outside config.py, resolved.py and the run
object (rundir.py), at most three modules read a RunConfig field, and no stage after the plan
reads one at all.

Counted at run time, not by reading source: every attribute read of a RunConfig field (or one
of its derived properties) is attributed to the module of the code that made it, across
`tunegap run`, `plan`, `grade`, `report` and `import` on the scripted backend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.cli import app
from tunegap.config import RunConfig

OWNERS = {"tunegap.config", "tunegap.config_files", "tunegap.resolved", "tunegap.rundir"}
MAX_OTHER_READERS = 3
# Stages after the plan take the resolved config only.
NEVER = ("tunegap.scoring", "tunegap.results", "tunegap.report", "tunegap.analysis",
         "tunegap.generation", "tunegap.plan", "tunegap.reuse", "tunegap.store")
FIELDS = set(RunConfig.model_fields) | {"all_benchmarks", "run_dir", "resolved_graders", "runs"}


@pytest.fixture
def readers(monkeypatch):
    seen: dict[str, set[str]] = {}
    plain = object.__getattribute__

    def spy(self, name):
        if name in FIELDS:
            module = sys._getframe(1).f_globals.get("__name__", "?")
            if module.startswith("tunegap"):
                seen.setdefault(module, set()).add(name)
        return plain(self, name)

    monkeypatch.setattr(RunConfig, "__getattribute__", spy)
    yield seen


def _config_file(tmp_path: Path) -> Path:
    data = {
        "name": "reads", "out": str(tmp_path / "run"), "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}], "limit": 3,
        "pairs": [scripted_pair()],
        "decoding": [{"strategy": "greedy", "max_tokens": 32},
                     {"strategy": "sample", "n": 3, "temperature": 0.7, "max_tokens": 32}],
        "extractors": ["strict", "flexible"],
        "extractor_by_side": {"base": "flexible", "instruct": "strict"},
        "perturb": [{"source": "synthetic", "kinds": ["numeric"], "variants": 1}],
    }
    path = tmp_path / "run.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_run_config_fields_are_read_in_few_modules(tmp_path, readers):
    RESPONDERS["scripted:i"] = lambda req, i: f"The answer is {i + 3}."
    RESPONDERS["scripted:b"] = lambda req, i: "It is 3."
    cli = CliRunner()
    try:
        config = _config_file(tmp_path)
        for args in (["plan", str(config)], ["run", str(config), "--no-progress"],
                     ["grade", str(tmp_path / "run"), "--graders", "numeric"],
                     ["report", str(tmp_path / "run")]):
            result = cli.invoke(app, args, catch_exceptions=False)
            assert result.exit_code == 0, (args, result.output)
        jsonl = tmp_path / "gens.jsonl"
        jsonl.write_text("".join(json.dumps(
            {"item_id": f"q{n}", "side": side, "model": side, "question": f"{n} + 1?",
             "target": str(n + 1), "output": f"The answer is {n + 1}."}) + "\n"
            for n in range(3) for side in ("base", "instruct")), encoding="utf-8")
        result = cli.invoke(app, ["import", "jsonl", str(jsonl), "--benchmark", "gsm8k",
                                  "--out", str(tmp_path / "imported")], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    finally:
        RESPONDERS.clear()
    others = {m: sorted(f) for m, f in readers.items() if m not in OWNERS}
    print("RunConfig fields read outside their owners:", others)
    assert not [m for m in others if m.startswith(NEVER)], others
    assert len(others) <= MAX_OTHER_READERS, others
    assert readers, "the spy saw no read at all: it is not measuring"
