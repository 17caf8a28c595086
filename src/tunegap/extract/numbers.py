"""Number spotting shared by the numeric extractors."""

from __future__ import annotations

import re

# 1,234.5 | -3 | .5 | 1/2 ; a comma only between digit groups of three.
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
NUMBER_RE = re.compile(NUMBER)


def clean_number(text: str) -> str:
    return text.replace(",", "").strip()
