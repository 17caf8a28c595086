"""Re-reporting a stored run of ~200,000 samples: wall time and peak memory of `tunegap report`.

The run is made once with the scripted backend (GSM8K test, 1,319 items × zero-/few-shot ×
both sides × sample(n=20) and cot_decoding(k=20) = 211,040 samples) and kept under --dir; each
repetition then runs `tunegap report DIR` in a fresh process. The reference measured in the same
run is the bare read of the same samples from SQLite (store.records(), no analysis, no files),
so the ratio says what the analysis and the report writing add on top of reading the store.

    python bench/report_scale.py --data-dir ../shared/data [--dir /tmp/tunegap-scale] [--repeats 3]

Targets (issue 10): under 90 s and under 3 GB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

READ_ONLY = """
import sys, time
from pathlib import Path
from tunegap.rundir import RunDir
t = time.perf_counter()
store = RunDir(Path(sys.argv[1])).store
n = sum(1 for _ in store.records())
print(n, time.perf_counter() - t)
"""


def respond(req, i):
    """The scripted models' answers: a spread of right and wrong ones, with per-token margins
    for CoT decoding."""
    text = f"Step by step. The answer is {(len(req.key) * 7 + i * 13 + int(req.key[:6], 16)) % 40}."
    margins = tuple((pos, 0.6 + (i % 5) / 20, 0.2) for pos in range(0, len(text), 4))
    return text, margins


def build(run_dir: Path, data_dir: Path) -> None:
    from tunegap.config import RunConfig
    from tunegap.runner import run

    # This script runs as __main__: the scripted backend imports `respond` from it.
    side = {"type": "scripted", "batch_size": 512, "options": {"responder": "__main__:respond"}}
    cfg = RunConfig.model_validate({
        "name": "scale", "out": str(run_dir), "data_dir": str(data_dir), "benchmarks": ["gsm8k"],
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 8}],
        "pairs": [{"label": "p",
                   "base": {"name": "b", "kind": "base",
                            "backend": {**side, "model": "scripted:scale-b"}},
                   "instruct": {"name": "i", "kind": "instruct",
                                "backend": {**side, "model": "scripted:scale-i"}}}],
        "decoding": [{"strategy": "sample", "n": 20, "temperature": 0.7, "max_tokens": 64},
                     {"strategy": "cot_decoding", "n": 20, "max_tokens": 64}],
        "extractors": ["strict", "flexible"], "graders": ["numeric"]})
    t = time.perf_counter()
    run(cfg, progress=True)
    print(f"built {run_dir} in {time.perf_counter() - t:.0f} s", flush=True)


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS of the child in GB, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all waited children: grows monotonically, so run
    # the heaviest command first or read it as an upper bound.
    return wall, max(peak, before) / 1e6, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--dir", type=Path, default=Path("/tmp/tunegap-scale"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if not (args.dir / "tunegap.sqlite").is_file():
        build(args.dir, args.data_dir)
    report, read = [], []
    peak = 0.0
    for _ in range(args.repeats):  # A and B alternate
        wall, rss, _ = timed([sys.executable, "-m", "tunegap.cli", "report", str(args.dir)])
        report.append(wall)
        peak = max(peak, rss)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", READ_ONLY, str(args.dir)],
                             capture_output=True, text=True, check=True).stdout.split()
        read.append(time.perf_counter() - t0)
        samples = int(out[0])
    med_r, med_b = statistics.median(report), statistics.median(read)
    print(f"samples: {samples:,}")
    print(f"tunegap report: median {med_r:.1f} s (min {min(report):.1f}, max {max(report):.1f}); "
          f"peak RSS {peak:.2f} GB")
    print(f"reference, bare store read: median {med_b:.1f} s "
          f"(min {min(read):.1f}, max {max(read):.1f})")
    print(f"ratio report / read: {med_r / med_b:.2f}x")
    print(f"targets: time {med_r:.1f}/90 s ({'ok' if med_r < 90 else 'MISSED'}), "
          f"memory {peak:.2f}/3 GB ({'ok' if peak < 3 else 'MISSED'})")


if __name__ == "__main__":
    main()
