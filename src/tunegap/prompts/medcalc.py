"""MedCalc-Bench's three settings: direct answer, zero-shot CoT, one-shot CoT.

By default every setting asks for a JSON object, as the official prompts do (the `strict`
extractor reads its "answer" field); the CoT settings ask for
{"step_by_step_thinking", "answer"}, direct for {"answer"} alone, with no reasoning. A side that
a setting's `json_answer` leaves out is asked for a plain answer instead: the value alone
(direct), or its reasoning ending in "The answer is X." (CoT), with a plain exemplar. The
one-shot exemplar is the official worked example of the item's calculator (data/medcalc.py).
The wording is tunegap's own.
An instruct model gets the instruction as a system turn; a base model gets it as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from tunegap.prompts.layout import chat_prompt, text_prompt, worked_json
from tunegap.setting_kinds import setting_kind
from tunegap.types import AnswerFormat, Example, Prompt, RenderedPrompt

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
_PLAIN = {
    "direct": (f"{_ROLE} Give the answer straight away, with no explanation and no working: "
               "reply with the value alone."),
    "cot": (f"{_ROLE} Work through the calculation one step at a time, then state the result on "
            'a final line that reads "The answer is X."'),
}
_PLAIN_UNITS = ("The value is a number (no units), a date as MM/DD/YYYY, or a gestational age "
                "as a (weeks, days) pair.")


def _worked_plain(ex: Example) -> str:
    return f"{(ex.solution or '').strip()}\nThe answer is {ex.target}."


def _task(ex: Example) -> str:
    return f"Patient note:\n{(ex.context or '').strip()}\n\nTask: {ex.question.strip()}"


def render(example: Example, exemplars: Sequence[Example], *, chat: bool, setting: str,
           json_answer: bool | None) -> RenderedPrompt:
    """`setting` is direct, zeroshot_cot or oneshot_cot; `json_answer` False asks for a plain
    answer instead of the JSON object (None: JSON, as the official prompts)."""
    as_json = json_answer is None or json_answer
    kind = setting_kind(setting)
    reasons = kind is None or kind.reasoning
    prompt = _render(example, exemplars, chat=chat, json_answer=as_json, direct=not reasons)
    fmt = "json" if as_json else ("answer_is" if reasons else "bare")
    return RenderedPrompt(prompt, AnswerFormat(fmt))


def _render(example: Example, exemplars: Sequence[Example], *, chat: bool, json_answer: bool,
            direct: bool) -> Prompt:
    style = "direct" if direct else "cot"
    if json_answer:
        instruction, worked = f"{_FORMATS[style]} {_UNITS}", worked_json
    else:
        instruction, worked = f"{_PLAIN[style]} {_PLAIN_UNITS}", _worked_plain
    shots = () if direct else exemplars
    if chat:
        return chat_prompt([(_task(ex), worked(ex)) for ex in shots],
                           _task(example), system=instruction)
    return text_prompt(instruction,
                       [f"{_task(ex)}\nAnswer: {worked(ex)}" for ex in shots],
                       f"{_task(example)}\nAnswer:", TEXT_STOPS)
