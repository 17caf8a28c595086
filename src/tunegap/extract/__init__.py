"""Extractors: model output text → answer string, or None when there is no answer.

Per-text extractors share one signature, `extract(text, example) -> str | None`. `llm` is a batch
extractor (an auxiliary model, see extract/llm.py); scoring.py runs it over many texts at once.
A plug-in extractor is named "module:function" (same signature).

`safe_extract` is how scoring runs an extractor: inside a grader worker process, under the
per-item time limit (grade/limits.py), it turns every outcome into (answer, status):
"ok", "missing" (no answer), "too-long" (text over MAX_TEXT_CHARS, not read), or "error" (the
extractor raised); the pool adds "timeout". Nothing an extractor does escapes as an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from tunegap.errors import UserError
from tunegap.extract import boxed, flexible, jsonfield, medcalc_field, strict
from tunegap.types import Example

Extractor = Callable[[str, Example], "str | None"]

EXTRACTORS: dict[str, Extractor] = {
    "strict": strict.extract,
    "flexible": flexible.extract,
    "boxed": boxed.extract,
    "json": jsonfield.extract,
    "medcalc-official": medcalc_field.extract,
}
BATCH_EXTRACTORS = ("llm",)
# Outputs longer than this are not read: 4 Mi characters is far past any real completion
# (32k tokens is ~130 K characters) and keeps one item's work and pipe traffic bounded.
MAX_TEXT_CHARS = 4 << 20
FAILED = ("timeout", "error", "too-long", "unfinished-reasoning")  # extraction statuses that carry over to the grades


def known_extractors() -> list[str]:
    return sorted([*EXTRACTORS, *BATCH_EXTRACTORS])


def _plugin(name: str) -> Extractor | None:
    if ":" not in name:
        return None
    module, func = name.split(":", 1)
    try:
        fn = getattr(import_module(module), func)
    except (ImportError, AttributeError):
        return None
    return fn if callable(fn) else None


def check_extractor(name: str) -> None:
    if name in EXTRACTORS or name in BATCH_EXTRACTORS or _plugin(name) is not None:
        return
    raise UserError(f"unknown extractor '{name}' (known: {', '.join(known_extractors())}; "
                    "or a plug-in as module:function)", field="extractors")


def get_extractor(name: str) -> Extractor:
    check_extractor(name)
    if name in BATCH_EXTRACTORS:
        raise UserError(f"extractor '{name}' runs in batches through an auxiliary model; "
                        "use tunegap.scoring.score_store")
    return EXTRACTORS.get(name) or _plugin(name)  # type: ignore[return-value]


def safe_extract(name: str, text: str, example: Example | None) -> tuple[str | None, str]:
    """(answer, status) for one text; never raises."""
    if len(text) > MAX_TEXT_CHARS:
        return None, "too-long"
    try:
        answer = get_extractor(name)(text, example)
    except Exception:  # noqa: BLE001  (RecursionError, MemoryError...: this item, not the run)
        return None, "error"
    if answer is not None and not isinstance(answer, str):
        return None, "error"
    return (answer, "ok") if answer is not None else (None, "missing")
