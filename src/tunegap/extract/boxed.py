"""boxed: the content of the last `\\boxed{...}` (or `\\fbox{...}`), nested braces included.

LaTeX prompt families (Math-500, MATH-Perturb) ask for the final answer in a box; the last box
wins because models often box intermediate results before the final one.
"""

from __future__ import annotations

import re

from tunegap.types import AnswerFormat, Example

_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
# `\boxed 5` (no braces) is legal LaTeX for a single token.
_BARE = re.compile(r"\\boxed\s+([^\s$\\{}]+)")
_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)  # an escaped character is skipped whole


def partners(text: str) -> dict[int, int]:
    """Position of each '{' → position of its closing '}', for every brace that is closed.

    One left-to-right pass with a stack, so finding every box is linear (scanning forward from
    each opener was quadratic on many unclosed boxes). An escaped brace (\\{ or \\}) does not
    count; an unclosed box (the model was cut off inside it) has no partner.
    """
    out: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACE.finditer(text):
        ch = m.group(0)
        if ch == "{":
            stack.append(m.start())
        elif ch == "}" and stack:
            out[stack.pop()] = m.start()
    return out


def all_boxed(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    closing: dict[int, int] | None = None
    for m in _OPEN.finditer(text):
        if closing is None:
            closing = partners(text)
        end = closing.get(m.end() - 1)
        if end is not None:
            found.append((m.start(), text[m.end() : end].strip()))
    for m in _BARE.finditer(text):
        found.append((m.start(), m.group(1).strip()))
    return [s for _, s in sorted(found)]


def extract(text: str, example: Example | None = None,
            answer_format: AnswerFormat | None = None) -> str | None:
    boxes = [b for b in all_boxed(text) if b]
    return boxes[-1] if boxes else None
