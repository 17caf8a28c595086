"""Prompt settings for competition math with LaTeX answers (MATH-500, MATH-Perturb).

The model is asked to reason and to put its final answer in \\boxed{...}, which the `strict`
extractor reads (ANSWER_FORMAT "boxed"). Exemplars are worked MATH solutions, which already end
in a box. A base model gets "Problem: ... Solution:" text; an instruct model gets chat turns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tunegap.types import Example, Message, Prompt

INSTRUCTION = (
    "Solve the problem, showing your reasoning. Write the final answer in simplest form inside "
    "\\boxed{}, for example \\boxed{\\frac{3}{4}}."
)
COT_TRIGGER = "Let's think step by step."
ANSWER_FORMAT = "boxed"
TEXT_STOPS = ("\nProblem:", "\n\n\n\n")

JSON_INSTRUCTION = (
    "Solve the problem, then reply with only a JSON object with two keys: "
    '"step_by_step_thinking" (your reasoning, as a string) and "answer" (the final answer, '
    "in LaTeX, without \\boxed)."
)


def _worked(ex: Example) -> str:
    solution = (ex.solution or "").strip()
    if "\\boxed" not in solution:  # keep the asked-for format visible in every exemplar
        solution = f"{solution}\nThe final answer is \\boxed{{{ex.target}}}."
    return solution


def _worked_json(ex: Example) -> str:
    return json.dumps({"step_by_step_thinking": (ex.solution or "").strip(), "answer": ex.target},
                      ensure_ascii=False)


def render(example: Example, exemplars: Sequence[Example], *, chat: bool,
           json_answer: bool = False, setting: str = "zeroshot_cot") -> Prompt:
    """zero-shot when `exemplars` is empty, one/few-shot otherwise."""
    instruction = JSON_INSTRUCTION if json_answer else INSTRUCTION
    worked = _worked_json if json_answer else _worked
    if chat:
        messages: list[Message] = [Message("system", instruction)] if json_answer else []
        for ex in exemplars:
            user = ex.question if json_answer else f"{ex.question}\n\n{instruction}"
            messages += [Message("user", user), Message("assistant", worked(ex))]
        user = example.question if json_answer else f"{example.question}\n\n{instruction}"
        messages.append(Message("user", f"{user} {COT_TRIGGER}"))
        return Prompt(messages=tuple(messages))
    blocks = [f"{instruction}\n"]
    for ex in exemplars:
        blocks.append(f"Problem: {ex.question}\nSolution: {worked(ex)}\n")
    tail = "Solution:" if json_answer else f"Solution: {COT_TRIGGER}"
    blocks.append(f"Problem: {example.question}\n{tail}")
    return Prompt(text="\n".join(blocks), stop=TEXT_STOPS)
