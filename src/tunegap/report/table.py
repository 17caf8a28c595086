"""The one table model: a table as data, rendered by every output — tables.md and tables/*.md
(Markdown), tables/*.tex (LaTeX, booktabs), tables/*.csv, report.html (HTML) and the terminal
(cli/output.py renders a Table with rich through `text`).

Builders (the registered table functions, report/tables.py) decide the layout; this module only
formats. A cell is text, an int, a `Num` (a percentage with an optional significance mark) or a
`CI` (an interval). Every renderer formats numbers with the one formatter `fmt` (two decimals,
the paper's style: no plus sign, no negative zero), and LEGEND is the one legend.

Imports nothing of tunegap: the terminal renders a stored summary without loading the analysis.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

NA = "n/a"
# Where a table is written: tables.md, tables/ (md, tex, csv), report.html.
OUTPUTS = frozenset({"tables.md", "tables/", "report.html"})
LEGEND = ("Accuracy in %; Δ = instruct − base in points with its paired 95 % CI. "
          "* significant (Holm-adjusted p < 0.05); ? unresolved (|Δ| below the minimum "
          "detectable effect). n/a: not estimable, or not published. "
          "† all items in one cluster: no interval; ‡ too few clusters to trust the interval "
          "(Bell–McCaffrey df < 4).")
# results.json's cluster_flag / did_flag as a mark after Δ (LEGEND says what each means).
CLUSTER_MARKS = {"single-cluster": "†", "few-clusters": "‡"}


@dataclass(frozen=True)
class Num:
    value: float | None
    mark: str = ""  # "*" significant, "?" unresolved


@dataclass(frozen=True)
class CI:
    low: float | None
    high: float | None


@dataclass
class Table:
    slug: str  # file name stem, unique within a report
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Spanning headers over consecutive columns: (label, span); "" for none.
    groups: list[tuple[str, int]] = field(default_factory=list)
    rules: set[int] = field(default_factory=set)  # row indexes that start a new block
    note: str = ""
    outputs: frozenset[str] = OUTPUTS
    section: str = ""  # tables.md: the `##` heading the table sits under
    intro: str = ""  # tables.md: text before the table (a section's first table says it)

    def header(self) -> list[str]:
        """One-line column names (Markdown, CSV): a group's label prefixes its first column,
        as the paper writes "0-shot CoT inst | base | Δ"."""
        if not self.groups:
            return list(self.columns)
        out, i = [], 0
        for label, span in self.groups:
            for j in range(span):
                col = self.columns[i + j]
                out.append(f"{label} {col}".strip() if j == 0 and label else col)
            i += span
        return out + list(self.columns[i:])


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt(x: float | None) -> str:
    if _missing(x):
        return NA
    s = f"{x:.2f}"
    return "0.00" if s == "-0.00" else s


def text(cell) -> str:
    """Plain text of a cell (Markdown, CSV, HTML)."""
    if isinstance(cell, Num):
        return fmt(cell.value) + ("" if _missing(cell.value) else cell.mark)
    if isinstance(cell, CI):
        if _missing(cell.low) or _missing(cell.high):
            return NA
        return f"[{fmt(cell.low)}, {fmt(cell.high)}]"
    return "" if cell is None else str(cell)


def to_markdown(t: Table, heading: str = "") -> str:
    """`heading`: a Markdown heading mark for the title ("###" in tables.md); bold without."""
    def line(cells: Sequence[str]) -> str:
        # An empty cell renders as "| |", like the paper's continuation rows.
        return "|" + "|".join(f" {c.replace('|', chr(92) + '|')} " if c else " "
                              for c in cells) + "|"

    title = f"{heading} {t.title}" if heading else f"**{t.title}**"
    out = [title, "", line(t.header()), "|" + "---|" * len(t.columns)]
    out += [line([text(c) for c in r]) for r in t.rows]
    if t.note:
        out += ["", t.note]
    return "\n".join(out) + "\n"


def to_csv(t: Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(t.header())
    for r in t.rows:
        w.writerow([text(c) for c in r])
    return buf.getvalue()


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
        "Δ": r"$\Delta$", "∆": r"$\Delta$", "κ": r"$\kappa$", "−": "$-$", "·": r"$\cdot$",
        "→": r"$\rightarrow$", "×": r"$\times$", "≥": r"$\geq$", "≤": r"$\leq$",
        "<": "$<$", ">": "$>$", "|": "$|$",  # < > | print as other glyphs in text mode
        "†": r"\dag{}", "‡": r"\ddag{}"}


def tex_escape(s: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in s)


def _tex_num(x: float | None) -> str:
    return NA if _missing(x) else f"${fmt(x)}$"


def tex_cell(cell) -> str:
    if isinstance(cell, Num):
        shown = cell.mark and not _missing(cell.value)
        mark = f"\\textsuperscript{{{tex_escape(cell.mark)}}}" if shown else ""
        return _tex_num(cell.value) + mark
    if isinstance(cell, CI):
        if _missing(cell.low) or _missing(cell.high):
            return NA
        return f"$[{fmt(cell.low)}, {fmt(cell.high)}]$"
    return tex_escape(text(cell))


def to_latex(t: Table) -> str:
    ncol = len(t.columns)
    # Text columns left, number columns right: a column is text when no row has a number in it.
    align = "".join("r" if any(isinstance(r[j], (Num, CI, int)) for r in t.rows) else "l"
                    for j in range(ncol))
    out = [f"% {t.title}", "% requires \\usepackage{booktabs}", "\\begin{table}[t]",
           "\\centering", "\\small", f"\\caption{{{tex_escape(t.title)}}}",
           f"\\begin{{tabular}}{{{align}}}", "\\toprule"]
    if t.groups:
        heads, rules, i = [], [], 1
        for label, span in t.groups:
            heads.append(f"\\multicolumn{{{span}}}{{c}}{{{tex_escape(label)}}}"
                         if span > 1 else tex_escape(label))
            if label and span > 1:
                rules.append(f"\\cmidrule(lr){{{i}-{i + span - 1}}}")
            i += span
        heads += [""] * (ncol - (i - 1))
        out += [" & ".join(heads) + " \\\\", " ".join(rules)] if rules else \
            [" & ".join(heads) + " \\\\"]
    out += [" & ".join(tex_escape(c) for c in t.columns) + " \\\\", "\\midrule"]
    for k, r in enumerate(t.rows):
        if k in t.rules and k > 0:
            out.append("\\midrule")
        out.append(" & ".join(tex_cell(c) for c in r) + " \\\\")
    out += ["\\bottomrule", "\\end{tabular}"]
    if t.note:
        # `name` in a note (Markdown code) becomes \texttt{name}
        parts = t.note.split("`")
        note = "".join(tex_escape(p) if i % 2 == 0 else f"\\texttt{{{tex_escape(p)}}}"
                       for i, p in enumerate(parts))
        out.append(f"\\par\\smallskip\\footnotesize {note}")
    out.append("\\end{table}")
    return "\n".join(out) + "\n"


def to_html(t: Table) -> str:
    e = html.escape
    out = [f'<table class="t" id="table-{e(t.slug)}"><caption>{e(t.title)}</caption><thead>']
    if t.groups:
        cols = "".join(f'<th colspan="{span}">{e(label)}</th>' for label, span in t.groups)
        rest = len(t.columns) - sum(span for _l, span in t.groups)
        out.append(f"<tr>{cols}{'<th></th>' * rest}</tr>")
    out.append("<tr>" + "".join(f"<th>{e(c)}</th>" for c in t.columns) + "</tr></thead><tbody>")
    for k, r in enumerate(t.rows):
        cls = ' class="rule"' if k in t.rules and k > 0 else ""
        cells = []
        for c in r:
            num = isinstance(c, (Num, CI, int))
            mark = c.mark if isinstance(c, Num) and not _missing(c.value) else ""
            cl = " ".join(x for x in ("n" if num else "", {"*": "sig", "?": "unres"}.get(mark[:1], ""))
                          if x)
            cells.append(f"<td{f' class={chr(34)}{cl}{chr(34)}' if cl else ''}>{e(text(c))}</td>")
        out.append(f"<tr{cls}>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    if t.note:  # notes write names as `code`, like Markdown
        out.append('<p class="note">' + re.sub(r"`([^`]*)`", r"<code>\1</code>", e(t.note)) + "</p>")
    return "".join(out)


RENDERERS = {"md": to_markdown, "tex": to_latex, "csv": to_csv}  # the files in tables/
