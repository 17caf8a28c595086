"""Golden report files: does a refactor change what a stored run reports?

    python bench/golden_report.py build DIR --data-dir ../shared/data   # a full scripted run
    python bench/golden_report.py compare BEFORE AFTER                 # report files, byte by byte

`build` makes a stored run with the scripted backend that reaches every part of the report:
four benchmarks (GSM8K, Math-500, MedCalc-Bench clustered by calculator, GSM-Plus with its
perturbation variants), a perturbed set of tunegap's own problems beside its source, zero- and
few-shot settings, greedy and sampled decoding (pass@k, maj@k), four extractors plus a by-side
column, and every grader. Outputs are realistic text: right, wrong and malformed answers in the
formats models use (bench/rerun_regrade.py's generator).

To check a change: build with the old code, copy the directory, run `tunegap report` on the copy
with the new code, then `compare` the two directories. results.json, items.jsonl and
samples.jsonl must be identical; tables.md, tables/ and report.html are listed file by file.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rerun_regrade import _EXAMPLES, _TARGETS, output_text  # noqa: E402

EXACT = ("results.json", "items.jsonl", "samples.jsonl")
LISTED = ("tables.md", "report.html", "tables", "plots")


def respond(req, i):
    return output_text(_EXAMPLES[req.key], req.key, i)


def config_dict(run_dir: Path, data_dir: Path, limit: int) -> dict:
    side = {"type": "scripted", "batch_size": 64, "options": {"responder": "__main__:respond"}}
    return {
        "name": "golden", "out": str(run_dir), "data_dir": str(data_dir), "limit": limit,
        "benchmarks": ["gsm8k", "math500", "medcalc", "gsm_plus", "synthetic"],
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}, "direct", "oneshot_cot"],
        "pairs": [{"label": "p",
                   "base": {"name": "b", "kind": "base",
                            "backend": {**side, "model": "scripted:golden-b"}},
                   "instruct": {"name": "i", "kind": "instruct",
                                "backend": {**side, "model": "scripted:golden-i"}}}],
        "decoding": [{"strategy": "greedy", "max_tokens": 256},
                     {"strategy": "sample", "n": 4, "temperature": 0.7, "max_tokens": 256}],
        "extractors": ["strict", "flexible", "boxed", "json"],
        "extractor_by_side": {"base": "flexible", "instruct": "json"},
        "graders": ["numeric", "math-standard", "medcalc", "medcalc-official", "unanswerable"],
        "cluster_by": {"medcalc": "calculator_id"},
        "perturb": [{"source": "synthetic", "kinds": ["numeric", "distractor", "exemplar_order"], "variants": 2,
                     "seed": 3}],
    }


def build(run_dir: Path, data_dir: Path, limit: int) -> None:
    from tunegap.config import RunConfig
    from tunegap.runner import run

    cfg = RunConfig.model_validate(config_dict(run_dir, data_dir, limit))
    try:  # the plan takes the resolved config where the run object exists
        from tunegap.plan import build_plan
        from tunegap.resolved import resolve
        items = build_plan(resolve(cfg))
    except ImportError:
        from tunegap.plan import build_plan
        items = build_plan(cfg)
    _EXAMPLES.update({it.request.key: it.example for it in items})
    _TARGETS.extend(sorted({it.example.target for it in items}))
    run(cfg, progress=False)
    print(f"built {run_dir}: {len(items)} plan items")


def _files(root: Path, name: str) -> list[Path]:
    path = root / name
    if path.is_dir():
        return sorted(p.relative_to(root) for p in path.rglob("*") if p.is_file())
    return [Path(name)] if path.is_file() else []


def compare(before: Path, after: Path) -> int:
    bad = 0
    for name in EXACT:
        same = filecmp.cmp(before / name, after / name, shallow=False)
        print(f"{'identical' if same else 'DIFFERENT'}  {name}")
        bad += not same
    for name in LISTED:
        for rel in sorted(set(_files(before, name)) | set(_files(after, name))):
            a, b = before / rel, after / rel
            state = ("only before" if not b.exists() else "only after" if not a.exists()
                     else "identical" if filecmp.cmp(a, b, shallow=False) else "differs")
            print(f"{state:>11}  {rel}")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("dir", type=Path)
    b.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    b.add_argument("--limit", type=int, default=24)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "build":
        build(args.dir, args.data_dir.resolve(), args.limit)
    else:
        sys.exit(1 if compare(args.before, args.after) else 0)


if __name__ == "__main__":
    main()
