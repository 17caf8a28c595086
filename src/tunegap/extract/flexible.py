"""flexible: the last number anywhere in the output."""

from __future__ import annotations

from tunegap.extract.numbers import NUMBER_RE, clean_number
from tunegap.types import Example


def extract(text: str, example: Example | None = None) -> str | None:
    found = NUMBER_RE.findall(text)
    return clean_number(found[-1]) if found else None
