"""Prompt settings for math word problems: zero-shot CoT and few-shot CoT.

Both sides of a pair see the same words. A base model gets them as plain completion text
("Question: ... Answer:"); an instruct model gets them as chat turns through its own template.
The answer format asked for ("The answer is N.") is what the `strict` extractor reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tunegap.types import Example, Message, Prompt

INSTRUCTION = (
    "Reason through the problem one step at a time, then state the result on a final line "
    'that reads "The answer is N." with N a number.'
)
COT_TRIGGER = "Let's think step by step."
# What the `strict` extractor reads for this family (see extract/strict.py).
ANSWER_FORMAT = "answer_is"
# A base model continues the pattern; stop before it writes the next question.
TEXT_STOPS = ("\nQuestion:", "\n\n\n")


JSON_INSTRUCTION = (
    "Work the problem out, then reply with only a JSON object with two keys: "
    '"step_by_step_thinking" (your reasoning, as a string) and "answer" (the final number).'
)


def _worked(ex: Example) -> str:
    solution = (ex.solution or "").strip()
    return f"{COT_TRIGGER} {solution}\nThe answer is {ex.target}."


def _worked_json(ex: Example) -> str:
    return json.dumps({"step_by_step_thinking": (ex.solution or "").strip(), "answer": ex.target})


def _user_turn(ex: Example, instruction: str = INSTRUCTION) -> str:
    return f"{ex.question}\n\n{instruction}"


def render(example: Example, exemplars: Sequence[Example], *, chat: bool,
           json_answer: bool = False) -> Prompt:
    """zero-shot when `exemplars` is empty, few-shot otherwise."""
    if json_answer:
        return _render_json(example, exemplars, chat=chat)
    if chat:
        messages: list[Message] = []
        for ex in exemplars:
            messages.append(Message("user", _user_turn(ex)))
            messages.append(Message("assistant", _worked(ex)))
        # Zero-shot CoT = the trigger appended to the question, as in the paper's protocol.
        messages.append(Message("user", f"{_user_turn(example)} {COT_TRIGGER}"))
        return Prompt(messages=tuple(messages))
    blocks = [f"{INSTRUCTION}\n"]
    for ex in exemplars:
        blocks.append(f"Question: {ex.question}\nAnswer: {_worked(ex)}\n")
    blocks.append(f"Question: {example.question}\nAnswer: {COT_TRIGGER}")
    return Prompt(text="\n".join(blocks), stop=TEXT_STOPS)


def _render_json(example: Example, exemplars: Sequence[Example], *, chat: bool) -> Prompt:
    """The paper's instruct-side format: the instruction as a system turn, JSON replies."""
    if chat:
        messages = [Message("system", JSON_INSTRUCTION)]
        for ex in exemplars:
            messages += [Message("user", ex.question), Message("assistant", _worked_json(ex))]
        messages.append(Message("user", f"{example.question} {COT_TRIGGER}"))
        return Prompt(messages=tuple(messages))
    blocks = [f"{JSON_INSTRUCTION}\n"]
    for ex in exemplars:
        blocks.append(f"Question: {ex.question}\nAnswer: {_worked_json(ex)}\n")
    blocks.append(f"Question: {example.question} {COT_TRIGGER}\nAnswer:")
    return Prompt(text="\n".join(blocks), stop=TEXT_STOPS)
