"""flexible: the last number (or M/D/YYYY date) anywhere in the output, in the shared number
grammar (extract/numbers.py): "−5" is -5, "5 3/4" one mixed number, "CURB-65" no number."""

from __future__ import annotations

from tunegap.extract.numbers import last_token
from tunegap.types import AnswerFormat, Example


def extract(text: str, example: Example | None = None,
            answer_format: AnswerFormat | None = None) -> str | None:
    tok = last_token(text)
    return tok.text.replace(",", "") if tok else None
