"""Prompt settings: turn an Example into a Prompt for a base (text) or instruct (chat) model."""

from __future__ import annotations

import inspect
import random
from collections.abc import Sequence
from dataclasses import replace

from tunegap.config import SettingSpec
from tunegap.errors import UserError
from tunegap.prompts import latex_cot, math_cot, medcalc
from tunegap.types import Example, Message, Prompt

# direct: answer with no reasoning (MedCalc); oneshot_cot: a per-item exemplar (MedCalc,
# MATH-Perturb)
SETTINGS = ("zeroshot_cot", "fewshot_cot", "oneshot_cot", "direct")
FAMILIES = {"math_cot": math_cot, "latex_cot": latex_cot, "medcalc": medcalc}
SHOT_SETTINGS = ("fewshot_cot", "oneshot_cot")  # the settings that show exemplars


def pick_exemplars(pool: Sequence[Example], k: int, seed: int) -> list[Example]:
    """k exemplars drawn deterministically from the pool (same for every item and model)."""
    if k > len(pool):
        raise UserError(f"few-shot k={k} but the exemplar pool has only {len(pool)} items")
    return random.Random(seed).sample(list(pool), k)


def build_prompt(
    example: Example,
    setting: SettingSpec,
    *,
    family: str,
    model_kind: str,
    exemplars: Sequence[Example] = (),
) -> Prompt:
    if setting.name not in SETTINGS:
        raise UserError(f"unknown setting '{setting.name}' (known: {', '.join(SETTINGS)})")
    chat = setting.chat if setting.chat is not None else model_kind == "instruct"
    shots = exemplars if setting.name in SHOT_SETTINGS else ()
    module = FAMILIES[family]
    # Families with several answer styles (MedCalc's direct vs CoT) take the setting name.
    takes_setting = "setting" in inspect.signature(module.render).parameters
    extra = {"setting": setting.name} if takes_setting else {}
    # json_answer names the sides asked for JSON; the others get the family's plain answer
    # format. Unset, each family keeps its own default (MedCalc-Bench's official prompts ask
    # every model for JSON; the math families ask for "The answer is N." or a box).
    if setting.json_answer:
        extra["json_answer"] = model_kind in setting.json_answer
    prompt = module.render(example, shots, chat=chat, **extra)
    return shape_chat(prompt, setting) if prompt.is_chat else prompt


def shape_chat(prompt: Prompt, setting: SettingSpec) -> Prompt:
    """The setting's prompt-format axes, applied to any family's chat prompt: the system turn
    folded into the first user turn, the exemplar turns joined into one user turn, the
    thinking switch for the chat template. The defaults change nothing."""
    messages = list(prompt.messages or ())
    if not setting.system_prompt and messages and messages[0].role == "system":
        system, first = messages[0], messages[1]
        messages = [Message("user", f"{system.content}\n\n{first.content}"), *messages[2:]]
    if setting.fewshot_as == "single" and any(m.role == "assistant" for m in messages):
        head = [m for m in messages[:1] if m.role == "system"]
        turns = messages[len(head):]
        blocks = [f"{u.content}\n{a.content}" for u, a in zip(turns[:-1:2], turns[1::2])]
        messages = [*head, Message("user", "\n\n".join([*blocks, turns[-1].content]))]
    kwargs = (() if setting.thinking is None
              else (("enable_thinking", setting.thinking),))
    return replace(prompt, messages=tuple(messages), template_kwargs=kwargs)
