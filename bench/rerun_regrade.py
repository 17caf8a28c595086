"""Re-running a finished run and re-grading 10,000 stored generations with every grader.

The run is built once (scripted backend, kept under --dir): GSM8K, MATH-500, MedCalc-Bench and
GSM-Plus, the first 250 items of each × both sides × sample(n=5) = 10,000 generations. Every
output is realistic text made from the real answers in ../shared/data: right answers in the
formats models use ("The answer is 18.", "#### 18", "\\boxed{\\frac{\\pi}{2}}", a JSON answer
field, a date, "(3 weeks, 2 days)"), wrong ones (another item's answer, off by one), and
malformed ones (no answer, an unclosed \\boxed{, a refusal, a loop of repeated text, LaTeX
junk). It is scored with every per-text extractor and every grader.

Figures, each against a reference measured in the same run, A and B alternating:

1. re-run: `tunegap run CONFIG` on the finished run (whole process; it must generate nothing)
   vs `tunegap --help` (the bare start-up of the command line);
2. re-grade: `tunegap grade RUN` (whole process: re-extract, re-grade in the worker pool,
   rebuild the report) vs the bare loop in one process (every distinct extraction and grade
   called directly, no pool, no store, no report).

    python bench/rerun_regrade.py --data-dir ../shared/data [--dir /tmp/tunegap-regrade]
                                  [--repeats 3]

Targets (issue 18): re-run under 3 s with zero generations; re-grade under 60 s (2 cores).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

LIMIT = 250
BENCHMARKS = ["gsm8k", "math500", "medcalc", "gsm_plus"]
EXTRACTORS = ["strict", "flexible", "boxed", "json", "medcalc-official"]
GRADERS = ["numeric", "math-standard", "math-verify", "medcalc", "medcalc-official",
           "unanswerable"]

# The example each request asks about, filled by build() before the scripted backend runs.
_EXAMPLES: dict[str, object] = {}
_TARGETS: list[str] = []


def _pick(key: str, i: int, n: int) -> int:
    return int(hashlib.sha256(f"{key}|{i}".encode()).hexdigest()[:8], 16) % n


def _wrong(ex, key: str, i: int) -> str:
    """A plausible wrong answer: another item's target, or the right number off by one."""
    try:
        return str(int(float(ex.target)) + 1 + i % 3)
    except ValueError:
        return _TARGETS[_pick(key, i + 7, len(_TARGETS))]


def output_text(ex, key: str, i: int) -> str:
    """One realistic completion for the item; which kind depends on (request, sample)."""
    right = ex.target if ex.answer_type != "none" else "None"
    wrong = _wrong(ex, key, i)
    reason = " ".join(ex.question.split()[:40])
    kind = _pick(key, i, 20)
    ans = right if kind % 3 else wrong
    if kind < 5:
        return f"Let's think step by step. {reason} ... so the result is {ans}.\nThe answer is {ans}."
    if kind < 8:
        return f"{reason}\nWe compute the total.\n#### {ans}"
    if kind < 11:
        return f"First, {reason}. Simplifying, we get $\\boxed{{{ans}}}$."
    if kind < 13:
        return json.dumps({"step_by_step_thinking": f"{reason}. Computing gives {ans}.",
                           "answer": ans})
    if kind == 13:
        return f"{reason}. I am not sure, the question does not give enough information."
    if kind == 14:
        return f"We need {reason}. Therefore the answer is $\\boxed{{\\frac{{{ans}}}{{"
    if kind == 15:
        return (f"{reason} " * 30) + "and so on " * 200  # a loop that never answers
    if kind == 16:
        return f"The answer is $\\left( {ans}, \\sqrt{{2}} \\right]$ or $x^2+{ans}=0$."
    if kind == 17:
        return f"Answer: {ans} units, about {ans}0 % of 1,234,567.89 in total ({ans} weeks, 2 days)"
    return f"{reason}\n\nThe final answer is: {ans}"


def respond(req, i):
    ex = _EXAMPLES[req.key]
    return output_text(ex, req.key, i)


def config_dict(run_dir: Path, data_dir: Path) -> dict:
    side = {"type": "scripted", "batch_size": 512,
            "options": {"responder": "__main__:respond"}}
    return {
        "name": "regrade", "out": str(run_dir), "data_dir": str(data_dir),
        "benchmarks": BENCHMARKS, "settings": ["zeroshot_cot"], "limit": LIMIT,
        "pairs": [{"label": "p",
                   "base": {"name": "b", "kind": "base",
                            "backend": {**side, "model": "scripted:regrade-b"}},
                   "instruct": {"name": "i", "kind": "instruct",
                                "backend": {**side, "model": "scripted:regrade-i"}}}],
        "decoding": [{"strategy": "sample", "n": 5, "temperature": 0.7, "max_tokens": 256}],
        "extractors": EXTRACTORS, "graders": GRADERS}


def build(run_dir: Path, data_dir: Path, config_path: Path) -> None:
    import yaml

    from tunegap.config import RunConfig
    from tunegap.plan import build_plan
    from tunegap.runner import run

    raw = config_dict(run_dir, data_dir)
    cfg = RunConfig.model_validate(raw)
    items = build_plan(cfg)
    _EXAMPLES.update({it.request.key: it.example for it in items})
    _TARGETS.extend(sorted({it.example.target for it in items}))
    t = time.perf_counter()
    run(cfg, progress=True)
    print(f"run {run_dir} made or brought up to date in {time.perf_counter() - t:.0f} s",
          flush=True)
    config_path.write_text(yaml.safe_dump(raw), encoding="utf-8")


BARE_LOOP = """
import sys, time
from pathlib import Path
from tunegap.extract import FAILED, safe_extract
from tunegap.grade import applies, grade_now, judges_missing
from tunegap.rundir import RunDir
from tunegap.scoring import _units
t = time.perf_counter()
run_dir = RunDir.existing(Path(sys.argv[1]), to="grade")
store, config = run_dir.store, run_dir.stored_resolved()
extractors, graders = sys.argv[2].split(","), sys.argv[3].split(",")
units = _units(store, config)  # the same samples, texts and answer formats score_store reads
answers = {}
for _key, _idx, _target, ex, text, fmt in units:
    for e in extractors:
        answers.setdefault((text, ex.benchmark, ex.id, e), safe_extract(e, text, ex, fmt))
grades = {}
for _key, _idx, target, ex, text, _fmt in units:
    for e in extractors:
        answer, status = answers[(text, ex.benchmark, ex.id, e)]
        for g in graders:
            if applies(g, ex) and status not in FAILED and (answer is not None or judges_missing(g)):
                q = (g, answer, target, ex.benchmark, ex.id)
                if q not in grades:
                    grades[q] = grade_now(g, answer, target, ex)
print(len(units), len(answers), len(grades), time.perf_counter() - t)
"""


def timed(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return wall, proc.stdout + proc.stderr


def summary(name: str, values: list[float]) -> str:
    return (f"{name}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--dir", type=Path, default=Path("/tmp/tunegap-regrade"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=["rerun", "regrade"], default=None)
    args = ap.parse_args()
    run_dir = args.dir / "run"
    config_path = args.dir / "config.yaml"
    # Untimed, in this process (the scripted models answer through `respond` here): builds the
    # run, or brings a run made by another version up to date (new request keys generate, and
    # the first run of this version scores and reports once and stores its reuse keys).
    args.dir.mkdir(parents=True, exist_ok=True)
    build(run_dir, args.data_dir.resolve(), config_path)
    cli = [sys.executable, "-m", "tunegap.cli"]
    print(f"load average before: {os.getloadavg()}")
    if args.only in (None, "rerun"):
        rerun, helps = [], []
        for _ in range(args.repeats):  # A and B alternate
            wall, out = timed([*cli, "run", str(config_path), "--no-progress"])
            rerun.append(wall)
            helps.append(timed([*cli, "--help"])[0])
        generations, attempts, sent = store_state(run_dir)
        print(f"generations: {generations:,}; attempts: {attempts}; requests sent by the last "
              f"re-run: {sent}")
        print(summary("tunegap run (finished run)", rerun))
        print(summary("reference, tunegap --help", helps))
        print(f"ratio re-run / --help: {statistics.median(rerun) / statistics.median(helps):.2f}x;"
              f" target {statistics.median(rerun):.2f}/3 s "
              f"({'ok' if statistics.median(rerun) < 3 else 'MISSED'})")
    if args.only in (None, "regrade"):
        regrade, bare = [], []
        counts = ""
        for _ in range(args.repeats):
            regrade.append(timed([*cli, "grade", str(run_dir)])[0])
            wall, out = timed([sys.executable, "-c", BARE_LOOP, str(run_dir),
                               ",".join(EXTRACTORS), ",".join(GRADERS)])
            bare.append(wall)
            counts = out.split()
        print(f"units {int(counts[0]):,}, distinct extractions {int(counts[1]):,}, "
              f"distinct grades {int(counts[2]):,} (bare loop's own count)")
        print(summary("tunegap grade (all extractors and graders, report rebuilt)", regrade))
        print(summary("reference, bare in-process extract+grade loop", bare))
        print(f"ratio grade / bare loop: {statistics.median(regrade) / statistics.median(bare):.2f}x;"
              f" target {statistics.median(regrade):.1f}/60 s "
              f"({'ok' if statistics.median(regrade) < 60 else 'MISSED'})")
    print(f"load average after: {os.getloadavg()}")


def store_state(run_dir: Path) -> tuple[int, int, int]:
    """(generations stored, attempts made, requests the last attempt sent to a backend)."""
    from tunegap.rundir import RunDir

    store = RunDir.existing(run_dir, to="grade").store
    try:
        last = store.last_attempt()["id"]
        attempts = store.db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
        return store.sample_count(), attempts, len(store.requested_keys(last))
    finally:
        store.close()


if __name__ == "__main__":
    main()
