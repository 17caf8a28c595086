"""tunegap's own GSM-style word problems: templates written for this project, answers computed.

The templates live in library/steps_1-3.tpl, steps_4.tpl and steps_5-6.tpl (package data), written
in the template language of lang.py. A draw picks values, keeps only draws whose conditions hold and
whose answer is a whole number, and renders the question, a worked solution and the exact answer.
Steps run from one to six, so difficulty is a dial; a template knows its variables, so a variant
(new numbers, an added step, a distractor) keeps a verifiably right answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

from tunegap.templates.lang import Template, load_all

LIBRARY = ("steps_1-3.tpl", "steps_4.tpl", "steps_5-6.tpl")  # templates/library/, package data


@dataclass(frozen=True)
class Problem:
    template: str
    steps: int
    question: str
    solution: str  # worked steps, without the final "The answer is" line
    answer: int
    values: dict[str, Any] = field(default_factory=dict, compare=False)


@lru_cache(maxsize=1)
def _templates() -> tuple[Template, ...]:
    folder = files("tunegap.templates") / "library"
    found = load_all([(f"templates/library/{name}", (folder / name).read_text(encoding="utf-8"))
                      for name in LIBRARY])
    return tuple(sorted(found, key=lambda t: (t.steps, t.id)))


TEMPLATES: list[Template] = list(_templates())
BY_ID: dict[str, Template] = {t.id: t for t in TEMPLATES}


def instantiate(tpl: Template, values: dict[str, Any]) -> Problem:
    question, solution = tpl.render(values)
    return Problem(tpl.id, tpl.steps, question, solution, int(tpl.value(values)), dict(values))


def draw(tpl: Template, rng: random.Random) -> Problem:
    values = tpl.sample(rng)
    if values is None:
        raise RuntimeError(f"template {tpl.id} rejected every draw")
    return instantiate(tpl, values)


def _round_robin(n: int) -> list[Template]:
    """Step levels in turn (1, 2, ..., 6, 1, ...), each level's templates in turn, so any prefix
    spreads over every difficulty."""
    levels = sorted({t.steps for t in TEMPLATES})
    by_level = {s: [t for t in TEMPLATES if t.steps == s] for s in levels}
    return [by_level[levels[i % len(levels)]][(i // len(levels)) % len(by_level[levels[i % len(levels)]])]
            for i in range(n)]


def generate(n: int, seed: int) -> list[Problem]:
    """n problems over templates of one step to six, deterministic in seed."""
    rng = random.Random(seed)
    return [draw(tpl, rng) for tpl in _round_robin(n)]
