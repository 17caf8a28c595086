"""Write a run's report files from its store: results.json, samples.jsonl, tables.md."""

from __future__ import annotations

import json
from pathlib import Path

from tunegap.report.files import write_atomic, write_lines_atomic
from tunegap.report.sensitivity import sensitivity_markdown
from tunegap.results import Results
from tunegap.store import Store


def _samples(store: Store):
    gens = store.generations()
    answers = store.answers()
    grades = store.grades()
    config = store.get_meta("config")
    for row in store.plan_rows():
        key = row["request_key"]
        ex = json.loads(row["example_json"])
        req = json.loads(row["request_json"])
        idx = 0
        while (key, idx) in gens:
            g = gens[(key, idx)]
            rec = {
                "cell": row["cell"], "pair": row["pair"], "side": row["side"],
                "model": row["model"], "benchmark": row["benchmark"], "setting": row["setting"],
                "decoding": row["decoding"], "example_id": row["example_id"],
                "sample_index": idx, "request_key": key,
                "question": ex["question"], "target": row["target"],
                "prompt": req["prompt"], "rendered_prompt": g.rendered_prompt,
                "params": req["params"],
                "output": g.text, "finish_reason": g.finish_reason,
                "prompt_tokens": g.prompt_tokens, "completion_tokens": g.completion_tokens,
                "answers": {e: answers.get((key, idx, e)) for e in config["extractors"]},
                "grades": {
                    f"{e}/{gr}": grades.get((key, idx, e, gr, row["target"]), (None, "missing"))[0]
                    for e in config["extractors"] for gr in config["graders"]
                },
            }
            yield json.dumps(rec, ensure_ascii=False) + "\n"
            idx += 1


def write_report(store: Store, run_dir: Path) -> Results:
    results = Results.from_store(store, run_dir)
    run_dir = Path(run_dir)
    write_atomic(run_dir / "results.json", json.dumps(results.to_dict(), indent=2, default=str))
    write_lines_atomic(run_dir / "samples.jsonl", _samples(store))
    header = f"# tunegap results: {results.config['name']}\n\n"
    if results.caveat:
        header += f"> **Caveat.** {results.caveat}\n\n"
    header += "Accuracy in %, Δ = instruct − base (negative: the base model is better).\n\n"
    write_atomic(run_dir / "tables.md",
                 header + results.table_markdown() + sensitivity_markdown(store))
    return results
