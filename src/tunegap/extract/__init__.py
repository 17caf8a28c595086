"""Extractors: model output text → answer string, or None when there is no answer.

Per-text extractors share one signature, `extract(text, example, answer_format) -> str | None`:
`answer_format` is what the prompt asked the reply to end with (the plan hands it down; only
`strict` reads it). An extractor imports nothing from the data, prompts, backends or the store:
what it needs arrives as arguments. `llm` is a batch extractor (an auxiliary model, see
extract/llm.py): the scoring stage gives it a generate function and a cache.

Adding an extractor: one module with an `extract` function, plus one `register_extractor` call
(here for a built-in). A plug-in may also be named "module:function" in a config.

`safe_extract` is how scoring runs an extractor: inside a grader worker process, under the
per-item time limit (grade/limits.py), it turns every outcome into (answer, status):
"ok", "missing" (no answer), "too-long" (text over MAX_TEXT_CHARS, not read), or "error" (the
extractor raised); the pool adds "timeout". Nothing an extractor does escapes as an exception.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib import import_module
from typing import Literal

from tunegap.errors import UserError
from tunegap.extract import boxed, flexible, jsonfield, medcalc_field, strict
from tunegap.types import AnswerFormat, Example

Extractor = Callable[[str, "Example | None", "AnswerFormat | None"], "str | None"]
# What an extraction says about a sample: an answer (ok), none (missing), or why it was not read.
ExtractStatus = Literal["ok", "missing", "too-long", "error", "timeout", "unfinished-reasoning"]

EXTRACTORS: dict[str, Extractor] = {}
BATCH_EXTRACTORS = ("llm",)  # run by the scoring stage through an auxiliary model
# Outputs longer than this are not read: 4 Mi characters is far past any real completion
# (32k tokens is ~130 K characters) and keeps one item's work and pipe traffic bounded.
MAX_TEXT_CHARS = 4 << 20
# Extraction statuses that carry over to the grades (the sample's answer was not read).
FAILED: tuple[ExtractStatus, ...] = ("timeout", "error", "too-long", "unfinished-reasoning")


def register_extractor(name: str, fn: Extractor) -> None:
    """Add (or replace) a per-text extractor. It runs in grader worker processes, which import
    it by its module and name: define it at the top level of an importable module."""
    EXTRACTORS[name] = fn


for _name, _fn in (("strict", strict.extract), ("flexible", flexible.extract),
                   ("boxed", boxed.extract), ("json", jsonfield.extract),
                   ("medcalc-official", medcalc_field.extract)):
    register_extractor(_name, _fn)


def known_extractors() -> list[str]:
    return sorted([*EXTRACTORS, *BATCH_EXTRACTORS])


def is_batch(name: str) -> bool:
    return name in BATCH_EXTRACTORS


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
    if name in EXTRACTORS or name in BATCH_EXTRACTORS:
        return
    fn = _plugin(name)
    if fn is not None:
        try:  # checked before a run: a wrong signature would make every extraction an error
            inspect.signature(fn).bind("", None, None)
        except (TypeError, ValueError):
            raise UserError(f"extractor '{name}' must take (text, example, answer_format)",
                            field="extractors") from None
        return
    raise UserError(f"unknown extractor '{name}' (known: {', '.join(known_extractors())}; "
                    "or a plug-in as module:function)", field="extractors")


def worker_ref(name: str) -> str:
    """How a worker process finds this extractor: built-ins by name, registered ones by
    "module:function" (a fresh interpreter has not seen the registration)."""
    fn = EXTRACTORS.get(name)
    if fn is None or _BUILTIN.get(name) is fn:
        return name
    return f"{fn.__module__}:{fn.__qualname__}"


_BUILTIN = dict(EXTRACTORS)  # registered at import: every process has them


def get_extractor(name: str) -> Extractor:
    check_extractor(name)
    if name in BATCH_EXTRACTORS:
        raise UserError(f"extractor '{name}' runs in batches through an auxiliary model; "
                        "use tunegap.scoring.score_store")
    return EXTRACTORS.get(name) or _plugin(name)  # type: ignore[return-value]


def safe_extract(name: str, text: str, example: Example | None,
                 answer_format: AnswerFormat | None = None) -> tuple[str | None, ExtractStatus]:
    """(answer, status) for one text; never raises."""
    if len(text) > MAX_TEXT_CHARS:
        return None, "too-long"
    try:
        answer = get_extractor(name)(text, example, answer_format)
    except Exception:  # noqa: BLE001  (RecursionError, MemoryError...: this item, not the run)
        return None, "error"
    if answer is not None and not isinstance(answer, str):
        return None, "error"
    return (answer, "ok") if answer is not None else (None, "missing")
