"""Prompt settings for math word problems: zero-shot CoT and few-shot CoT.

Both sides of a pair see the same words. A base model gets them as plain completion text
("Question: ... Answer:"); an instruct model gets them as chat turns through its own template.
The answer format asked for ("The answer is N.", or the JSON object's "answer" field) is what
the `strict` extractor reads; `render` returns it with the prompt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tunegap.prompts.layout import chat_prompt, text_prompt
from tunegap.types import AnswerFormat, Example, Prompt, RenderedPrompt

INSTRUCTION = (
    "Reason through the problem one step at a time, then state the result on a final line "
    'that reads "The answer is N." with N a number.'
)
COT_TRIGGER = "Let's think step by step."
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


def render(example: Example, exemplars: Sequence[Example], *, chat: bool, setting: str,
           json_answer: bool | None) -> RenderedPrompt:
    """zero-shot when `exemplars` is empty, few-shot otherwise; plain answers unless
    `json_answer`. Every setting of this family reasons, so `setting` changes nothing here."""
    if json_answer:
        return RenderedPrompt(_render_json(example, exemplars, chat=chat), AnswerFormat("json"))
    if example.meta.get("prompt_format"):  # a prompt-format variant (perturb/kinds.py)
        # Every variant still asks for "The answer is N." (perturb/kinds.py FORMATS).
        prompt = _render_variant(example, exemplars, chat=chat, fmt=example.meta["prompt_format"])
    else:
        prompt = _render_plain(example, exemplars, chat=chat)
    return RenderedPrompt(prompt, AnswerFormat("answer_is"))


def _render_plain(example: Example, exemplars: Sequence[Example], *, chat: bool) -> Prompt:
    if chat:
        # Zero-shot CoT = the trigger appended to the question, as in the paper's protocol.
        return chat_prompt([(_user_turn(ex), _worked(ex)) for ex in exemplars],
                           f"{_user_turn(example)} {COT_TRIGGER}")
    return text_prompt(INSTRUCTION,
                       [f"Question: {ex.question}\nAnswer: {_worked(ex)}" for ex in exemplars],
                       f"Question: {example.question}\nAnswer: {COT_TRIGGER}", TEXT_STOPS)


def _render_json(example: Example, exemplars: Sequence[Example], *, chat: bool) -> Prompt:
    """The paper's instruct-side format: the instruction as a system turn, JSON replies."""
    if chat:
        return chat_prompt([(ex.question, _worked_json(ex)) for ex in exemplars],
                           f"{example.question} {COT_TRIGGER}", system=JSON_INSTRUCTION)
    return text_prompt(JSON_INSTRUCTION,
                       [f"Question: {ex.question}\nAnswer: {_worked_json(ex)}" for ex in exemplars],
                       f"Question: {example.question} {COT_TRIGGER}\nAnswer:", TEXT_STOPS)


def _render_variant(example: Example, exemplars: Sequence[Example], *, chat: bool,
                    fmt: dict) -> Prompt:
    """The CoT prompt with one format element changed: question/answer markers, the separator
    between blocks (text) or between question and instruction (chat), or the instruction's
    wording. Every other word is the one `render` uses."""
    q_mark, a_mark = fmt.get("markers") or ("Question:", "Answer:")
    instruction = fmt.get("instruction", INSTRUCTION)
    sep = fmt.get("separator")
    if chat:
        marked = "markers" in fmt

        def user(ex: Example) -> str:
            question = f"{q_mark} {ex.question}" if marked else ex.question
            return f"{question}{sep or chr(10) * 2}{instruction}"

        def reply(ex: Example) -> str:
            return f"{a_mark} {_worked(ex)}" if marked else _worked(ex)
        return chat_prompt([(user(ex), reply(ex)) for ex in exemplars],
                           f"{user(example)} {COT_TRIGGER}")
    shots = [f"{q_mark} {ex.question}\n{a_mark} {_worked(ex)}" for ex in exemplars]
    open_block = f"{q_mark} {example.question}\n{a_mark} {COT_TRIGGER}"
    stops = (f"\n{q_mark}", "\n\n\n")
    if sep is None:
        return text_prompt(instruction, shots, open_block, stops)
    return Prompt(text=sep.join([instruction, *shots, open_block]), stop=stops)
