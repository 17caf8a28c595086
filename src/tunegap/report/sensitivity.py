"""The extractor/grader sensitivity tables of tables.md, built from a Results: accuracy under
every extractor × grader, Δ under each grader (with sign flips), grader agreement."""

from __future__ import annotations

from collections import defaultdict

from tunegap.report.table import Num, Table
from tunegap.results import Results

SHOW_IDS = 5
MD = frozenset({"tables.md"})
SECTION = "Extractor and grader sensitivity"


def _accuracy_grid(results: Results) -> list[Table]:
    blocks: dict[tuple, dict[tuple, float]] = defaultdict(dict)
    for c in results.cells:
        blocks[(c.benchmark, c.setting, c.decoding)][(c.pair, c.side, c.extractor, c.grader)] = \
            c.accuracy
    combos = [(e, g) for e in results.extractors for g in results.graders]
    out = []
    for (bench, setting, dec), acc in blocks.items():
        t = Table(slug="accuracy-grid", outputs=MD, section=SECTION,
                  title=f"Accuracy under every extractor × grader: {bench} · {setting} · {dec}",
                  columns=["pair", "side", *[f"{e} / {g}" for e, g in combos]])
        for pair, side in dict.fromkeys((p, sd) for p, sd, _e, _g in acc):
            t.rows.append([pair, side, *[Num(acc[(pair, side, e, g)])
                                         if (pair, side, e, g) in acc else "–"
                                         for e, g in combos]])
        out.append(t)
    if out:
        out[0].intro = "`–`: the grader does not apply to this benchmark's answers (not counted " \
                       "as wrong)."
    return out


def _grader_gaps(results: Results) -> list[Table]:
    blocks: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)
    for c in results.comparisons:
        if c.metric == "accuracy":
            blocks[(c.benchmark, c.setting, c.decoding, c.extractor)][(c.pair, c.grader)] = \
                (c.instruct, c.base, c.delta)
    flips = {(g.pair, g.benchmark, g.setting, g.decoding, g.extractor)
             for g in results.grader_deltas if g.sign_flip}
    out = []
    for (bench, setting, dec, ext), vals in blocks.items():
        graders = [g for g in results.graders if any(k[1] == g for k in vals)]
        if len(graders) < 2:
            continue
        t = Table(slug="grader-gaps", outputs=MD, section=SECTION,
                  title=f"Δ (instruct − base) under each grader: {bench} · {setting} · {dec} · "
                        f"extractor `{ext}`",
                  columns=["pair", *["inst", "base", "Δ"] * len(graders), "sign flip"],
                  groups=[("", 1), *[(g, 3) for g in graders], ("", 1)])
        for pair in dict.fromkeys(p for p, _g in vals):
            cells: list = [pair]
            for g in graders:
                v = vals.get((pair, g))
                cells += [Num(v[0]), Num(v[1]), Num(v[2])] if v else ["–", "–", "–"]
            flip = (pair, bench, setting, dec, ext) in flips
            t.rows.append([*cells, "yes" if flip else ""])
        out.append(t)
    if out:
        out[0].intro = "`sign flip`: the graders disagree on which side is better."
    return out


def _agreement(results: Results) -> list[Table]:
    t = Table(slug="agreement", outputs=MD, section=SECTION, title="Grader agreement",
              intro="κ: Cohen's kappa on right/not-right per sample; ids: `cell|item#sample`.",
              columns=["benchmark", "setting", "decoding", "extractor", "graders", "n", "κ",
                       "disagree", "timeouts", "first disagreements"])
    for a in results.agreements:
        ids = ", ".join(a.disagreements[:SHOW_IDS]) + (" …" if a.disagree > SHOW_IDS else "")
        t.rows.append([a.benchmark, a.setting, a.decoding, a.extractor,
                       f"{a.grader_a} vs {a.grader_b}", a.n, Num(a.kappa), a.disagree,
                       a.timeouts, ids])
    return [t]


def scorer_tables(results: Results) -> list[Table]:
    """The sensitivity section: nothing when the run has one extractor and one grader."""
    if len(results.extractors) * len(results.graders) < 2:
        return []
    out = _accuracy_grid(results)
    if len(results.graders) > 1:
        out += _grader_gaps(results) + _agreement(results)
    return out
