"""Prompt settings: turn an Example into a Prompt for a base (text) or instruct (chat) model,
with the answer format the prompt asks for (`RenderedPrompt`).

A prompt family is a module with one function of one signature (`PromptFamily`); a benchmark
names its family (`Benchmark.prompt_family`). Adding a family: one module, plus one
`register_prompt_family` call (here for a built-in, by import path); a benchmark may also name a
plug-in family as `package:module`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any, Protocol

from tunegap.config import SettingSpec
from tunegap.errors import UserError
from tunegap.registry import Registry
from tunegap.setting_kinds import SETTING_KINDS
from tunegap.types import Example, Message, Prompt, RenderedPrompt


class PromptFamily(Protocol):
    """`render` words one item: zero-shot when `exemplars` is empty; `setting` is a name in
    setting_kinds.SETTING_KINDS; `json_answer` asks for a JSON object (True), a plain answer
    (False), or the family's own default (None)."""

    def render(self, example: Example, exemplars: Sequence[Example], *, chat: bool, setting: str,
               json_answer: bool | None) -> RenderedPrompt: ...


def _check_family(name: str, obj: Any) -> None:
    if not callable(getattr(obj, "render", None)):
        raise UserError(f"prompt family '{name}' must have render(example, exemplars, *, chat, "
                        "setting, json_answer)", field="prompt_family")


FAMILIES: Registry[PromptFamily] = Registry("prompt family", field="prompt_family",
                                            check=_check_family)


def register_prompt_family(name: str, family: PromptFamily | ModuleType | str) -> None:
    """Add (or replace) a prompt family: its module (or object with `render`), or the import
    path of one ("package:module")."""
    FAMILIES.register(name, family)


for _name in ("math_cot", "latex_cot", "medcalc"):
    register_prompt_family(_name, f"tunegap.prompts.{_name}:")
FAMILIES.freeze_builtins()


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
) -> RenderedPrompt:
    kind = SETTING_KINDS.get(setting.name)
    if kind is None:
        raise UserError(f"unknown setting '{setting.name}' (known: {', '.join(SETTING_KINDS)})")
    chat = setting.chat if setting.chat is not None else model_kind == "instruct"
    shots = exemplars if kind.shows_exemplars else ()
    # json_answer names the sides asked for JSON; the others get the family's plain answer
    # format. Unset, each family keeps its own default (MedCalc-Bench's official prompts ask
    # every model for JSON; the math families ask for "The answer is N." or a box).
    json_answer = (model_kind in setting.json_answer) if setting.json_answer else None
    out = FAMILIES[family].render(example, shots, chat=chat, setting=setting.name,
                                  json_answer=json_answer)
    return replace(out, prompt=shape_chat(out.prompt, setting)) if out.prompt.is_chat else out


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
