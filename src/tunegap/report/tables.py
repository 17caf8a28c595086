"""The table registry: every table of a report is a registered function Results → Table(s),
rendered by the one table model (report/table.py) into each output its `outputs` names —
tables.md, tables/ (Markdown, LaTeX, CSV) and report.html. Adding one is one call:

    TABLES.register("my_table", "my_package.module:function")

A plug-in table goes to every output unless its Table says otherwise. The built-in ones are
registered below, in report order: the paper's layouts (tables/ and report.html; the first,
the headline, opens report.html's summary), then the tables only tables.md has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tunegap.registry import Registry
from tunegap.report.table import Num, Table
from tunegap.results import Results

TableBuilder = Callable[[Results], "Table | Iterable[Table] | None"]


def _check(name: str, fn: Any) -> None:
    from tunegap.errors import UserError

    if not callable(fn):
        raise UserError(f"table '{name}' is not a function of a run's Results", field="tables")


TABLES: Registry[TableBuilder] = Registry("table", field="tables", check=_check)
for _name, _ref in (
        ("headline", "tunegap.report.paper:headline_table"),
        ("settings", "tunegap.report.paper:setting_tables"),
        ("categories", "tunegap.report.paper:category_tables"),
        ("graders", "tunegap.report.paper:grader_tables"),
        ("perturb", "tunegap.report.paper:perturb_tables"),
        ("drops", "tunegap.report.paper:drop_tables"),
        ("grader-agreement", "tunegap.report.paper:sensitivity_tables"),
        ("statistics", "tunegap.report.tables:statistics_table"),
        ("gaps", "tunegap.report.markdown:gaps"),
        ("breakdowns", "tunegap.report.markdown:breakdown_tables"),
        ("robustness", "tunegap.report.markdown:robustness_tables"),
        ("scorers", "tunegap.report.sensitivity:scorer_tables")):
    TABLES.register(_name, _ref)
TABLES.freeze_builtins()


def build_tables(results: Results) -> list[Table]:
    """Every registered table of a run, in registration order; the ones written to tables/ get
    a running number in their slug (the file name)."""
    out: list[Table] = []
    for name in TABLES:
        got = TABLES.get(name)(results)
        out += [got] if isinstance(got, Table) else list(got or [])
    files = [t for t in out if "tables/" in t.outputs]
    for i, t in enumerate(files):
        t.slug = f"{i:02d}-{t.slug}"
    return out


def statistics_table(results: Results) -> Table | None:
    """The registered paired statistics (analysis/statistics.py) of the headline comparisons:
    a column per statistic's number; none when the run has no such statistic."""
    rows = [c for c in results.headline() if c.statistics]
    if not rows:
        return None
    cols = list(dict.fromkeys((s, k) for c in rows for s, nums in c.statistics.items()
                              for k in nums))
    t = Table(slug="statistics", title="Paired statistics per headline comparison",
              columns=["pair", "benchmark", "setting", "decoding", "metric",
                       *[f"{s}: {k}" for s, k in cols]],
              note="Registered statistics of the paired per-item values (0..1 scale); every "
                   "comparison's are in results.json (`statistics`).",
              section="Paired statistics")
    for c in rows:
        t.rows.append([c.pair, c.benchmark, c.setting, c.decoding, str(c.metric),
                       *[Num(c.statistics.get(s, {}).get(k)) for s, k in cols]])
    return t
