"""Perturbed sets in a run: the `perturb:` block, the plan beside the source, prompt-format and
exemplar variants at the prompt renderer, and unchanged prompts when nothing is perturbed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import defaultdict

import pytest

from tests.helpers import REPO, scripted_pair
from tunegap.config import RunConfig, SettingSpec
from tunegap.config_files import load_config_text, load_preset
from tunegap.errors import UserError
from tunegap.plan import build_plan
from tunegap.prompts import build_prompt
from tunegap.types import Example, canonical_json

ITEM = Example("synthetic", "s-1", "Ava has 12 marbles and finds 5 more. How many marbles does Ava "
               "have now?", "17", "integer")
SHOTS = [Example("synthetic", f"t-{i}", f"A box holds {i + 2} pencils. How many pencils are there "
                 "in 3 boxes?", str(3 * (i + 2)), "integer",
                 solution=f"3 boxes hold 3 x {i + 2} = {3 * (i + 2)} pencils.") for i in range(3)]
SETTINGS = [dict(name="zeroshot_cot"), dict(name="fewshot_cot", k=3), dict(name="zeroshot_cot", chat=False),
            dict(name="fewshot_cot", k=3, chat=True),
            dict(name="zeroshot_cot", json_answer=("instruct", "base")),
            dict(name="fewshot_cot", k=3, json_answer=("instruct", "base"))]
# Rendered before prompt-format variants existed (math_cot at commit 1561ecf): a prompt with no
# perturbation must stay byte-identical.
HASHES = {"0-base": "ca1e41fdc0460d2f", "0-instruct": "bf6ef97eaf9b941a", "1-base": "75bea0d96aa0a4fe",
          "1-instruct": "3c673e287b3e5167", "2-base": "ca1e41fdc0460d2f", "2-instruct": "ca1e41fdc0460d2f",
          "3-base": "3c673e287b3e5167", "3-instruct": "3c673e287b3e5167", "4-base": "0597505eb6ced59a",
          "4-instruct": "7c93c586bf5139ec", "5-base": "b693254b5eb6f320", "5-instruct": "76760df190b4facf"}


def _render(ex, setting, kind, shots=SHOTS):
    return build_prompt(ex, SettingSpec(**setting), family="math_cot", model_kind=kind, exemplars=shots).prompt


def test_unperturbed_prompts_are_byte_identical():
    for i, s in enumerate(SETTINGS):
        for kind in ("base", "instruct"):
            p = _render(ITEM, s, kind)
            assert hashlib.sha256(canonical_json(p.to_dict()).encode()).hexdigest()[:16] == HASHES[f"{i}-{kind}"]


def _variant(fmt):
    return Example(ITEM.benchmark, "s-1~x-0", ITEM.question, ITEM.target, ITEM.answer_type,
                   meta={"prompt_format": fmt, "seed_id": "s-1", "perturbation": "x"})


def test_prompt_format_variants_change_only_their_element():
    plain = _render(ITEM, SETTINGS[1], "base").text
    marked = _render(_variant({"markers": ["Q:", "A:"]}), SETTINGS[1], "base")
    assert marked.text == plain.replace("Question:", "Q:").replace("Answer:", "A:")
    assert marked.stop == ("\nQ:", "\n\n\n")
    sep = _render(_variant({"separator": "\n###\n"}), SETTINGS[1], "base").text
    assert sep.count("\n###\n") == 4 and sep.replace("\n###\n", "\n\n") == plain
    chat = _render(_variant({"markers": ["Q:", "A:"]}), SETTINGS[0], "instruct")
    assert chat.messages[-1].content.startswith(f"Q: {ITEM.question}")
    words = "End with: The answer is N."
    inst = _render(_variant({"instruction": words}), SETTINGS[0], "instruct")
    assert words in inst.messages[-1].content and "Reason through" not in inst.messages[-1].content


def _config(**perturb) -> RunConfig:
    block = {"source": "synthetic", "kinds": ["numeric", "distractor", "exemplar_order",
                                             "exemplar_set", "format_markers"],
             "seeds": 6, "name": "syn_p", **perturb}
    return RunConfig.model_validate({
        "name": "x", "pairs": [scripted_pair()], "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 3}], "limit": 4,
        "decoding": [{"strategy": "greedy"}, {"strategy": "sample", "n": 2, "temperature": 0.5}],
        "perturb": [block]})


def test_plan_runs_variants_beside_their_originals():
    items = build_plan(_config(decoding=["greedy"]))
    originals = defaultdict(set)
    for it in items:
        if it.cell.benchmark == "synthetic":
            originals[(it.cell.side, it.cell.setting, it.cell.decoding)].add(it.example.id)
    variants = [it for it in items if it.cell.benchmark == "syn_p"]
    assert variants and {it.cell.decoding for it in variants} == {"greedy"}  # the block's decoding
    seeds = set()
    for it in variants:
        meta = it.example.meta
        # the original is evaluated in the same (side, setting label, decoding)
        assert meta["seed_id"] in originals[(it.cell.side, it.cell.setting, it.cell.decoding)]
        assert it.example.id != meta["seed_id"] and meta["perturbation"]
        seeds.add(meta["seed_id"])
    assert len(seeds) == 4  # the run's limit counts seed problems (seeds: 6, limit: 4)
    ids = [it.example.id for it in variants if it.cell.side == "base" and it.cell.setting == "zeroshot_cot"]
    assert len(ids) == len(set(ids))


def test_validating_a_config_registers_nothing_and_two_configs_keep_their_own_sets():
    """A perturbed set is made from the config that names it: two configs in one process, each
    with a block named syn_p, plan their own variants; no registry changes."""
    from tunegap.data import BENCHMARKS
    from tunegap.perturb.benchmark import benchmark_for

    before = BENCHMARKS.names()
    numeric, names = _config(kinds=["numeric"]), _config(kinds=["names"])
    assert BENCHMARKS.names() == before and "syn_p" not in BENCHMARKS
    kinds = {frozenset(it.example.meta["perturbation"] for it in build_plan(cfg)
                       if it.cell.benchmark == "syn_p") for cfg in (numeric, names, numeric)}
    assert kinds == {frozenset({"numeric"}), frozenset({"names"})}
    perturbed = benchmark_for("syn_p", numeric.perturb)
    assert (perturbed.name, perturbed.title, perturbed.graders) == ("syn_p", "syn_p", ("numeric",))
    assert benchmark_for("synthetic", numeric.perturb) is BENCHMARKS["synthetic"]
    with pytest.raises(UserError, match="unknown benchmark 'syn_p'"):
        benchmark_for("syn_p")  # outside its config a perturbed set is no benchmark


def test_exemplar_variants_change_the_shots_only_in_few_shot():
    items = build_plan(_config())
    by_key = {(it.cell.side, it.cell.setting, it.cell.decoding, it.example.id): it for it in items}

    def shots_of(it):
        return [q for q in it.request.prompt.text.split("Question: ")[1:-1]]
    for it in items:
        kind = it.example.meta.get("perturbation")
        if kind not in ("exemplar_order", "exemplar_set") or it.cell.side != "base":
            continue
        orig = by_key[(it.cell.side, it.cell.setting, it.cell.decoding, it.example.meta["seed_id"])]
        if it.cell.setting == "zeroshot_cot":
            assert it.request.key == orig.request.key  # nothing to reorder: generated once
            continue
        mine, theirs = shots_of(it), shots_of(orig)
        assert mine != theirs and len(mine) == len(theirs) == 3
        if kind == "exemplar_order":
            assert sorted(mine) == sorted(theirs)
        else:
            assert set(mine) != set(theirs)


def test_demo_preset_runs_its_perturbation_block_beside_the_source():
    cfg = load_preset("demo").with_overrides(limit=3)
    assert [p.set_name for p in cfg.perturb] == ["synthetic_perturbed"]
    assert "synthetic_perturbed" in cfg.all_benchmarks
    items = build_plan(cfg)
    perturbed = [it for it in items if it.cell.benchmark == "synthetic_perturbed"]
    assert {it.cell.side for it in perturbed} == {"base", "instruct"}
    assert {it.cell.decoding for it in perturbed} == {"greedy"}
    assert {it.cell.setting for it in perturbed} == {"zeroshot_cot"}
    assert {it.example.meta["perturbation"] for it in perturbed} == {"numeric", "names", "distractor"}
    originals = {(it.cell.side, it.example.id) for it in items if it.cell.benchmark == "synthetic"
                 and it.cell.setting == "zeroshot_cot" and it.cell.decoding == "greedy"}
    assert all((it.cell.side, it.example.meta["seed_id"]) in originals for it in perturbed)


def test_an_explicit_benchmark_list_drops_unnamed_perturbed_sets():
    cfg = load_preset("demo").with_overrides(benchmarks=["synthetic"])
    assert cfg.all_benchmarks == ["synthetic"]
    with pytest.raises(UserError, match="runs only beside its source"):
        build_plan(load_preset("demo").with_overrides(benchmarks=["synthetic_perturbed"]))


BAD = """name: x
pairs: []
benchmarks: [synthetic]
settings: [zeroshot_cot]
perturb:
  - source: synthetic
    kinds: [numeric, wobble]
"""


@pytest.mark.parametrize("text, line, field, message", [
    (BAD, 7, "perturb.0.kinds", "unknown perturbation kind 'wobble'"),
    (BAD.replace("source: synthetic", "source: nope").replace(", wobble", ""), 6,
     "perturb.0.source", "unknown source benchmark 'nope'"),
    (BAD.replace(", wobble", "") + "    variants: 0\n", 8, "perturb.0.variants", "greater than or equal"),
    (BAD.replace(", wobble", "") + "    colour: red\n", 8, "perturb.0.colour", "unknown key"),
])
def test_a_bad_perturb_block_is_one_line_naming_line_and_field(text, line, field, message):
    with pytest.raises(UserError) as exc:
        load_config_text(text, source="run.yaml")
    assert (exc.value.file, exc.value.row, exc.value.field) == ("run.yaml", line, field)
    assert message in exc.value.message


def test_cli_exit_code_2_on_a_bad_perturb_block(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(BAD)
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "plan", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 2
    assert "line 7" in proc.stderr and "wobble" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_scripted_run_scores_originals_and_variants_together(tmp_path):
    from tests.helpers import RESPONDERS
    from tunegap.runner import run

    def answer(req, i):  # always the first number of the question: right on no item
        return "The answer is 1."
    RESPONDERS["scripted:i"] = RESPONDERS["scripted:b"] = answer
    cfg = _config(decoding=["greedy"]).with_overrides(out=str(tmp_path / "r"), limit=2)
    run(cfg, progress=False)
    samples = (tmp_path / "r" / "samples.jsonl").read_text()
    assert '"syn_p"' in samples and '"seed_id"' in samples


def test_perturb_command_writes_the_same_bytes_for_the_same_seed(tmp_path):
    from tunegap.cli.perturb import write_variants

    args = ["--benchmark", "synthetic", "--kinds", "numeric,distractor", "--kinds", "extra_step",
            "--variants", "2", "--seed", "4", "--seeds", "15", "--no-progress"]
    proc = subprocess.run([sys.executable, "-m", "tunegap.cli", "perturb", *args, "--out",
                           str(tmp_path / "a.jsonl")], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    n = write_variants("synthetic", ["numeric", "distractor", "extra_step"], 2, 4, tmp_path / "b.jsonl",
                       seeds=15, progress=False)
    assert f"{n} variants written" in proc.stdout and n > 60
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    write_variants("synthetic", ["numeric", "distractor", "extra_step"], 2, 5, tmp_path / "c.jsonl",
                   seeds=15, progress=False)
    assert (tmp_path / "c.jsonl").read_bytes() != (tmp_path / "b.jsonl").read_bytes()
