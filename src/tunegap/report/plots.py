"""The report's figures, drawn from a Results with matplotlib (Agg: no display needed).

Every figure is a registered plot: a function `(results, out_dir)` → `Plot`, a list of them, or
None when the run lacks its data (no samples: no pass@k curve). It draws a matplotlib figure and
hands it to `figure(fig, slug, title, out_dir)`, which saves plots/<slug>.png (for papers and
slides) and returns the SVG text report.html inlines. Adding one is one call:

    PLOTS.register("my_plot", "my_package.module:function")

Rendering is deterministic (fixed hash salt, no dates), so a rebuilt report has the same bytes.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tunegap.analysis.metrics import Metric  # noqa: E402
from tunegap.registry import Registry  # noqa: E402
from tunegap.report.paper import bench_title, setting_title  # noqa: E402
from tunegap.report.table import fmt  # noqa: E402
from tunegap.results import Results  # noqa: E402

INSTRUCT, BASE = "#1f5fa8", "#e07b22"  # one colour per side in every figure
SIG, PLAIN, UNRES = "#1b1b1b", "#1f5fa8", "#9a9a9a"
RC = {"svg.fonttype": "none", "svg.hashsalt": "tunegap", "font.size": 9,
      "axes.spines.top": False, "axes.spines.right": False}


@dataclass(frozen=True)
class Plot:
    slug: str
    title: str
    svg: str  # inline-ready: no XML prolog, ids prefixed by the slug


def figure(fig, slug: str, title: str, out_dir: Path) -> Plot:
    """Save a drawn figure as plots/<slug>.png and return it as a Plot (SVG for the page)."""
    fig.tight_layout()
    fig.savefig(out_dir / f"{slug}.png", dpi=110, metadata={"Software": None})
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # Several SVGs share one HTML document: keep their ids apart.
    svg = re.sub(r'(id="|url\(#|href="#)', rf"\g<1>{slug}-", svg)
    return Plot(slug, title, svg)


def _finite(*xs) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def _short(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def forest(results: Results, out_dir: Path) -> Plot | None:
    rows = results.headline()
    if not rows:
        return None
    multi = len({c.pair for c in rows}) > 1
    labels = [_short(c.pair if multi else "", bench_title(c.benchmark), setting_title(c.setting),
                     c.decoding, c.metric) for c in rows]
    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.28 * len(rows)))
    for y, c in enumerate(rows):
        colour = SIG if c.significant else (UNRES if c.unresolved else PLAIN)
        if c.ci_low is not None and c.ci_high is not None:
            ax.plot([c.ci_low, c.ci_high], [y, y], color=colour, lw=1.6)
        ax.plot([c.delta], [y], marker="o", ms=6, color=colour,
                mfc="white" if c.unresolved else colour)
    ax.axvline(0, color="#555555", lw=0.8, ls="--")
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("Δ = instruct − base (points), 95 % CI")
    from matplotlib.lines import Line2D

    keys = [Line2D([], [], marker="o", ls="-", color=SIG, label="significant (Holm)"),
            Line2D([], [], marker="o", ls="-", color=PLAIN, label="not significant"),
            Line2D([], [], marker="o", ls="-", color=UNRES, mfc="white",
                   label="unresolved (|Δ| < MDE)")]
    ax.legend(handles=keys, frameon=False, fontsize=7, ncol=3, loc="lower center",
              bbox_to_anchor=(0.5, 1.0))
    ax.set_title("right of 0: instruct better · left: base better", fontsize=8, pad=18)
    return figure(fig, "forest", "Δ with 95 % CI per cell", out_dir)


def side_bars(results: Results, out_dir: Path) -> list[Plot]:
    """The paper's bar figures: base vs instruct accuracy per pair and setting."""
    cells: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for c in results.cells:
        if results.chosen(c):
            cells[c.benchmark].setdefault((c.pair, c.setting, c.decoding), {})[c.side] = c
    out = []
    for bench, groups in cells.items():
        multi = len({k[0] for k in groups}) > 1
        keys = list(groups)
        fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(keys) + 1.5), 3.4))
        for off, side, colour in ((-0.2, "instruct", INSTRUCT), (0.2, "base", BASE)):
            xs, ys, err = [], [], [[], []]
            for x, k in enumerate(keys):
                c = groups[k].get(side)
                if c is None:
                    continue
                xs.append(x + off)
                ys.append(c.accuracy)
                lo, hi = c.ci_low, c.ci_high
                ok = _finite(lo, hi)  # NaN: a mean of samples has no Wilson interval
                # clamped: rounding can put a bound a hair past the point
                err[0].append(max(0.0, c.accuracy - lo) if ok else 0)
                err[1].append(max(0.0, hi - c.accuracy) if ok else 0)
            ax.bar(xs, ys, width=0.38, color=colour, label=side, yerr=err, capsize=2,
                   error_kw={"lw": 0.8})
        ax.set_xticks(range(len(keys)),
                      [_short(p if multi else "", setting_title(s), d).replace(" · ", "\n")
                       for p, s, d in keys], fontsize=7)
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(0, 100)
        ax.legend(frameon=False, fontsize=8)
        ax.set_title(f"{bench_title(bench)}: instruct vs base "
                     f"(grader {results.primary_grader(bench)})", fontsize=9)
        out.append(figure(fig, f"bars-{_file(bench)}", f"{bench_title(bench)}: base vs instruct",
                           out_dir))
    return out


def _file(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()


def passk_curves(results: Results, out_dir: Path) -> Plot | None:
    panels: dict[tuple, dict[str, dict[int, float]]] = defaultdict(dict)
    for c in results.cells:
        if c.samples < 2 or not results.chosen(c):
            continue
        metrics = {Metric.of(m): v for m, v in c.metrics.items()}
        ks = {m.k: v for m, v in metrics.items() if m.kind == "pass" and m.k is not None}
        if ks:
            panels[(c.pair, c.benchmark, c.setting, c.decoding)][c.side] = ks
    if not panels:
        return None
    n = len(panels)
    multi = len({k[0] for k in panels}) > 1
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.6 * rows), squeeze=False)
    for ax, ((pair, bench, setting, dec), sides) in zip(axes.flat, panels.items()):
        for side, colour in (("instruct", INSTRUCT), ("base", BASE)):
            if side in sides:
                ks = sorted(sides[side])
                ax.plot(ks, [sides[side][k] for k in ks], marker="o", ms=3, color=colour,
                        label=side)
        ax.set_title(_short(pair if multi else "", bench_title(bench), setting_title(setting),
                            dec), fontsize=7)
        ax.set_xlabel("k")
        ax.set_ylabel("pass@k (%)")
        ax.set_ylim(0, 100)
        ax.legend(frameon=False, fontsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    return figure(fig, "passk", "pass@k for both sides", out_dir)


def agreement(results: Results, out_dir: Path) -> Plot | None:
    rows = results.agreements
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.3 * len(rows)))
    parts = (("both right", "#4c9a4c"), ("only first", "#d9a32b"), ("only second", "#b35fc2"),
             ("both wrong", "#b0b0b0"))
    labels = []
    for y, a in enumerate(rows):
        counts = (a.both_right, a.only_a, a.only_b, a.both_wrong)
        left = 0.0
        for (name, colour), v in zip(parts, counts):
            share = 100 * v / a.n if a.n else 0
            ax.barh(y, share, left=left, color=colour, label=name if y == 0 else None)
            left += share
        ax.text(101, y, f"κ {fmt(a.kappa)}", va="center", fontsize=7)
        labels.append(_short(bench_title(a.benchmark), setting_title(a.setting), a.decoding,
                             a.extractor, f"{a.grader_a} vs {a.grader_b}"))
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("% of samples")
    ax.legend(frameon=False, fontsize=7, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return figure(fig, "agreement", "Grader agreement", out_dir)


def drops(results: Results, out_dir: Path) -> Plot | None:
    rows = [r for r in results.robustness if results.chosen(r)]
    if not rows:
        return None
    labels = [_short(r.pair, bench_title(r.benchmark), r.kind, setting_title(r.setting),
                     r.decoding) for r in rows]
    fig, ax = plt.subplots(figsize=(7.5, 1.0 + 0.42 * len(rows)))
    for off, side, colour in ((-0.18, "instruct", INSTRUCT), (0.18, "base", BASE)):
        for y, r in enumerate(rows):
            d = getattr(r, side)
            if d is None:
                continue
            lo, hi = d.drop_ci
            ok = _finite(lo, hi)
            err = [[max(0.0, d.drop - lo)], [max(0.0, hi - d.drop)]] if ok else [[0], [0]]
            ax.barh(y + off, d.drop, height=0.34, color=colour, label=side if y == 0 else None,
                    xerr=err, capsize=2, error_kw={"lw": 0.8})
    ax.axvline(0, color="#555555", lw=0.8)
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("drop = original − variant accuracy (points), 95 % CI by seed problem")
    ax.legend(frameon=False, fontsize=8)
    return figure(fig, "drops", "Drop per perturbation kind", out_dir)


PLOTS: Registry[Callable[[Results, Path], Plot | list[Plot] | None]] = Registry(
    "plot", field="plots")
for _name in ("forest", "side_bars", "passk_curves", "agreement", "drops"):
    PLOTS.register(_name, f"tunegap.report.plots:{_name}")
PLOTS.freeze_builtins()


def all_plots(results: Results, out_dir: Path) -> list[Plot]:
    """Every registered plot of a run, in registration order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out: list[Plot] = []
    with plt.rc_context(RC):
        for name in PLOTS:
            got = PLOTS.get(name)(results, out_dir)
            out += [got] if isinstance(got, Plot) else list(got or [])
    return out
