"""A toy table: per side cell, the mean of the toy metric (tests/toys/metric.py)."""

from __future__ import annotations

from tunegap.report.table import Num, Table


def answered_table(results) -> Table:
    t = Table(slug="toy-answered", title="Toy: samples with an answer",
              columns=["side", "setting", "extractor", "grader", "answered %"])
    for c in results.cells:
        if "toy_answered" in c.metrics:
            t.rows.append([c.side, c.setting, c.extractor, c.grader, Num(c.metrics["toy_answered"])])
    return t
