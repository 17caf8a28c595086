"""Checks of a run directory's results.json that any run must pass (issue 27), reusable on the
real demo:

    python -m tests.results_checks RUN_DIR      # prints each problem; exit 1 if any

- no breakdown row holds the same items as another row of its cell (items from items.jsonl);
- no number of an estimate or interval bound within 1e-12 of 0 that is not exactly 0;
- no zero-width interval where the row has items;
- a clustered row whose items all fall in one cluster says so (`single-cluster`) and claims no
  interval; the same for a difference of drops from one seed problem.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

# Estimates and bounds (points / percent); p-values may be tiny and are not checked.
NUMBER_KEYS = {"instruct", "base", "delta", "ci_low", "ci_high", "se", "mde", "did", "drop",
               "original", "variant", "consistency"}
INTERVAL_KEYS = {"did_ci", "drop_ci", "original_ci", "variant_ci", "consistency_ci"}
CELL = ("pair", "benchmark", "setting", "decoding", "extractor", "grader")


def _noise(x) -> bool:
    return isinstance(x, (int, float)) and x != 0 and abs(x) < 1e-12


def _walk(obj, where: str, out: list[str]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            noisy = (k in NUMBER_KEYS and _noise(v)) or (
                k in INTERVAL_KEYS and isinstance(v, list) and any(_noise(x) for x in v))
            if noisy:
                out.append(f"{where}.{k} = {v!r}: float noise where 0 is meant")
            elif isinstance(v, (dict, list)):
                _walk(v, f"{where}.{k}", out)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _walk(v, f"{where}[{i}]", out)


def _zero_width(lo, hi) -> bool:
    return lo is not None and hi is not None and not math.isnan(lo) and lo == hi


def _row_name(r: dict) -> str:
    group = f" {r['group_key']}={r['group']}" if r.get("group_key") else ""
    kind = f" kind={r['kind']}" if "kind" in r else ""
    return "|".join(str(r[k]) for k in CELL) + group + kind


def _items_by_group(run: Path) -> dict[tuple, set[str]]:
    """(cell..., meta key, value) → example ids, from items.jsonl (instruct side)."""
    out: dict[tuple, set[str]] = defaultdict(set)
    path = run / "items.jsonl"
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            it = json.loads(line)
            if it["side"] != "instruct":
                continue
            cell = tuple(it[k] for k in CELL)
            for key, value in (it.get("meta") or {}).items():
                out[(*cell, key, str(value))].add(str(it["example_id"]))
    return out


def check_results(run: Path | str) -> list[str]:
    run = Path(run)
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    problems: list[str] = []
    for section in ("comparisons", "breakdowns", "robustness"):
        _walk(results[section], section, problems)
    for section in ("comparisons", "breakdowns"):
        for r in results[section]:
            if r["n"] and _zero_width(r["ci_low"], r["ci_high"]):
                problems.append(f"{section} {_row_name(r)}: zero-width interval with n {r['n']}")
            unlabelled = r.get("cluster_flag") != "single-cluster" or r["ci_low"] is not None
            if r["clusters"] == 1 and r["n"] > 1 and unlabelled:
                problems.append(f"{section} {_row_name(r)}: one cluster, not labelled so "
                                f"(flag {r.get('cluster_flag')}, CI [{r['ci_low']}, "
                                f"{r['ci_high']}])")
    for r in results["robustness"]:
        if r["n_paired"] and _zero_width(*r["did_ci"]):
            problems.append(f"robustness {_row_name(r)}: zero-width did_ci {r['did_ci']}")
        for side in ("instruct", "base"):
            d = r[side]
            for k in INTERVAL_KEYS - {"did_ci"}:
                if d and d["n"] and _zero_width(*d[k]):
                    problems.append(f"robustness {_row_name(r)} {side}.{k}: zero width {d[k]}")
        sides = [r[s] for s in ("instruct", "base") if r[s]]
        one_seed = r["n_paired"] > 1 and sides and all(d["seeds"] == 1 for d in sides)
        if one_seed and (r.get("did_flag") != "single-cluster" or r["did_ci"][0] is not None):
            problems.append(f"robustness {_row_name(r)}: one seed problem, not labelled so")
    # breakdown rows holding the same items as another row of their cell
    groups = _items_by_group(run)
    seen: dict[tuple, dict[frozenset, str]] = defaultdict(dict)
    rows = {(*(r[k] for k in CELL), r["group_key"], r["group"]) for r in results["breakdowns"]}
    for key in sorted(rows, key=str):
        cell, name = key[:6], f"{key[6]}={key[7]}"
        ids = frozenset(groups.get(key, ()))
        if not ids:
            continue
        if ids in seen[cell]:
            problems.append(f"breakdowns {'|'.join(map(str, cell))}: {name} holds the same "
                            f"{len(ids)} items as {seen[cell][ids]}")
        else:
            seen[cell][ids] = name
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.results_checks RUN_DIR", file=sys.stderr)
        return 2
    problems = check_results(argv[0])
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s) in {argv[0]}/results.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
