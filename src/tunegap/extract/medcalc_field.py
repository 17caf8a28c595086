"""medcalc-official: the answer field as MedCalc-Bench v1.0's own scorer reads it.

The official `extract_answer` (evaluation/run.py at 5523b77; rules restated, code not copied)
takes every non-overlapping match of  [Aa]nswer":<whitespace><shortest text up to "}">  in the
raw output (the text may not cross a line break), keeps the *last*, strips spaces and then
double quotes, and treats the prompt's placeholders ("str(short_and_direct_answer_of_the_question)",
"str(value which is the answer to the question)", "X.XX") as "not found".

Differences from `json`, which reads the first object's `answer` key after repairing it: the
last match wins; no JSON decoding (escapes stay as written, "5," keeps its comma); an answer
whose value contains "}" is cut there; single-quoted keys are not seen. Pair this extractor
with the `medcalc-official` grader to get the published verdict end to end.

Implemented as one pass over key, "}" and newline tokens (the regex itself is quadratic on a
long line of keys without a closing brace).
"""

from __future__ import annotations

import re

from tunegap.types import AnswerFormat, Example

_TOKENS = re.compile(r'[Aa]nswer":\s*|\}|\n')
PLACEHOLDERS = frozenset({"str(short_and_direct_answer_of_the_question)",
                          "str(value which is the answer to the question)", "X.XX"})


def answer_matches(text: str) -> list[str]:
    """The texts the official `findall` returns, in order."""
    found: list[str] = []
    pending: int | None = None  # where the value of an open match starts
    for m in _TOKENS.finditer(text):
        tok = m.group(0)
        if tok == "}":
            if pending is not None:
                found.append(text[pending : m.start()])
                pending = None
        elif tok == "\n":
            pending = None  # the value may not cross a line: that start fails
        elif pending is None or "\n" in tok:
            pending = m.end()  # a new start (an earlier one failed at this line break)
    return found


def extract(text: str, example: Example | None = None,
            answer_format: AnswerFormat | None = None) -> str | None:
    found = answer_matches(text)
    if not found:
        return None
    answer = found[-1].strip().strip('"')
    return None if not answer or answer in PLACEHOLDERS else answer
