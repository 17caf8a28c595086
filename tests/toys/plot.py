"""A toy plot: the accuracy of every per-side cell as bars."""

from __future__ import annotations

import matplotlib.pyplot as plt

from tunegap.report.plots import figure


def accuracy_bars(results, out_dir):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar(range(len(results.cells)), [c.accuracy for c in results.cells])
    return figure(fig, "toy-bars", "Toy: accuracy per cell", out_dir)
