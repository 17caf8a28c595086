"""`tunegap backends`: every backend, whether its engine is installed, and its capabilities.

Capabilities are class attributes, so listing them imports each backend module but loads no
engine or model; a backend whose module cannot import (its extra missing) is listed as such.
"""

from __future__ import annotations

import importlib
import importlib.util

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tunegap.backends import REGISTRY
from tunegap.backends.base import Capabilities

# The package each engine needs, to tell "installed" without importing heavy engines.
ENGINE_PACKAGES = {"llamacpp": ("llama_cpp",), "hf": ("torch", "transformers"),
                   "vllm": ("vllm",), "openai": ("httpx",), "scripted": ()}


def backend_rows() -> list[dict]:
    rows = []
    for name, (module, cls, extra) in sorted(REGISTRY.items()):
        installed = all(importlib.util.find_spec(p) is not None
                        for p in ENGINE_PACKAGES.get(name, ()))
        caps: Capabilities | None = None
        try:
            caps = getattr(importlib.import_module(module), cls).capabilities
        except ImportError:
            installed = False
        rows.append({"name": name, "installed": installed, "extra": extra,
                     "capabilities": caps.describe() if caps else {}})
    return rows


def backends(as_json: bool = typer.Option(False, "--json", help="machine-readable")) -> None:
    """List backends, whether their engine is installed, and what each can do."""
    rows = backend_rows()
    out = Console(width=None if Console().is_terminal else 150)
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
