"""strict: only the answer format the prompt asked for.

The format belongs to the benchmark's prompt family (`ANSWER_FORMAT` in prompts/<family>.py):
`answer_is` reads "The answer is N." (first occurrence that closes the statement); `boxed` reads
the last `\\boxed{...}`; `json` reads the `answer` field of the JSON object the prompt asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tunegap.extract import boxed, jsonfield
from tunegap.extract.numbers import NUMBER, atomic, clean_number, normalize_text
from tunegap.types import Example

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


FORMATS: dict[str, Callable[[str], str | None]] = {
    "answer_is": answer_is,
    "boxed": lambda text: boxed.extract(text),
    "json": jsonfield.answer_field,
}


def answer_format(example: Example | None) -> str:
    if example is None:
        return "answer_is"
    from tunegap.data import get_benchmark
    from tunegap.prompts import FAMILIES

    family = FAMILIES[get_benchmark(example.benchmark).prompt_family]
    return getattr(family, "ANSWER_FORMAT", "answer_is")


def extract(text: str, example: Example | None = None) -> str | None:
    return FORMATS[answer_format(example)](text)
