"""Small modules with one role each: no module of the package passes 400 lines (template text
and other data live in package data files, not in code)."""

from __future__ import annotations

from pathlib import Path

import tunegap

MAX_LINES = 400


def test_no_module_passes_400_lines():
    root = Path(tunegap.__file__).parent
    sizes = {p.relative_to(root).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in root.rglob("*.py")}
    assert len(sizes) > 100, "the package was not found"
    assert {m: n for m, n in sizes.items() if n > MAX_LINES} == {}
