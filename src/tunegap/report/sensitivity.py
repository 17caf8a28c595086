"""The extractor/grader sensitivity section of tables.md, rendered from a Results."""

from __future__ import annotations

import math
from collections import defaultdict

from tunegap.results import Results

SHOW_IDS = 5


def _fmt(x: float | None, sign: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.2f}" if sign else f"{x:.2f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _accuracy_grid(results: Results) -> list[str]:
    out = ["### Accuracy under every extractor × grader", "",
           "`–`: the grader does not apply to this benchmark's answers (not counted as wrong).", ""]
    blocks: dict[tuple, dict[tuple, float]] = defaultdict(dict)
    for c in results.cells:
        blocks[(c.benchmark, c.setting, c.decoding)][(c.pair, c.side, c.extractor, c.grader)] = \
            c.accuracy
    combos = [(e, g) for e in results.extractors for g in results.graders]
    for (bench, setting, dec), acc in blocks.items():
        out += [f"#### {bench} · {setting} · {dec}", "",
                _row(["pair", "side", *[f"{e} / {g}" for e, g in combos]]),
                "|" + "---|" * (2 + len(combos))]
        for pair, side in dict.fromkeys((p, sd) for p, sd, _e, _g in acc):
            vals = [_fmt(acc[(pair, side, e, g)]) if (pair, side, e, g) in acc else "–"
                    for e, g in combos]
            out.append(_row([pair, side, *vals]))
        out.append("")
    return out


def _grader_gaps(results: Results) -> list[str]:
    out = ["### Δ (instruct − base) under each grader", "",
           "`sign flip`: the graders disagree on which side is better.", ""]
    blocks: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)
    for c in results.comparisons:
        if c.metric == "accuracy":
            blocks[(c.benchmark, c.setting, c.decoding, c.extractor)][(c.pair, c.grader)] = \
                (c.instruct, c.base, c.delta)
    flips = {(g.pair, g.benchmark, g.setting, g.decoding, g.extractor)
             for g in results.grader_deltas if g.sign_flip}
    for (bench, setting, dec, ext), vals in blocks.items():
        graders = [g for g in results.graders if any(k[1] == g for k in vals)]
        if len(graders) < 2:
            continue
        out += [f"#### {bench} · {setting} · {dec} · extractor `{ext}`", ""]
        head = ["pair"]
        for g in graders:
            head += [f"{g} inst", "base", "Δ"]
        out += [_row([*head, "sign flip"]), "|" + "---|" * (len(head) + 1)]
        for pair in dict.fromkeys(p for p, _g in vals):
            cells = [pair]
            for g in graders:
                v = vals.get((pair, g))
                cells += [_fmt(v[0]), _fmt(v[1]), _fmt(v[2], True)] if v else ["–", "–", "–"]
            flip = (pair, bench, setting, dec, ext) in flips
            out.append(_row([*cells, "yes" if flip else ""]))
        out.append("")
    return out


def _agreement(results: Results) -> list[str]:
    out = ["### Grader agreement", "",
           "κ: Cohen's kappa on right/not-right per sample; ids: `cell|item#sample`.", "",
           _row(["benchmark", "setting", "decoding", "extractor", "graders", "n", "κ",
                 "disagree", "timeouts", "first disagreements"]),
           "|" + "---|" * 10]
    for a in results.agreements:
        ids = ", ".join(a.disagreements[:SHOW_IDS]) + (" …" if a.disagree > SHOW_IDS else "")
        out.append(_row([a.benchmark, a.setting, a.decoding, a.extractor,
                         f"{a.grader_a} vs {a.grader_b}", str(a.n), _fmt(a.kappa),
                         str(a.disagree), str(a.timeouts), ids]))
    out.append("")
    return out


def sensitivity_markdown(results: Results) -> str:
    if len(results.extractors) * len(results.graders) < 2:
        return ""  # one extractor and one grader: nothing to compare
    lines = ["## Extractor and grader sensitivity", ""]
    lines += _accuracy_grid(results)
    if len(results.graders) > 1:
        lines += _grader_gaps(results) + _agreement(results)
    return "\n".join(lines)
