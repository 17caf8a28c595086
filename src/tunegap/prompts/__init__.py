"""Prompt settings: turn an Example into a Prompt for a base (text) or instruct (chat) model."""

from __future__ import annotations

import random
from collections.abc import Sequence

from tunegap.config import SettingSpec
from tunegap.errors import UserError
from tunegap.prompts import math_cot
from tunegap.types import Example, Prompt

SETTINGS = ("zeroshot_cot", "fewshot_cot")
FAMILIES = {"math_cot": math_cot}


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
    shots = exemplars if setting.name == "fewshot_cot" else ()
    if model_kind in setting.json_answer:
        return FAMILIES[family].render(example, shots, chat=chat, json_answer=True)
    return FAMILIES[family].render(example, shots, chat=chat)
