"""Prompt settings for competition math with LaTeX answers (MATH-500, MATH-Perturb).

The model is asked to reason and to put its final answer in \\boxed{...}, which the `strict`
extractor reads (with `json_answer`: the JSON object's "answer" field). Exemplars are worked
MATH solutions, which already end in a box. A base model gets "Problem: ... Solution:" text;
an instruct model gets chat turns.
"""

from __future__ import annotations

from collections.abc import Sequence

from tunegap.prompts.layout import chat_prompt, text_prompt, worked_json
from tunegap.types import AnswerFormat, Example, Prompt, RenderedPrompt

INSTRUCTION = (
    "Solve the problem, showing your reasoning. Write the final answer in simplest form inside "
    "\\boxed{}, for example \\boxed{\\frac{3}{4}}."
)
COT_TRIGGER = "Let's think step by step."
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


def render(example: Example, exemplars: Sequence[Example], *, chat: bool, setting: str,
           json_answer: bool | None) -> RenderedPrompt:
    """zero-shot when `exemplars` is empty, one/few-shot otherwise; a boxed answer unless
    `json_answer`."""
    return RenderedPrompt(_render(example, exemplars, chat=chat, json_answer=bool(json_answer)),
                          AnswerFormat("json" if json_answer else "boxed"))


def _render(example: Example, exemplars: Sequence[Example], *, chat: bool,
            json_answer: bool) -> Prompt:
    instruction = JSON_INSTRUCTION if json_answer else INSTRUCTION
    worked = worked_json if json_answer else _worked
    if chat:
        # JSON: the instruction as a system turn; boxed: repeated in every user turn.
        def user(question: str) -> str:
            return question if json_answer else f"{question}\n\n{instruction}"
        return chat_prompt([(user(ex.question), worked(ex)) for ex in exemplars],
                           f"{user(example.question)} {COT_TRIGGER}",
                           system=instruction if json_answer else None)
    tail = "Solution:" if json_answer else f"Solution: {COT_TRIGGER}"
    return text_prompt(instruction,
                       [f"Problem: {ex.question}\nSolution: {worked(ex)}" for ex in exemplars],
                       f"Problem: {example.question}\n{tail}", TEXT_STOPS)
