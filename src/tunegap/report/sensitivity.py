"""The extractor/grader sensitivity section of tables.md."""

from __future__ import annotations

import math
from collections import defaultdict

from tunegap.analysis.sensitivity import Sensitivity, sensitivity
from tunegap.store import Store

SHOW_IDS = 5


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _accuracy_grid(s: Sensitivity) -> list[str]:
    out = ["### Accuracy under every extractor × grader", "",
           "`–`: the grader does not apply to this benchmark's answers (not counted as wrong).", ""]
    blocks: dict[tuple, dict[tuple, float]] = defaultdict(dict)
    for c in s.cells:
        blocks[(c.benchmark, c.setting, c.decoding)][(c.pair, c.side, c.extractor, c.grader)] = \
            c.accuracy
    combos = [(e, g) for e in s.extractors for g in s.graders]
    for (bench, setting, dec), acc in blocks.items():
        out.append(f"#### {bench} · {setting} · {dec}")
        out.append("")
        out.append(_row(["pair", "side", *[f"{e} / {g}" for e, g in combos]]))
        out.append("|" + "---|" * (2 + len(combos)))
        for pair, side in dict.fromkeys((p, sd) for p, sd, _e, _g in acc):
            vals = [_fmt(acc[(pair, side, e, g)]) if (pair, side, e, g) in acc else "–"
                    for e, g in combos]
            out.append(_row([pair, side, *vals]))
        out.append("")
    return out


def _grader_gaps(s: Sensitivity) -> list[str]:
    out = ["### Δ (instruct − base) under each grader", ""]
    blocks: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)
    for g in s.gaps:
        blocks[(g.benchmark, g.setting, g.decoding, g.extractor)][(g.pair, g.grader)] = \
            (g.instruct, g.base, g.delta)
    for (bench, setting, dec, ext), vals in blocks.items():
        graders = [g for g in s.graders if any(k[1] == g for k in vals)]
        out.append(f"#### {bench} · {setting} · {dec} · extractor `{ext}`")
        out.append("")
        head = ["pair"]
        for g in graders:
            head += [f"{g} inst", "base", "Δ"]
        out.append(_row(head))
        out.append("|" + "---|" * len(head))
        for pair in dict.fromkeys(p for p, _g in vals):
            cells = [pair]
            for g in graders:
                v = vals.get((pair, g))
                cells += [_fmt(x) for x in v] if v else ["–", "–", "–"]
            out.append(_row(cells))
        out.append("")
    return out


def _agreement(s: Sensitivity) -> list[str]:
    out = ["### Grader agreement", "",
           "κ: Cohen's kappa on right/not-right per sample; ids: `cell|item#sample`.", "",
           _row(["benchmark", "setting", "decoding", "extractor", "graders", "n", "κ",
                 "disagree", "timeouts", "first disagreements"]),
           "|" + "---|" * 10]
    for a in s.agreements:
        ids = ", ".join(a.disagreements[:SHOW_IDS]) + (" …" if a.disagree > SHOW_IDS else "")
        out.append(_row([a.benchmark, a.setting, a.decoding, a.extractor,
                         f"{a.grader_a} vs {a.grader_b}", str(a.n), _fmt(a.kappa),
                         str(a.disagree), str(a.timeouts), ids]))
    out.append("")
    return out


def sensitivity_markdown(store: Store) -> str:
    s = sensitivity(store)
    if len(s.extractors) * len(s.graders) < 2:
        return ""  # one extractor and one grader: nothing to compare
    lines = ["", "## Extractor and grader sensitivity", ""]
    lines += _accuracy_grid(s)
    if len(s.graders) > 1:
        lines += _grader_gaps(s) + _agreement(s)
    return "\n".join(lines)
