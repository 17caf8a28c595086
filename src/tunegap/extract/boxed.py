"""boxed: the content of the last `\\boxed{...}` (or `\\fbox{...}`), nested braces included.

LaTeX prompt families (Math-500, MATH-Perturb) ask for the final answer in a box; the last box
wins because models often box intermediate results before the final one.
"""

from __future__ import annotations

import re

from tunegap.types import Example

_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
# `\boxed 5` (no braces) is legal LaTeX for a single token.
_BARE = re.compile(r"\\boxed\s+([^\s$\\{}]+)")


def _balanced(text: str, start: int) -> str | None:
    """The text between the brace opened just before `start` and its partner, or None."""
    depth = 1
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 2  # an escaped brace (\{ or \}) does not count
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start:i]
        i += 1
    return None  # unclosed: the model was cut off inside the box


def all_boxed(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for m in _OPEN.finditer(text):
        inner = _balanced(text, m.end())
        if inner is not None:
            found.append((m.start(), inner.strip()))
    for m in _BARE.finditer(text):
        found.append((m.start(), m.group(1).strip()))
    return [s for _, s in sorted(found)]


def extract(text: str, example: Example | None = None) -> str | None:
    boxes = [b for b in all_boxed(text) if b]
    return boxes[-1] if boxes else None
