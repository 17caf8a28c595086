"""`tunegap backends`: every backend, whether its engine is installed, and its capabilities.

Capabilities are class attributes, so listing them imports each backend module but loads no
engine or model; a backend whose module cannot import (its extra missing) is listed as such.
"""

from __future__ import annotations

import importlib.util

import typer
from rich.markup import escape
from rich.table import Table

from tunegap.cli.output import stdout


def backend_rows() -> list[dict]:
    """One row per registered backend that generates (registry.py), by name."""
    from tunegap.backends import BACKENDS

    rows = []
    for name, entry in sorted(BACKENDS.items()):
        if not entry.generates:
            continue
        # "installed" from the engine's packages alone: no heavy engine is imported here.
        installed = all(importlib.util.find_spec(p) is not None for p in entry.packages)
        caps = None
        try:
            caps = entry.load_class().capabilities
        except ImportError:
            installed = False
        rows.append({"name": name, "installed": installed, "extra": entry.extra,
                     "capabilities": caps.describe() if caps else {}})
    return rows


def backends(as_json: bool = typer.Option(False, "--json", help="machine-readable")) -> None:
    """List backends, whether their engine is installed, and what each can do."""
    from tunegap.backends.base import Capabilities

    rows = backend_rows()
    out = stdout()
    if as_json:
        import json

        out.print_json(json.dumps(rows))
        return
    names = list(Capabilities().describe())
    table = Table("backend", "installed", *names)
    for r in rows:
        mark = "yes" if r["installed"] else escape(f"no: pip install 'tunegap[{r['extra']}]'")
        table.add_row(r["name"], mark,
                      *("yes" if r["capabilities"].get(n) else "-" for n in names))
    out.print(table)
