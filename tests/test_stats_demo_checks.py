"""The demo preset's grid (tunegap's problems, two settings, greedy / CoT decoding / sampling,
verified perturbations of 6 seed problems, strict and flexible extractors) run with scripted
models whose right/wrong pattern is a rule of the item, then checked with
tests/results_checks.py: no breakdown row duplicating another's items, no float noise where 0 is
meant, no zero-width interval with items, single-cluster rows labelled (issue 27, Done-when 2).

The same checks on the real demo: `python -m tests.results_checks RUN_DIR`.
"""

from __future__ import annotations

import json
import zlib

from tests.helpers import RESPONDERS, scripted_pair
from tests.results_checks import check_results
from tunegap.config import RunConfig
from tunegap.config_files import load_preset
from tunegap.plan import build_plan
from tunegap.runner import run


def test_demo_grid_with_scripted_models_passes_the_results_checks(tmp_path):
    cfg = load_preset("demo").model_dump(mode="json")
    cfg.update(pairs=[scripted_pair("db", "di", batch_size=16)], out=str(tmp_path / "run"))
    cfg.pop("optional_benchmarks", None)
    config = RunConfig.model_validate(cfg)
    examples = {it.request.key: it.example for it in build_plan(config)}

    def responder(side: str, every: int):
        def respond(req, i):
            ex = examples[req.key]
            # right on a rule of the item (and sample), so sides differ, and variants of one
            # seed problem sometimes agree and sometimes not
            ok = zlib.crc32(f"{side}|{ex.id}|{i}".encode()) % every == 0
            return f"Let me think. The answer is {ex.target if ok else '987654'}."
        return respond

    RESPONDERS["scripted:di"] = responder("instruct", 2)
    RESPONDERS["scripted:db"] = responder("base", 3)
    run(config, progress=False)
    problems = check_results(tmp_path / "run")
    assert problems == [], "\n".join(problems[:20])
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    # what was checked is there: breakdowns by category (steps would duplicate them), the
    # perturbation rows with their difference of drops, and every row's df / flag fields
    keys = {r["group_key"] for r in results["breakdowns"]}
    assert "category" in keys and "steps" not in keys
    assert results["robustness"] and all("did_flag" in r for r in results["robustness"])
    assert all("cluster_flag" in r and "df" in r for r in results["comparisons"])
