"""Golden report files: make a full scripted run once, then check that `tunegap report` on a
copy of its store rebuilds the same files.

    python bench/report_golden.py make DIR     # a scripted run into DIR/run (+ DIR/stdout.txt)
    python bench/report_golden.py diff DIR     # rebuild a copy of DIR/run's store, compare

The run covers what the report renders: two benchmarks (synthetic and MedCalc-Bench from
../shared/data), two settings, greedy + sampling (pass@k, maj@k) + CoT decoding (selected), two
extractors and a by-side column, three graders, a perturbed set (original vs variant) and a
caveat. `diff` prints, per report file, "identical" or a unified diff (first lines), and exits 1
when results.json, items.jsonl or samples.jsonl differ (those must stay byte-identical; tables.md,
tables/ and report.html may change where their formatting changes on purpose).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
BYTE_IDENTICAL = ("results.json", "items.jsonl", "samples.jsonl")
_TARGETS: dict[str, str] | None = None


def _targets() -> dict[str, str]:
    global _TARGETS
    if _TARGETS is None:
        import os
        _TARGETS = json.loads(Path(os.environ["TUNEGAP_GOLDEN_TARGETS"]).read_text())
    return _TARGETS


def respond(req, i):
    """Right on a deterministic ~60 % of (item, sample), by a hash; CoT branches get margins."""
    text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
    targets = _targets()
    q = max(targets, key=lambda q: text.rfind(q))  # the last question in the prompt is asked
    h = int(hashlib.sha256(f"{req.model}|{q}|{i}".encode()).hexdigest(), 16)
    right = h % 10 < (7 if "inst" in req.model else 5)
    ans = targets[q] if right else str(1000 + h % 3)
    out = f"Let me think. The answer is {ans}."
    if req.params.cot_branches > 0:
        pos, margins = 0, []
        for word in out.split(" "):
            p1 = 0.5 + (h % 7) / 20
            margins.append((pos, p1, p1 - (h % 5) / 10))
            pos += len(word) + 1
        return out, tuple(margins)
    return out


def config(out: Path) -> dict:
    def model(name, kind):
        return {"name": name, "kind": kind,
                "backend": {"type": "scripted", "model": f"scripted:{name}", "batch_size": 4,
                            "options": {"responder": "bench.report_golden:respond"}}}
    return {
        "name": "golden", "out": str(out), "data_dir": str(DATA), "seed": 3,
        "caveat": "Scripted answers: a golden for the report, not a measurement.",
        "pairs": [{"label": "g", "base": model("gb", "base"), "instruct": model("gi", "instruct")}],
        "benchmarks": ["synthetic", "medcalc"], "limit": 10,
        "settings": ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}],
        "decoding": [{"strategy": "greedy"},
                     {"strategy": "sample", "n": 5, "temperature": 0.7, "limit": 6},
                     {"strategy": "cot_decoding", "n": 3, "limit": 4}],
        "extractors": ["strict", "flexible"],
        "extractor_by_side": {"base": "flexible", "instruct": "strict"},
        "graders": ["numeric", "math-standard", "medcalc"],
        "perturb": [{"source": "synthetic", "kinds": ["numeric", "distractor"], "seeds": 6,
                     "name": "syn_p", "decoding": ["greedy"]}],
    }


def make(dest: Path) -> None:
    import os

    import yaml

    from tunegap.config import RunConfig
    from tunegap.plan import build_plan

    dest.mkdir(parents=True, exist_ok=True)
    cfg = config(dest / "run")
    targets = {it.example.question: it.example.target
               for it in build_plan(RunConfig.model_validate(cfg))}
    (dest / "targets.json").write_text(json.dumps(targets))
    (dest / "config.yaml").write_text(yaml.safe_dump(cfg))
    env = {**os.environ, "TUNEGAP_GOLDEN_TARGETS": str(dest / "targets.json"),
           "COLUMNS": "160"}
    res = subprocess.run([sys.executable, "-m", "tunegap.cli", "run", str(dest / "config.yaml"),
                          "--no-progress"], env=env, cwd=REPO, capture_output=True, text=True)
    (dest / "stdout.txt").write_text(res.stdout)
    if res.returncode:
        sys.exit(f"run failed ({res.returncode}): {res.stderr[-2000:]}")
    print(res.stdout)


def _files(run: Path) -> dict[str, Path]:
    out = {n: run / n for n in (*BYTE_IDENTICAL, "tables.md", "report.html")}
    out.update({f"tables/{p.name}": p for p in sorted((run / "tables").iterdir())})
    out.update({f"plots/{p.name}": p for p in sorted((run / "plots").iterdir())})
    return out


def _browser_data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    start = text.index('id="tg-data">') + len('id="tg-data">')
    return json.loads(text[start:text.index("</script>", start)])


def diff(golden: Path, lines: int = 40) -> int:
    import os
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="golden-"))
    run = work / "run"
    run.mkdir()
    shutil.copy2(golden / "run" / "tunegap.sqlite", run / "tunegap.sqlite")
    env = {**os.environ, "COLUMNS": "160"}
    res = subprocess.run([sys.executable, "-m", "tunegap.cli", "report", str(run)], env=env,
                         cwd=REPO, capture_output=True, text=True)
    if res.returncode:
        sys.exit(f"report failed ({res.returncode}): {res.stderr[-3000:]}")
    (work / "stdout.txt").write_text(res.stdout)
    before, after = _files(golden / "run"), _files(run)
    bad = 0
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            print(f"{name}: only {'after' if a is None else 'before'}")
            bad += name in BYTE_IDENTICAL
            continue
        if a.read_bytes() == b.read_bytes():
            print(f"{name}: identical")
            continue
        bad += name in BYTE_IDENTICAL
        if name.endswith(".png"):
            print(f"{name}: DIFFERS (image)")
            continue
        old, new = (x.read_text(encoding="utf-8").replace(str(run), "RUN")
                    .replace(str(golden / "run"), "RUN").splitlines() for x in (a, b))
        if name.endswith(".html"):  # one long line per chunk: split at tags to see the change
            old = "\n".join(old).replace("><", ">\n<").splitlines()
            new = "\n".join(new).replace("><", ">\n<").splitlines()
        d = list(difflib.unified_diff(old, new, f"before/{name}", f"after/{name}", n=0,
                                      lineterm=""))
        if not d:
            print(f"{name}: identical but for the run directory's path")
            continue
        print(f"{name}: DIFFERS ({len(d)} diff lines)")
        print("\n".join(x[:300] for x in d[:lines]))
        if name == "report.html":  # the browser's data is one line: say which keys differ
            da, db = _browser_data(a), _browser_data(b)
            print("  browser data: " + ("identical" if da == db else "meta keys differ: " + ", ".join(
                sorted(k for k in {*da["meta"], *db["meta"]}
                       if da["meta"].get(k) != db["meta"].get(k)))
                + ("; items/sides identical" if (da["items"], da["sides"]) ==
                   (db["items"], db["sides"]) else "; ITEMS/SIDES DIFFER")))
    print(f"terminal summary (golden {golden / 'stdout.txt'}, now {work / 'stdout.txt'})")
    print("\n".join(difflib.unified_diff(
        (golden / "stdout.txt").read_text().replace(str(golden / "run"), "RUN").splitlines(),
        res.stdout.replace(str(run), "RUN").splitlines(), "before", "after", n=0,
        lineterm="")))
    print(f"rebuilt in {run}")
    return 1 if bad else 0


if __name__ == "__main__":
    cmd, where = sys.argv[1], Path(sys.argv[2]).resolve()
    sys.exit(make(where) if cmd == "make" else diff(where, *map(int, sys.argv[3:4])))
