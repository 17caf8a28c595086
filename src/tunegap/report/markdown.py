"""tables.md: the registered tables that go to tables.md, rendered by the one Markdown renderer
under their sections, after the run's caveats and the one legend — and the tables only tables.md
has: the gap tables under every extractor × grader, every breakdown, original vs variant per
side. Renders a Results; computes nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tunegap.analysis.compare import Comparison
from tunegap.report.paper import Gap, gap_table
from tunegap.report.table import CI, CLUSTER_MARKS, LEGEND, Num, Table, to_markdown
from tunegap.results import Results, headline_metrics

MD = frozenset({"tables.md"})


def gap_tables(rows: Sequence[Comparison]) -> list[Table]:
    """One table per benchmark × decoding × metric × extractor × grader (headline metrics),
    a row per pair, a column group per setting."""
    keep = headline_metrics(rows)
    blocks: dict[tuple, list[Comparison]] = defaultdict(list)
    for c in rows:
        if c.group_key is None and (c.benchmark, c.decoding, c.metric) in keep:
            blocks[(c.benchmark, c.decoding, c.metric, c.extractor, c.grader)].append(c)
    out = []
    for (bench, dec, metric, ext, grader), cs in blocks.items():
        t = gap_table([(c.pair, c.setting, Gap.of(c)) for c in cs], slug="gaps",
                      title=f"{bench} · {dec} · {metric} · extractor `{ext}` · grader `{grader}`",
                      note="", outputs=MD)
        t.section = "Gaps"
        out.append(t)
    return out


def breakdown_tables(results: Results) -> list[Table]:
    """Per benchmark and metadata key, under the summary's extractor and grader: a row per
    group value and pair, a column group per setting (Table 1's layout for MedCalc-Bench)."""
    blocks: dict[tuple, list[Comparison]] = defaultdict(list)
    for c in results.breakdowns:
        if results.chosen(c):
            blocks[(c.benchmark, c.group_key, c.decoding, c.grader)].append(c)
    out = []
    for (bench, key, dec, grader), cs in blocks.items():
        t = gap_table([((c.group or "", c.pair), c.setting, Gap.of(c)) for c in cs],
                      slug="breakdown", title=f"{bench} by {key} · {dec} · grader `{grader}`",
                      row_header=(key, "pair"), note="", outputs=MD)
        t.section = "Breakdowns by metadata"
        out.append(t)
    if out:
        out[0].intro = (f"Accuracy under extractor `{results.primary_extractor}` and each "
                        "benchmark's own grader; every extractor × grader is in results.json "
                        "(`breakdowns`). Holm within each breakdown.")
    return out


def robustness_tables(results: Results) -> list[Table]:
    rows = [r for r in results.robustness if results.chosen(r)]
    if not rows:
        return []
    sides = Table(slug="robustness", title="Original vs variant per side",
                  columns=["variants", "kind", "setting", "decoding", "pair", "side", "n (seeds)",
                           "original", "variant", "drop", "95% CI", "relative %", "consistency"],
                  outputs=MD, section="Original vs variant",
                  intro="Accuracy on the originals and on their variants, drop = original − "
                        "variant (points) with 95 % intervals clustered by seed problem; "
                        "consistency = solved on both. Difference of drops = instruct drop − base "
                        "drop (positive: instruct drops more), with a CR2 cluster-robust interval "
                        "over seed problems (`*`: it excludes 0; `†` one seed problem, no "
                        "interval; `‡` too few seed problems to trust it).")
    did = Table(slug="robustness-did", title="Difference of drops (instruct − base)",
                columns=["variants", "kind", "setting", "decoding", "pair", "n", "Δ drop",
                         "95% CI"], outputs=MD, section="Original vs variant")
    for r in rows:
        for side, d in (("instruct", r.instruct), ("base", r.base)):
            if d is not None:
                sides.rows.append([r.benchmark, r.kind, r.setting, r.decoding, r.pair, side,
                                   f"{d.n} ({d.seeds})", Num(d.original), Num(d.variant),
                                   Num(d.drop, CLUSTER_MARKS.get(d.flag or "", "")),
                                   CI(*d.drop_ci), Num(100 * d.relative_drop),
                                   Num(d.consistency)])
        if r.n_paired:
            did.rows.append([r.benchmark, r.kind, r.setting, r.decoding, r.pair, r.n_paired,
                             Num(r.did, ("*" if r.significant else "")
                                  + CLUSTER_MARKS.get(r.did_flag or "", "")), CI(*r.did_ci)])
    return [sides, *([did] if did.rows else [])]


def tables_markdown(results: Results, tables: Sequence[Table] | None = None) -> str:
    """tables.md: the run's caveats, the legend, then every table meant for it by section."""
    if tables is None:
        from tunegap.report.tables import build_tables

        tables = build_tables(results)
    parts = [f"# tunegap results: {results.name}\n"]
    if results.caveat:
        parts.append(f"> **Caveat.** {results.caveat}\n")
    incomplete = [c for c in results.cells if not c.complete]
    if incomplete:
        cells = sorted({f"{c.pair}|{c.side}|{c.benchmark}|{c.setting}|{c.decoding}"
                        for c in incomplete})
        parts.append(f"> **Incomplete run.** {len(cells)} cell(s) have fewer scored items than "
                     f"planned (first: {cells[0]}); Δ is over the items both sides have.\n")
    if results.batching_note:
        parts.append(f"> **Batch size in the key.** {results.batching_note}\n")
    parts.append(LEGEND + "\n")
    section = None
    for t in tables:
        if "tables.md" not in t.outputs:
            continue
        if t.section != section:
            section = t.section
            parts.append(f"## {section or 'More tables'}\n")
        if t.intro:
            parts.append(t.intro + "\n")
        parts.append(to_markdown(t, "###"))
    return "\n".join(parts)


def gaps(results: Results) -> list[Table]:
    """The registered form of `gap_tables`: every comparison of the run."""
    return gap_tables(results.comparisons)
