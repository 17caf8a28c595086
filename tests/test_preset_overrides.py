"""Presets survive overrides: `--benchmarks` keeps each benchmark's own settings with their
options, `--settings` selects among the preset's settings by name and keeps their options,
`plan --against` lines rows up by setting name, `plan` counts the LLM extractor's calls, and
`json_answer: [instruct]` asks only the instruct side for JSON in every prompt family."""

from __future__ import annotations

import pytest

from tunegap.config_files import load_preset
from tunegap.data import get_benchmark
from tunegap.errors import UserError
from tunegap.plan import build_plan
from tunegap.plan_summary import compare, extractor_generations, grid


@pytest.mark.parametrize("bench", ["gsm8k", "math500", "math_perturb_hard", "medcalc"])
def test_paper_narrowed_to_one_benchmark_keeps_its_protocol(bench):
    cfg = load_preset("paper").with_overrides(benchmarks=[bench])
    defined = set(get_benchmark(bench).settings)
    assert cfg.settings and {s.name for s in cfg.settings} <= defined
    assert all(s.json_answer == ("instruct",) for s in cfg.settings)
    rows = grid(cfg)
    assert rows and {r.benchmark for r in rows} == {bench}
    assert all("+json(instruct)" in r.setting for r in rows)


def test_settings_by_name_keep_their_options():
    cfg = load_preset("paper").with_overrides(settings=["zeroshot_cot"])
    (s,) = cfg.settings
    assert (s.name, s.json_answer) == ("zeroshot_cot", ("instruct",))
    fewshot = load_preset("paper").with_overrides(settings=["fewshot_cot"]).settings[0]
    assert fewshot.k == 8
    assert load_preset("demo").with_overrides(settings=["direct"]).settings[0].name == "direct"


def test_nothing_left_is_the_only_error():
    cfg = load_preset("demo").with_overrides(benchmarks=["medcalc"])
    assert [s.name for s in cfg.settings] == ["zeroshot_cot"]  # fewshot_cot is not MedCalc's
    with pytest.raises(UserError, match="none of the settings"):
        load_preset("demo").with_overrides(settings=["fewshot_cot"], benchmarks=["medcalc"])


def test_against_lines_rows_up_by_setting_name_and_counts_the_extractor():
    sym, paper = grid(load_preset("paper-symmetric")), grid(load_preset("paper"))
    shared = [(side, strat, s) for side, strat, s, here, there in compare(sym, paper)
              if here and there]
    assert ("base", "cot_decoding(k=20)", "fewshot_cot") in shared
    assert extractor_generations(load_preset("paper"), paper) == sum(r.generations for r in paper)
    assert extractor_generations(load_preset("demo"), grid(load_preset("demo"))) == 0


def test_medcalc_json_only_for_the_instruct_side(shared_data):
    cfg = load_preset("paper").with_overrides(benchmarks=["medcalc"], limit=2,
                                              data_dir=shared_data)
    items = build_plan(cfg)
    assert {it.cell.setting.split("+")[0] for it in items} == {"direct", "zeroshot_cot",
                                                               "oneshot_cot"}
    for it in items:
        p = it.request.prompt
        text = p.text if p.text is not None else "\n".join(m.content for m in p.messages)
        asks_json = '"answer": "<the value>"' in text
        assert asks_json == (it.cell.side == "instruct"), (it.cell.id, text[:300])
        if it.cell.side == "base":
            assert ("The answer is" in text) != it.cell.setting.startswith("direct")
