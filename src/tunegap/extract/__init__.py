"""Extractors: model output text → answer string, or None when there is no answer.

Per-text extractors share one signature, `extract(text, example, answer_format) -> str | None`:
`answer_format` is what the prompt asked the reply to end with (the plan hands it down; only
`strict` reads it). An extractor imports nothing from the data, prompts, backends or the store:
what it needs arrives as arguments. `llm` is a batch extractor (an auxiliary model, see
extract/llm.py): the scoring stage gives it a generate function and a cache.

Adding an extractor: one module with an `extract` function, plus one `register_extractor` call
(here for a built-in, by import path). A plug-in may also be named "module:function" in a config.

`safe_extract` is how scoring runs an extractor: inside a grader worker process, under the
per-item time limit (grade/limits.py), it turns every outcome into (answer, status):
"ok", "missing" (no answer), "too-long" (text over MAX_TEXT_CHARS, not read), or "error" (the
extractor raised); the pool adds "timeout". Nothing an extractor does escapes as an exception.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal

from tunegap.errors import UserError
from tunegap.registry import Registry
from tunegap.types import AnswerFormat, Example

Extractor = Callable[[str, "Example | None", "AnswerFormat | None"], "str | None"]
# What an extraction says about a sample: an answer (ok), none (missing), or why it was not read.
ExtractStatus = Literal["ok", "missing", "too-long", "error", "timeout", "unfinished-reasoning"]

BATCH_EXTRACTORS = ("llm",)  # run by the scoring stage through an auxiliary model
# Outputs longer than this are not read: 4 Mi characters is far past any real completion
# (32k tokens is ~130 K characters) and keeps one item's work and pipe traffic bounded.
MAX_TEXT_CHARS = 4 << 20
# Extraction statuses that carry over to the grades (the sample's answer was not read).
FAILED: tuple[ExtractStatus, ...] = ("timeout", "error", "too-long", "unfinished-reasoning")


def _check_signature(name: str, fn: Any) -> None:
    """Checked before a run: a wrong signature would make every extraction an error."""
    try:
        if not callable(fn):
            raise TypeError
        inspect.signature(fn).bind("", None, None)
    except (TypeError, ValueError):
        raise UserError(f"extractor '{name}' must take (text, example, answer_format)",
                        field="extractors") from None


# name → per-text extractor, imported on first use. Worker processes find an entry by
# EXTRACTORS.ref(name): a built-in by its name, one registered at run time by "module:function".
EXTRACTORS: Registry[Extractor] = Registry("extractor", field="extractors", check=_check_signature)


def register_extractor(name: str, fn: Extractor | str) -> None:
    """Add (or replace) a per-text extractor: the function, or its "module:function" path. It
    runs in grader worker processes, which import it by its module and name: define it at the
    top level of an importable module."""
    EXTRACTORS.register(name, fn)


for _name, _ref in (("strict", "strict"), ("flexible", "flexible"), ("boxed", "boxed"),
                    ("json", "jsonfield"), ("medcalc-official", "medcalc_field")):
    register_extractor(_name, f"tunegap.extract.{_ref}:extract")
EXTRACTORS.freeze_builtins()


def known_extractors() -> list[str]:
    return sorted([*EXTRACTORS, *BATCH_EXTRACTORS])


def is_batch(name: str) -> bool:
    return name in BATCH_EXTRACTORS


def check_extractor(name: str) -> None:
    """A known name, or a plug-in "module:function" that loads and takes (text, example,
    answer_format); a UserError otherwise."""
    if name not in BATCH_EXTRACTORS:
        EXTRACTORS.get(name)


def get_extractor(name: str) -> Extractor:
    if name in BATCH_EXTRACTORS:
        raise UserError(f"extractor '{name}' runs in batches through an auxiliary model; "
                        "use tunegap.scoring.score_store")
    return EXTRACTORS.get(name)


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
