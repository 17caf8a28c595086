"""The package's layering, checked on its source (docs/architecture.md states the rules):

- every module imports on its own in a fresh interpreter;
- no import circle among the package's modules, at import time or through the imports made
  inside functions;
- analysis/ and report/ never import the store (nor anything that does, at import time), and
  extract/ never imports data/, prompts/, backends/ or the store, not even inside a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "tunegap"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """tunegap modules a file imports (`from tunegap.x import y` counts tunegap.x.y when that
    is a module, else tunegap.x)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("tunegap")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tunegap"):
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in MODULES else node.module)
    return {m for m in found if m in MODULES}


def _with_parents(mods: set[str]) -> set[str]:
    """Importing tunegap.a.b runs tunegap/__init__ and tunegap/a/__init__ first."""
    out = set(mods)
    for m in mods:
        parts = m.split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts))}
    return out


def _closure(start: str, *, top_level_only: bool = True) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        todo += _with_parents(_imports(MODULES[m], top_level_only=top_level_only)) - seen
        todo = [t for t in todo if t in MODULES]  # a folder without __init__ (namespace)
    return seen


def test_every_module_imports_alone_in_a_fresh_interpreter():
    def try_import(name: str) -> tuple[str, int, str]:
        proc = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True,
                              text=True, env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"})
        return name, proc.returncode, proc.stderr.strip().splitlines()[-1:] and \
            proc.stderr.strip().splitlines()[-1]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(try_import, sorted(MODULES)))
    failed = [(n, err) for n, rc, err in results if rc != 0]
    assert not failed, failed


def _find_circle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                return stack[stack.index(n):] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


@pytest.mark.parametrize("top_level_only", [True, False], ids=["import-time", "any-import"])
def test_no_import_circle(top_level_only):
    graph = {m: _imports(p, top_level_only=top_level_only) for m, p in MODULES.items()}
    circle = _find_circle(graph)
    assert circle is None, "import circle: " + " → ".join(circle or [])


def test_the_circle_check_can_fail():
    assert _find_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_circle({"a": {"b"}, "b": set()}) is None


def _reach(start: str) -> set[str]:
    """Modules whose code a module can run: what it imports anywhere (inside functions too),
    recursively; a package imported only as the parent of a module runs its top level only."""
    seen: set[str] = set()
    todo = [(start, False)]
    while todo:
        m, parent_only = todo.pop()
        if (m, parent_only) in seen or m not in MODULES:
            continue
        seen.add((m, parent_only))
        named = _imports(MODULES[m], top_level_only=parent_only)
        todo += [(n, False) for n in named]
        todo += [(p, True) for p in _with_parents(named) - named]
    return {m for m, _ in seen}


def test_extractors_import_no_data_prompts_backends_or_store():
    forbidden = ("tunegap.data", "tunegap.prompts", "tunegap.backends", "tunegap.store")
    for name in MODULES:
        if name == "tunegap.extract" or name.startswith("tunegap.extract."):
            bad = sorted(m for m in _reach(name) if m.startswith(forbidden))
            assert not bad, (name, bad)
    # the walk sees imports made inside functions (the scoring stage reaches all four)
    assert {"tunegap.store", "tunegap.prompts"} <= _reach("tunegap.scoring")


@pytest.mark.parametrize("layer", ["tunegap.analysis", "tunegap.report"])
def test_analysis_and_report_never_import_the_store(layer):
    forbidden = {"tunegap.store", "tunegap.runner", "tunegap.scoring"}
    for name, path in MODULES.items():
        if name != layer and not name.startswith(layer + "."):
            continue
        direct = _imports(path, top_level_only=False)
        assert not direct & forbidden, (name, direct & forbidden)
        assert "tunegap.store" not in _closure(name), name


def test_records_are_the_only_run_shape_between_store_and_analysis():
    # The store produces records; results are built from them without the store in reach.
    assert "tunegap.store" not in _closure("tunegap.results")
    assert "tunegap.report" not in _closure("tunegap.results")
    assert "tunegap.records" in _imports(MODULES["tunegap.store"], top_level_only=True)
