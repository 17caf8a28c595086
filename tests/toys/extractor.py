"""A toy extractor: the answer is the number in angle brackets ("ANSWER=<7> checked 1"), which
neither `strict` nor `flexible` reads (flexible takes the last number, 1)."""

from __future__ import annotations

import re

_ANGLE = re.compile(r"<(-?\d+)>")


def extract(text, example, answer_format):
    found = _ANGLE.findall(text)
    return found[-1] if found else None
