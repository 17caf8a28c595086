"""Extractors: model output text → answer string, or None when there is no answer.

Per-text extractors share one signature, `extract(text, example) -> str | None`. `llm` is a batch
extractor (an auxiliary model, see extract/llm.py); scoring.py runs it over many texts at once.
"""

from __future__ import annotations

from collections.abc import Callable

from tunegap.errors import UserError
from tunegap.extract import boxed, flexible, jsonfield, strict
from tunegap.types import Example

Extractor = Callable[[str, Example], "str | None"]

EXTRACTORS: dict[str, Extractor] = {
    "strict": strict.extract,
    "flexible": flexible.extract,
    "boxed": boxed.extract,
    "json": jsonfield.extract,
}
BATCH_EXTRACTORS = ("llm",)


def known_extractors() -> list[str]:
    return sorted([*EXTRACTORS, *BATCH_EXTRACTORS])


def check_extractor(name: str) -> None:
    if name not in EXTRACTORS and name not in BATCH_EXTRACTORS:
        raise UserError(f"unknown extractor '{name}' (known: {', '.join(known_extractors())})",
                        field="extractors")


def get_extractor(name: str) -> Extractor:
    check_extractor(name)
    if name in BATCH_EXTRACTORS:
        raise UserError(f"extractor '{name}' runs in batches through an auxiliary model; "
                        "use tunegap.scoring.score_store")
    return EXTRACTORS[name]
