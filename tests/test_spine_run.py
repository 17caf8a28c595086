"""The spine end to end with the scripted backend: plan, dedupe, store, resume, report files."""

import json
import sqlite3

from tests.helpers import REQUESTED, RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.runner import run


def scripted_config(out, **over) -> RunConfig:
    data = {
        "name": "scripted",
        "pairs": [scripted_pair(batch_size=3)],
        "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 3}],
        "limit": 7,
        "out": str(out),
    }
    data.update(over)
    return RunConfig.model_validate(data)


def answer_target(req, i):
    # The instruct model answers right in the asked-for format; the base model only loosely.
    text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
    return text


def test_resume_requests_nothing_already_stored(tmp_path):
    targets = {}
    from tunegap.data.synthetic import load_test

    for ex in load_test()[:7]:
        targets[ex.question] = ex.target

    def inst(req, i):
        q = next(q for q in targets if q in req.prompt.messages[-1].content)
        return f"Step one. The answer is {targets[q]}."

    def base(req, i):
        q = next(q for q in targets if req.prompt.text.rstrip().endswith(
            f"Question: {q}\nAnswer: Let's think step by step."))
        return f"so it is {targets[q]} I think" if len(q) % 2 else "no idea"

    RESPONDERS["scripted:i"], RESPONDERS["scripted:b"] = inst, base
    REQUESTED.clear()
    cfg = scripted_config(tmp_path / "run")
    first = run(cfg, progress=False)
    assert len(REQUESTED) == 2 * 2 * 7  # sides x settings x items
    assert len(set(REQUESTED)) == len(REQUESTED)

    g = first.gap(setting="zeroshot_cot", extractor="strict")[0]
    assert (g.instruct, g.base, g.n) == (100.0, 0.0, 7)
    flex = first.gap(setting="zeroshot_cot", extractor="flexible")[0]
    expected_base = 100.0 * sum(len(q) % 2 for q in targets) / 7
    assert abs(flex.base - expected_base) < 1e-9
    assert abs(flex.delta - (100.0 - expected_base)) < 1e-9

    # Same command again: nothing is requested, results are identical.
    REQUESTED.clear()
    second = run(cfg, progress=False)
    assert REQUESTED == []
    assert [c.to_dict() for c in second.cells] == [c.to_dict() for c in first.cells]

    # A larger limit only requests the new items.
    REQUESTED.clear()
    for ex in load_test()[:9]:
        targets[ex.question] = ex.target
    run(scripted_config(tmp_path / "run", limit=9), progress=False)
    assert len(REQUESTED) == 2 * 2 * 2


def test_report_files_and_visible_prompts(tmp_path):
    RESPONDERS["scripted:i"] = lambda req, i: "The answer is 3."
    RESPONDERS["scripted:b"] = lambda req, i: " 2 + 1 = 3.\nThe answer is 3."
    res = run(scripted_config(tmp_path / "run", limit=2), progress=False)
    run_dir = tmp_path / "run"
    results = json.loads((run_dir / "results.json").read_text())
    assert results["schema"] == "tunegap.results/2"
    assert results["config"]["name"] == "scripted"
    assert {c["side"] for c in results["cells"]} == {"base", "instruct"}
    samples = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines()]
    assert len(samples) == 8
    for s in samples:
        if s["side"] == "base":
            assert s["prompt"]["text"].endswith("Let's think step by step.")
            assert s["rendered_prompt"] == s["prompt"]["text"]
        else:
            msgs = s["prompt"]["messages"]
            assert msgs[-1]["role"] == "user" and s["question"] in msgs[-1]["content"]
            assert s["rendered_prompt"].endswith("<assistant>")  # the template output is kept
            if s["setting"].startswith("fewshot"):
                assert [m["role"] for m in msgs] == ["user", "assistant"] * 3 + ["user"]
        assert set(s["answers"]) == {"strict", "flexible"}
    table = (run_dir / "tables.md").read_text()
    assert "| pair | zeroshot_cot inst | base | Δ | 95% CI | n |" in table
    from tunegap.report.markdown import gap_tables
    from tunegap.report.table import to_markdown

    assert all(to_markdown(t, "###") in table for t in gap_tables(res.comparisons))


def test_store_is_wal_and_plan_matches_items(tmp_path):
    run(scripted_config(tmp_path / "run", limit=3), progress=False)
    db = sqlite3.connect(tmp_path / "run" / "tunegap.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("SELECT COUNT(*) FROM plan").fetchone()[0] == 2 * 2 * 3
    assert db.execute("SELECT COUNT(*) FROM generations").fetchone()[0] == 2 * 2 * 3


def test_python_api_mirrors_the_cli(tmp_path):
    import yaml

    import tunegap

    RESPONDERS["scripted:i"] = lambda req, i: "The answer is 3."
    RESPONDERS["scripted:b"] = lambda req, i: "The answer is 4."
    cfg = scripted_config(tmp_path / "api", limit=2)
    res = tunegap.run(cfg, progress=False)
    assert {g.setting for g in res.comparisons} == {"zeroshot_cot", "fewshot_cot[k=3]"}
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(cfg.model_dump(mode="json")))
    again = tunegap.run(path, progress=False)  # same store: resumes, same numbers
    assert [g.to_dict() for g in again.comparisons] == [g.to_dict() for g in res.comparisons]
    rebuilt = tunegap.rebuild_report(tmp_path / "api")
    assert tunegap.tables_markdown(rebuilt) == tunegap.tables_markdown(res)
