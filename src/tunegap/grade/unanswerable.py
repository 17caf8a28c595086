"""unanswerable: items whose right response is "this cannot be answered" (GSM-Plus critical
thinking rows, answer type "none").

They are scored as their own kind, never as numbers: a response is right when it commits to no
final answer (the extractor found none) or when its answer says the question cannot be answered;
any committed value is wrong. Under the `flexible` extractor (last number) nearly every response
commits to a number, which is exactly what these rows probe.
"""

from __future__ import annotations

import re

from tunegap.extract.numbers import bounded, single_value
from tunegap.grade.base import Grade
from tunegap.types import Example

ANSWER_TYPES = frozenset({"none"})
# A missing answer is this grader's "right", so scoring hands it missing answers too.
JUDGES_MISSING = True

_NO_ANSWER = re.compile(
    r"^\W*(none|null|n/?a|unknown|undetermined|indeterminate|no answer|no solution|"
    r"(it )?(can ?not|can't|could not|couldn't) be (determined|answered|calculated|computed|known)|"
    r"not (enough|sufficient) (information|info|data)|insufficient (information|data)|"
    r"(the )?(question|problem) (is )?(unanswerable|not answerable))\W*$",
    re.IGNORECASE,
)


NO_ANSWER = "no-answer"  # the canonical form of every way of declining to answer


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return Grade(True, canonical=NO_ANSWER)
    stripped = answer.strip()
    if len(stripped) <= 200 and _NO_ANSWER.match(stripped):
        return Grade(True, canonical=NO_ANSWER)
    tok = single_value(answer)
    return Grade(False, canonical=tok.canonical if tok else bounded(stripped.lower()))
