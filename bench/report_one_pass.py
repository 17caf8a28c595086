"""The report reads the store once: `report_run` (one full read of the records, streamed into
samples.jsonl and the sample browser on their way into the analysis) against the two-read
composition it replaced (build_results over a light read, then write_report over a full read),
on the same stored scripted run, alternating, in this process.

    python -m bench.report_one_pass [--dir /tmp/tunegap-one-pass] [--items 400] [--repeats 3]

Prints each arm's median wall time and the ratio one-pass / two-read (below 1: faster).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def respond(req, i):
    return f"Let me think. The answer is {(len(req.prompt.text or '') + i) % 7}."


def make(run_dir: Path, items: int) -> None:
    from tunegap.config import RunConfig
    from tunegap.runner import run

    def model(name, kind):
        return {"name": name, "kind": kind,
                "backend": {"type": "scripted", "model": f"scripted:{name}", "batch_size": 64,
                            "options": {"responder": "bench.report_one_pass:respond"}}}
    run(RunConfig.model_validate({
        "name": "one-pass", "out": str(run_dir), "benchmarks": ["synthetic"], "limit": items,
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}],
        "decoding": [{"strategy": "greedy"}, {"strategy": "sample", "n": 8, "temperature": 0.7}],
        "extractors": ["strict", "flexible"], "graders": ["numeric"],
        "pairs": [{"label": "p", "base": model("b", "base"), "instruct": model("i", "instruct")}],
    }), progress=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path, default=Path("/tmp/tunegap-one-pass"))
    ap.add_argument("--items", type=int, default=400)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from tunegap.report import report_run, write_report
    from tunegap.results import build_results
    from tunegap.runner import _provenance, clean_temporaries, open_store, stored_config

    if not (args.dir / "tunegap.sqlite").exists():
        make(args.dir, args.items)
    store = open_store(args.dir)
    config = stored_config(store)
    kw = {"planned": store.plan_counts(), "counts": store.get_meta("counts", {}),
          "provenance": _provenance(store), "attempt": store.last_attempt()}

    def one_pass():
        report_run(store.records(full=True), config, args.dir, **kw)

    def two_reads():
        results = build_results(store.records(), config, args.dir, **kw)
        write_report(results, store.records(full=True))

    times: dict[str, list[float]] = {"one pass": [], "two reads": []}
    for _ in range(args.repeats):
        for name, arm in (("one pass", one_pass), ("two reads", two_reads)):
            clean_temporaries(args.dir)
            t = time.perf_counter()
            arm()
            times[name].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"samples: {store.sample_count()}")
    for k, v in med.items():
        print(f"{k:>10}: {v:.2f} s (median of {args.repeats})")
    print(f"ratio one pass / two reads: {med['one pass'] / med['two reads']:.3f}")


if __name__ == "__main__":
    main()
