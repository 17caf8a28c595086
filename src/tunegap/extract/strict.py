"""strict: only the format the prompt asked for, "The answer is N." (first occurrence)."""

from __future__ import annotations

import re

from tunegap.extract.numbers import NUMBER, clean_number
from tunegap.types import Example

# The number must close the statement ("The answer is 12 apples." counts; "The answer is
# 41 + 37 = 78" does not: that is arithmetic, not the asked-for format).
_STRICT = re.compile(
    r"[Tt]he\s+(?:final\s+)?answer\s+is\s*:?\s*\**\s*\$?\s*(" + NUMBER + r")"
    r"(?=\**\s*(?:[A-Za-z%$]+\s*){0,3}(?:[.!]|$))",
    re.MULTILINE,
)


def extract(text: str, example: Example | None = None) -> str | None:
    m = _STRICT.search(text)
    return clean_number(m.group(1)) if m else None
