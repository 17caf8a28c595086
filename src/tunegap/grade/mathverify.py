"""math-verify: the math-verify library (HuggingFace) as a grader.

Its own timeouts use signal.alarm, which only works on the main thread, so they are switched off
(parsing_timeout=None, timeout_seconds=None) and tunegap's per-item limit (grade/limits.py, a
killable worker process) applies instead. Only the LaTeX extraction config is used: the library's
plain-expression path hands text to sympy's parse_expr, which evaluates Python, and model text is
never executed. Both sides are wrapped in \\boxed{} so the extracted answer is read whole.
"""

from __future__ import annotations

import logging

from tunegap.extract.numbers import bounded
from tunegap.grade.base import MISSING, Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"latex", "number", "integer", "decimal"})
REQUIRES = ("math_verify",)  # the optional library (pip install 'tunegap[grading]')

_CONFIG = None


def _parse(text: str):
    global _CONFIG
    from math_verify import LatexExtractionConfig, parse

    if _CONFIG is None:
        logging.getLogger("math_verify").setLevel(logging.ERROR)  # the "timeout is off" warning
        _CONFIG = [LatexExtractionConfig()]
    return parse("\\boxed{" + text + "}", extraction_config=_CONFIG, parsing_timeout=None)


# Longer answers are not handed to the parser: no real answer is this long, and the parse of a
# megabyte of LaTeX would only run into the time limit.
MAX_ANSWER_CHARS = 20_000


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return MISSING
    if len(answer) > MAX_ANSWER_CHARS:
        return Grade(False, "unparsable")
    from math_verify import verify

    gold = _parse(target)
    if not gold:
        return Grade(None, "error")
    pred = _parse(answer)
    if not pred:
        return Grade(False, "unparsable")
    return Grade(bool(verify(gold, pred, timeout_seconds=None)), canonical=_canonical(pred))


def _canonical(pred: list) -> str | None:
    # The parsed sympy expression, printed: "1/2" for \frac{1}{2}, 0.5 and \dfrac12 alike.
    try:
        return bounded(str(pred[0]), 200)
    except Exception:  # noqa: BLE001  (printing a pathological expression: no canonical form)
        return None
