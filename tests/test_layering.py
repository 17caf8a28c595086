"""The package's layering, checked on its source against docs/architecture.md:

- the layer table of docs/architecture.md, read from the document: every module is in exactly
  one row, every import between layers (inside functions too) is one its row may make and none
  it must not, and neither the layers nor the packages (each package one node, top-level
  modules grouped by their layer) import in a circle: the document cannot drift from the code;
- every module imports on its own in a fresh interpreter;
- no import circle among the package's modules, at import time or through the imports made
  inside functions;
- analysis/ and report/ never import the store (nor anything that does, at import time).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PKG = SRC / "tunegap"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


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


def test_the_walk_sees_imports_made_inside_functions():
    # the scoring stage reaches the store at import time, the prompts only inside a function
    assert {"tunegap.store", "tunegap.prompts"} <= _reach("tunegap.scoring")
    assert "tunegap.prompts" not in _closure("tunegap.scoring")


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


# ------------------------------------------------------------------ the layer table of the docs


@dataclass(frozen=True)
class Layer:
    name: str
    modules: tuple[str, ...]  # "x.py" (a top-level module) or "x/*" (a package)
    may: frozenset[str]  # layer names; EVERYTHING: all but `must_not`
    must_not: frozenset[str]  # layer names; OTHERS: all but `may`


EVERYTHING, OTHERS = "everything", "every other layer"
_MODULE_SPEC = re.compile(r"^(?:[\w]+\.py|[\w]+/\*)$")


def parse_layer_table(markdown: str) -> list[Layer]:
    """The table under "## Layers and what each may import": layer | modules | may import |
    must not import. Modules and layer names are the cells' `backticked` words; the rest is
    prose for the reader."""
    section = markdown.split("## Layers and what each may import", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header == ["layer", "modules", "may import", "must not import"], header
    layers = []
    for row in rows[2:]:
        name, modules, may, must_not = (c.strip() for c in row.strip().strip("|").split("|"))
        ticks = [re.findall(r"`([^`]+)`", cell) for cell in (modules, may, must_not)]
        layers.append(Layer(
            name, tuple(t for t in ticks[0] if _MODULE_SPEC.match(t)),
            frozenset([EVERYTHING] if may.startswith(EVERYTHING) else ticks[1]),
            frozenset([OTHERS] if must_not.startswith(OTHERS) else ticks[2])))
    return layers


def allowed(layers: list[Layer]) -> dict[str, set[str]]:
    """Layer → the layers it may import (its own modules always)."""
    names = {layer.name for layer in layers}
    out = {}
    for layer in layers:
        may = (names - layer.must_not) if EVERYTHING in layer.may else set(layer.may)
        out[layer.name] = may - {layer.name}
    return out


def forbidden(layers: list[Layer]) -> dict[str, set[str]]:
    names = {layer.name for layer in layers}
    return {layer.name: ((names - layer.may - {layer.name}) if OTHERS in layer.must_not
                         else set(layer.must_not)) for layer in layers}


def layer_of(layers: list[Layer], module: str) -> list[str]:
    """The rows a module is in (`tunegap.data.gsm8k` is in the row of `data/*`)."""
    rel = module.split(".")[1:] or ["__init__"]  # the package root is `__init__.py`

    def holds(spec: str) -> bool:  # (a package and a module cannot share a name)
        return rel[0] == spec[:-2] if spec.endswith("/*") else rel == [spec[:-3]]

    return [layer.name for layer in layers for spec in layer.modules if holds(spec)]


def table_violations(layers: list[Layer], modules: list[str],
                     imports: dict[str, set[str]]) -> list[str]:
    """Every way the code and the table disagree, one line each."""
    out = []
    names = {layer.name for layer in layers}
    for layer in layers:
        for ref in (layer.may | layer.must_not) - {EVERYTHING, OTHERS}:
            if ref not in names:
                out.append(f"row '{layer.name}' names no layer '{ref}'")
        if (layer.may & layer.must_not) - {EVERYTHING, OTHERS}:
            out.append(f"row '{layer.name}' both may and must not import "
                       f"{sorted(layer.may & layer.must_not)}")
        for spec in layer.modules:
            one = Layer(layer.name, (spec,), frozenset(), frozenset())
            if not any(layer_of([one], m) for m in modules):
                out.append(f"row '{layer.name}' names `{spec}`, which is no module")
    rows = {m: layer_of(layers, m) for m in modules}
    for m, found in rows.items():
        if len(found) != 1:
            out.append(f"{m} is in {len(found)} rows of the table ({', '.join(found)})")
    may, must_not = allowed(layers), forbidden(layers)
    for m in modules:
        for target in sorted(imports.get(m, ())):
            a, b = rows[m][:1], rows.get(target, [])[:1]
            if not a or not b or a == b:
                continue
            if b[0] in must_not[a[0]]:
                out.append(f"{m} imports {target}: layer '{a[0]}' must not import '{b[0]}'")
            elif b[0] not in may[a[0]]:
                out.append(f"{m} imports {target}: layer '{a[0]}' may not import '{b[0]}' "
                           "(add it to the row, or change the code)")
    return out


def _node(layers: list[Layer], module: str) -> str:
    """The package graph's node: a package (`data/`), or a top-level module's layer."""
    rel = module.split(".")[1:]
    if len(rel) > 1 or (rel and (PKG / rel[0]).is_dir()):
        return rel[0] + "/"
    return (layer_of(layers, module) or [module])[0]


def _coarse(graph: dict[str, set[str]], node) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m, targets in graph.items():
        out.setdefault(node(m), set())
        for t in targets:
            out.setdefault(node(t), set())
            if node(t) != node(m):
                out[node(m)].add(node(t))
    return out


LAYERS = parse_layer_table(ARCHITECTURE.read_text(encoding="utf-8"))
ANY_IMPORT = {m: _imports(p, top_level_only=False) for m, p in MODULES.items()}


def test_the_layer_table_of_the_docs_matches_the_code():
    assert len(LAYERS) >= 10  # the table was found and read
    problems = table_violations(LAYERS, sorted(MODULES), ANY_IMPORT)
    assert not problems, "docs/architecture.md's layer table vs the code:\n" + "\n".join(problems)


@pytest.mark.parametrize("level", ["layers", "packages"])
def test_no_circle_between_layers_or_packages(level):
    node = ((lambda m: layer_of(LAYERS, m)[0]) if level == "layers"
            else (lambda m: _node(LAYERS, m)))
    graph = _coarse(ANY_IMPORT, node)
    circle = _find_circle(graph)
    assert circle is None, f"{level} import in a circle: " + " → ".join(circle or [])


def test_the_layer_check_can_fail():
    table = """## Layers and what each may import

| layer | modules | may import | must not import |
|---|---|---|---|
| low | `low.py` | stdlib | every other layer |
| mid | `mid/*`, `other.py` | `low` | `top` |
| top | `top.py`, `gone.py` | everything | — |
"""
    layers = parse_layer_table(table)
    mods = ["tunegap.low", "tunegap.mid", "tunegap.mid.a", "tunegap.top", "tunegap.stray"]
    problems = table_violations(layers, mods, {
        "tunegap.low": {"tunegap.mid.a"},  # low may import nothing
        "tunegap.mid.a": {"tunegap.top", "tunegap.low", "tunegap.mid"},  # top: must not
        "tunegap.top": {"tunegap.mid.a", "tunegap.low"},  # fine
    })
    assert problems == [
        "row 'mid' names `other.py`, which is no module",
        "row 'top' names `gone.py`, which is no module",
        "tunegap.stray is in 0 rows of the table ()",
        "tunegap.low imports tunegap.mid.a: layer 'low' must not import 'mid'",
        "tunegap.mid.a imports tunegap.top: layer 'mid' must not import 'top'",
    ]
    graph = _coarse({"tunegap.low": {"tunegap.mid.a"}, "tunegap.mid.a": {"tunegap.low"}},
                    lambda m: layer_of(layers, m)[0])
    assert _find_circle(graph) == ["low", "mid", "low"]
