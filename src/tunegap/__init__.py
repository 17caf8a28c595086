"""tunegap: does instruction tuning make a model reason better, or only answer better in the
format it was tuned on? Python API mirroring the CLI:

    import tunegap
    cfg = tunegap.load_preset("demo").with_overrides(limit=5)
    results = tunegap.run(cfg)
    print(tunegap.tables_markdown(results))
    for c in results.headline():   # paired comparisons: Δ, its CI, p, significant, ...
        print(c.setting, c.metric, c.delta, c.ci_low, c.ci_high, c.significant)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunegap.config import RunConfig

__version__ = "0.1.0"

# Loaded on first use: importing any tunegap module runs this file, and a stage (an extractor in
# a grader worker, say) must not pull in the config layer with it.
_LAZY = {"RunConfig": "tunegap.config", "load_config_file": "tunegap.config_files",
         "load_preset": "tunegap.config_files", "UserError": "tunegap.errors"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tunegap' has no attribute {name!r}")


def run(config: RunConfig | str | Path, *, progress: bool = True):
    """Run or resume an evaluation (a RunConfig, or a path to a YAML config)."""
    from tunegap.config import RunConfig
    from tunegap.config_files import load_config_file
    from tunegap.runner import run as _run

    if not isinstance(config, RunConfig):
        config = load_config_file(config)
    return _run(config, argv=["tunegap.run"], progress=progress)


def rebuild_report(run_dir: str | Path):
    """`tunegap report RUN`: rebuild a stored run's report files; returns its Results.
    (Not named `report`: that is the tunegap.report package.)"""
    from tunegap.runner import report as _report

    return _report(Path(run_dir))


def tables_markdown(results) -> str:
    """The tables.md text of a Results (what `tunegap report` writes)."""
    from tunegap.report.markdown import tables_markdown as _tables

    return _tables(results)


__all__ = ["RunConfig", "UserError", "load_config_file", "load_preset", "rebuild_report", "run",
           "tables_markdown"]
