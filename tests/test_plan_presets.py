"""`tunegap plan` on the paper presets: the full grid, without loading a model."""

import re
import subprocess
import sys

from tunegap.config_files import load_preset
from tunegap.plan_summary import compare, grid

PAPER_PAIRS = {"Qwen3-0.6B", "SmolLM-3B", "Llama3-3B", "Qwen3-8B", "Qwen3-14B", "Llama3-70B",
               "DS-V3.1", "Kimi-K2"}


def test_paper_grid_covers_the_published_protocol():
    cfg = load_preset("paper")
    rows = grid(cfg)
    assert {r.pair for r in rows} == PAPER_PAIRS
    cells = {(r.benchmark, r.setting.split("+")[0], r.side) for r in rows}
    per_pair = {
        ("gsm8k", "zeroshot_cot", "base"), ("gsm8k", "zeroshot_cot", "instruct"),
        ("gsm8k", "fewshot_cot[k=8]", "base"), ("gsm8k", "fewshot_cot[k=8]", "instruct"),
        ("math500", "zeroshot_cot", "base"), ("math500", "zeroshot_cot", "instruct"),
        ("math_perturb_hard", "zeroshot_cot", "instruct"),  # instruct models only
        *{("medcalc", s, side) for s in ("direct", "zeroshot_cot", "oneshot_cot")
          for side in ("base", "instruct")},
    }
    assert cells == per_pair
    assert len(rows) == 8 * len(per_pair)
    sizes = {"gsm8k": 1319, "math500": 500, "math_perturb_hard": 279, "medcalc": 1047}
    for r in rows:
        assert r.items == sizes[r.benchmark]
        assert r.generations == 20 * r.items  # pass@20 everywhere
        assert r.strategy == ("cot_decoding(k=20)" if r.side == "base" else "sample(n=20,T=0.05)")
        assert r.max_new_tokens == r.generations * 8192
    expected = 8 * 20 * (2 * 2 * 1319 + 2 * 500 + 279 + 3 * 2 * 1047)
    assert sum(r.generations for r in rows) == expected


def test_symmetric_preset_gives_both_sides_every_strategy():
    sym = grid(load_preset("paper-symmetric"))
    for side in ("base", "instruct"):
        strategies = {r.strategy for r in sym if r.side == side}
        assert strategies == {"greedy", "cot_decoding(k=20)", "sample(n=20,T=0.7)"}
    added = compare(sym, grid(load_preset("paper")))
    base_sampling = [a for a in added if a[0] == "base" and a[1].startswith("sample")]
    assert base_sampling and all(here > 0 and there == 0 for *_, here, there in base_sampling)


def test_plan_cli_prints_grid_and_totals():
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "plan", "--preset", "paper"],
                          capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "220", "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert "Kimi-K2" in proc.stdout and "medcalc" in proc.stdout
    m = re.search(r"(\d+) cells · ([\d,]+) generations", proc.stdout)
    assert m and int(m.group(1)) == 104
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "plan", "--preset",
                           "paper-symmetric", "--against", "paper"], capture_output=True,
                          text=True, timeout=120, env={"COLUMNS": "220", "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert "against 'paper'" in proc.stdout and "added" in proc.stdout
