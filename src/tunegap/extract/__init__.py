"""Extractors: model output text → answer string, or None when there is no answer."""

from __future__ import annotations

from collections.abc import Callable

from tunegap.errors import UserError
from tunegap.extract import flexible, strict
from tunegap.types import Example

Extractor = Callable[[str, Example], "str | None"]

EXTRACTORS: dict[str, Extractor] = {
    "strict": strict.extract,
    "flexible": flexible.extract,
}


def get_extractor(name: str) -> Extractor:
    if name not in EXTRACTORS:
        raise UserError(f"unknown extractor '{name}' (known: {', '.join(sorted(EXTRACTORS))})")
    return EXTRACTORS[name]
