"""MedCalc-Bench's three settings: direct answer, zero-shot CoT, one-shot CoT.

Every setting asks for a JSON object (ANSWER_FORMAT "json": the `strict` extractor reads its
"answer" field); the CoT settings ask for {"step_by_step_thinking", "answer"}, direct for
{"answer"} alone, with no reasoning. The one-shot exemplar is the official worked example of the
item's calculator (data/medcalc.py). The wording is tunegap's own.
An instruct model gets the instruction as a system turn; a base model gets it as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from tunegap.prompts.layout import chat_prompt, text_prompt, worked_json
from tunegap.types import Example, Prompt

ANSWER_FORMAT = "json"
TEXT_STOPS = ("\nPatient note:", "\n\n\n\n")

_ROLE = ("You help clinicians by computing medical scores and values from a patient note. "
         "Use only what the note says.")
_FORMATS = {
    "direct": (
        f"{_ROLE} Give the answer straight away, with no explanation and no working: reply with "
        'only a JSON object of the form {"answer": "<the value>"}.'
    ),
    "cot": (
        f"{_ROLE} Work through the calculation one step at a time before answering. Reply with "
        'only a JSON object of the form {"step_by_step_thinking": "<your reasoning>", '
        '"answer": "<the value>"}.'
    ),
}
_UNITS = ("Put only the value in \"answer\": a number (no units), a date as MM/DD/YYYY, or a "
          "gestational age as a (weeks, days) pair.")


def _task(ex: Example) -> str:
    return f"Patient note:\n{(ex.context or '').strip()}\n\nTask: {ex.question.strip()}"


def render(example: Example, exemplars: Sequence[Example], *, chat: bool,
           json_answer: bool = True, setting: str = "zeroshot_cot") -> Prompt:
    """`setting` is direct, zeroshot_cot or oneshot_cot; answers are JSON in every setting."""
    direct = setting == "direct"
    instruction = f"{_FORMATS['direct' if direct else 'cot']} {_UNITS}"
    shots = () if direct else exemplars
    if chat:
        return chat_prompt([(_task(ex), worked_json(ex)) for ex in shots],
                           _task(example), system=instruction)
    return text_prompt(instruction,
                       [f"{_task(ex)}\nAnswer: {worked_json(ex)}" for ex in shots],
                       f"{_task(example)}\nAnswer:", TEXT_STOPS)
