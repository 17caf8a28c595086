"""Reasoning models: split an output into its thinking and its answer, so every extractor reads
only the answer (a draft "{"answer": 17}" or "\\boxed{17}" inside the thinking is not an answer).

A model with a `reasoning` block in its spec marks its thinking with delimiters (default
`<think>` … `</think>`). The answer span is what follows the last closing delimiter; thinking
that is opened and never closed leaves no answer (status `unfinished-reasoning`), and so does a
new thinking block opened after the last close. Linear in the text: three `find`s.
"""

from __future__ import annotations

from dataclasses import dataclass

UNFINISHED = "unfinished-reasoning"


@dataclass(frozen=True)
class Split:
    reasoning: str | None  # the thinking, delimiters removed; None when the model did not think
    answer: str | None  # what extractors read; None when the thinking never closed

    @property
    def status(self) -> str:
        return UNFINISHED if self.answer is None else "ok"


def split_reasoning(text: str, start: str = "<think>", end: str = "</think>", *,
                    starts_open: bool = False) -> Split:
    """`starts_open`: the chat template opens the thinking in the prompt (the output then holds
    only its close), so an output without a close never finished thinking."""
    cut = text.rfind(end)
    if cut < 0:
        if starts_open or start in text:
            return Split(reasoning=text.replace(start, "", 1), answer=None)
        return Split(reasoning=None, answer=text)
    thinking, answer = text[:cut], text[cut + len(end):]
    if start in answer:  # thinking re-opened after the last close and never closed
        return Split(reasoning=text, answer=None)
    head = thinking.lstrip()
    if head.startswith(start):
        thinking = head[len(start):]
    return Split(reasoning=thinking, answer=answer)
