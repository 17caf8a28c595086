"""strict: only the answer format the prompt asked for.

The prompt family decides the format when it renders the prompt, and the plan hands it down with
the request (`AnswerFormat`): `answer_is` reads "The answer is N." (first occurrence that closes
the statement); `boxed` reads the last `\\boxed{...}`; `json` reads the `answer` field of the
JSON object the prompt asked for; `bare` reads a reply that is the value alone (one short line).
Without a format (a text read on its own), "The answer is N." is what it looks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tunegap.extract import boxed, jsonfield
from tunegap.extract.numbers import NUMBER, atomic, clean_number, normalize_text
from tunegap.types import AnswerFormat, AnswerStyle, Example

# The number must close the statement ("The answer is 12 apples." counts; "The answer is
# 41 + 37 = 78" does not: that is arithmetic, not the asked-for format). Up to three unit words
# may follow; each word is matched atomically, so a long run of letters cannot be split among
# the three in every possible way (that backtracking took 19 s on 600 letters).
_WORD = atomic(r"[A-Za-z%$]+", "word") + r"[ \t]*"
_ANSWER_IS = re.compile(
    r"[Tt]he\s+(?:final\s+)?answer\s+is" + atomic(r"\s*:?\s*\**\s*\$?\s*", "pre")
    + "(?P<ans>" + atomic(NUMBER, "num") + r")"
    r"(?=\**[ \t]*(?:" + _WORD + r"){0,3}(?:[.!]|$))",
    re.MULTILINE,
)


def answer_is(text: str) -> str | None:
    m = _ANSWER_IS.search(normalize_text(text))
    return clean_number(m.group("ans")) if m else None


BARE_MAX_CHARS = 40  # "the value alone": a date, a (weeks, days) pair, a number with its sign


def bare(text: str) -> str | None:
    """The reply when it is the value alone: one non-empty line, short, a final period dropped."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if len(lines) != 1 or len(lines[0]) > BARE_MAX_CHARS:
        return None
    return lines[0].rstrip(".").strip() or None


FORMATS: dict[AnswerStyle, Callable[[str], str | None]] = {
    "answer_is": answer_is,
    "boxed": lambda text: boxed.extract(text),
    "json": jsonfield.answer_field,
    "bare": bare,
}


def extract(text: str, example: Example | None = None,
            answer_format: AnswerFormat | None = None) -> str | None:
    return FORMATS[(answer_format or AnswerFormat()).style](text)
