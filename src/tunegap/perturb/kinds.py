"""Perturbation kinds: each a pure function of (problem, seed) that returns a verified variant.

`make_variant(example, kind, seed, n)` gives the n-th variant of `example` under `kind`, or None
when the kind does not apply (numeric resampling of a text-only problem, thousands separators
in a problem without a number >= 1000) or a check fails: an item that fails a check is never
emitted. A variant keeps its seed problem's id as its cluster (`meta.seed_id`), names its kind
(`meta.perturbation`) and carries a verification record (`meta.verification`): template id,
seed, variable values, and the checks it passed. Kinds that change the prompt rather than the
question record it in `meta.prompt_format` (read by prompts/math_cot.py) or `meta.exemplars`
(read by plan.py).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

from tunegap.perturb import PERTURBATION_KINDS
from tunegap.perturb.surface import (
    digits_words,
    names_in,
    numbers_in,
    sentences,
    split_last_sentence,
    swap_names,
    thousands,
)
from tunegap.templates.expr import ExprError, evaluate
from tunegap.templates.pools import DISTRACTORS, TEXT_NAMES
from tunegap.templates.template_ref import from_jsonable, jsonable, resolve
from tunegap.types import Example


class Skip(Exception):
    """The kind does not apply to this problem, or a check failed: emit nothing."""


class Ctx:
    """What a kind sees: the problem, its template (if any), an rng seeded from (seed, id, kind, n)."""

    def __init__(self, example: Example, kind: str, seed: int, n: int, data_dir: Path | None):
        self.example, self.kind, self.seed, self.n = example, kind, seed, n
        digest = hashlib.sha256(f"{seed}|{example.id}|{kind}|{n}".encode()).hexdigest()
        self.rng = random.Random(int(digest[:16], 16))
        self.template = resolve(example.meta.get("template"), data_dir)
        self.values = from_jsonable(example.meta.get("values") or {}) if self.template else {}
        self.checks: dict[str, Any] = {}

    def need_template(self) -> Any:
        if self.template is None or not self.values:
            raise Skip("not template-backed")
        return self.template

    def round_trip(self) -> None:
        """The template at the item's own values renders the item: the template is the right one."""
        tpl = self.need_template()
        try:
            question, _ = tpl.render(self.values)
            value = tpl.value(self.values)
        except ExprError as exc:
            raise Skip(f"round trip: {exc}") from None
        if question.strip() != self.example.question.strip() or Fraction(self.example.target) != value:
            raise Skip("round trip: the template does not render this item at its values")
        self.checks["round_trip"] = True


Result = dict[str, Any]  # question, target, solution, plus meta additions
# Each kind below is registered by name in perturb/__init__.py (PERTURBATION_KINDS).


def _instantiate(ctx: Ctx, values: dict[str, Any], **extra: Any) -> Result:
    tpl = ctx.template
    failed = tpl.failed_conditions(values)
    if failed:
        raise Skip(f"conditions: {failed}")
    question, solution = tpl.render(values)
    if "{" in question or "}" in question:
        raise Skip("a slot is left unfilled")
    value = tpl.value(values)
    if value.denominator != 1:
        raise Skip("answer is not a whole number")
    ctx.checks.update({"formula": str(value), "conditions": True, "slots_filled": True})
    return {"question": question, "target": str(int(value)), "solution": solution or None,
            "values": jsonable(values), **extra}


# ---------------------------------------------------------------- template-backed


def _resample(ctx: Ctx, near: bool) -> Result:
    tpl = ctx.need_template()
    ctx.round_trip()
    numeric = {k for k, v in ctx.values.items() if isinstance(v, (int, Fraction)) and not isinstance(v, bool)}
    fixed = {k: v for k, v in ctx.values.items() if k not in numeric}
    for _ in range(20):
        values = tpl.sample(ctx.rng, fixed, near=ctx.values if near else None, tries=500)
        if values is None:
            raise Skip("no draw passes the conditions")
        if any(values[k] != ctx.values[k] for k in numeric):
            return _instantiate(ctx, values, params={"changed": sorted(k for k in numeric
                                                                        if values[k] != ctx.values[k])})
    raise Skip("every draw repeats the original values")


def numeric(ctx: Ctx) -> Result:
    """New values for every number, from the template's ranges, conditions re-checked."""
    return _resample(ctx, near=False)


def numeric_control(ctx: Ctx) -> Result:
    """New values of the same magnitude (digit count) as the original's: the control that
    separates 'new numbers' from 'bigger numbers'."""
    return _resample(ctx, near=True)


def names(ctx: Ctx) -> Result:
    """People's names and objects swapped; numbers and answer unchanged."""
    if ctx.template is not None and ctx.values:
        ctx.round_trip()
        tpl = ctx.template
        numeric = {k for k, v in ctx.values.items() if isinstance(v, (int, Fraction))}
        fixed = {k: v for k, v in ctx.values.items() if k in numeric}
        for _ in range(20):
            values = tpl.sample(ctx.rng, fixed, tries=200)
            if values and any(values[k] != ctx.values[k] for k in values if k not in numeric):
                out = _instantiate(ctx, values)
                if out["target"] != ctx.example.target:
                    raise Skip("a name swap changed the answer")
                ctx.checks["answer_unchanged"] = True
                return out
        raise Skip("no other names or objects")
    found = names_in(ctx.example.question, TEXT_NAMES)
    question, mapping = swap_names(ctx.example.question, found, list(TEXT_NAMES), ctx.rng.choice)
    if not mapping:
        raise Skip("no known names in the text")
    _same_numbers(ctx, question)
    return {"question": question, "target": ctx.example.target, "params": {"mapping": mapping},
            "solution": _swap_in(ctx.example.solution, mapping)}


def _swap_in(text: str | None, mapping: dict[str, str]) -> str | None:
    if not text:
        return text
    import re

    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(1)], text)


_OPS = (("add", "add {k} to it", "+"), ("subtract", "subtract {k} from it", "-"),
        ("multiply", "multiply it by {k}", "*"), ("divide", "divide it by {k}", "/"))


def extra_step(ctx: Ctx) -> Result:
    """One more operation on the answer; the new answer is recomputed from the extended formula."""
    tpl = ctx.need_template()
    ctx.round_trip()
    old = tpl.value(ctx.values)
    for _ in range(40):
        name, phrase, op = ctx.rng.choice(_OPS)
        k = ctx.rng.randint(2, 9)
        formula = f"({tpl.answer}) {op} {k}"
        new = evaluate(formula, tpl.env(ctx.values) if hasattr(tpl, "env") else ctx.values)
        if new.denominator != 1 or new <= 0 or new == old:
            continue
        if new != {"+": old + k, "-": old - k, "*": old * k, "/": old / k}[op]:
            raise Skip("extended formula disagrees with the operation")  # cannot happen
        ctx.checks.update({"formula": str(new), "extends": f"{old} {op} {k}", "conditions": True})
        question = f"{ctx.example.question} Take the answer to that question and {phrase.format(k=k)}. " \
                   "What number do you get?"
        solution = f"{ctx.example.solution or ''} Then {old} {op.replace('*', 'x')} {k} = {new}.".strip()
        steps = int(ctx.example.meta.get("steps") or getattr(tpl, "steps", 0)) + 1
        return {"question": question, "target": str(int(new)), "solution": solution,
                "params": {"op": name, "k": k, "formula": formula}, "steps": steps,
                "values": jsonable(ctx.values)}
    raise Skip("no whole-number extra step")


# ---------------------------------------------------------------- any problem


def _same_numbers(ctx: Ctx, question: str) -> None:
    if numbers_in(question) != numbers_in(ctx.example.question):
        raise Skip("the numbers of the problem changed")
    ctx.checks["numbers_preserved"] = True


def surface_digits_words(ctx: Ctx) -> Result:
    """Numbers under 100 in digits written as words, number words as digits."""
    question, changes = digits_words(ctx.example.question)
    if not changes:
        raise Skip("no number to rewrite")
    _same_numbers(ctx, question)
    return {"question": question, "target": ctx.example.target, "params": {"rewritten": changes}}


def surface_thousands(ctx: Ctx) -> Result:
    """Thousands separators added (1234 -> 1,234) or removed (1,234 -> 1234)."""
    question, changes = thousands(ctx.example.question)
    if not changes:
        raise Skip("no number of four digits or more")
    _same_numbers(ctx, question)
    return {"question": question, "target": ctx.example.target, "params": {"rewritten": changes}}


def distractor(ctx: Ctx) -> Result:
    """An irrelevant sentence before the question; its number is fresh (none of the problem's
    numbers, intermediates or answer) and enters no formula."""
    ex = ctx.example
    seen = set(numbers_in(ex.question)) | set(numbers_in(ex.solution or "")) | {Fraction(ex.target)}
    if ctx.template is not None and ctx.values:
        ctx.round_trip()
        seen |= ctx.template.intermediates(ctx.values)
    lowered = ex.question.lower()
    topics = [(t, s) for t, s in DISTRACTORS if t not in lowered]
    people = [n for n in TEXT_NAMES if n not in ex.question]
    top = int(max([abs(x) for x in seen] + [Fraction(20)]))
    fresh = [n for n in range(2, min(2 * top + 2, 100)) if Fraction(n) not in seen]
    if len(fresh) < 5:  # small numbers all taken: go up to twice the problem's largest
        fresh = [n for n in range(2, 2 * top + 2) if Fraction(n) not in seen]
    if not topics or not fresh:
        raise Skip("no fresh number or topic")
    topic, sentence = ctx.rng.choice(topics)
    number = ctx.rng.choice(fresh)
    text = sentence.format(who=ctx.rng.choice(people), n=number)
    body, ask = split_last_sentence(ex.question)
    question = f"{body} {text} {ask}".strip()
    if ctx.template is not None and ctx.values and ctx.template.value(ctx.values) != Fraction(ex.target):
        raise Skip("answer changed")
    ctx.checks.update({"fresh_number": True, "answer_unchanged": True, "shares_no_variable": True})
    return {"question": question, "target": ex.target, "solution": ex.solution,
            "params": {"sentence": text, "number": number, "topic": topic}}


# ---------------------------------------------------------------- the prompt, not the question

FORMATS = {
    "format_markers": ("markers", (["Q:", "A:"], ["Problem:", "Solution:"], ["Input:", "Output:"])),
    "format_separator": ("separator", ("\n###\n", "\n---\n", "\n* * *\n")),
    "format_instruction": ("instruction", (
        'Solve the problem step by step. Finish with a line of the form "The answer is N." where N '
        "is the final number.",
        'Think it through carefully, then end your reply with "The answer is N." (N a number).',
        'Show your working. Your last line must read "The answer is N." with N the result.')),
}


def _format_kind(name: str) -> Callable[[Ctx], Result]:
    key, options = FORMATS[name]

    def fn(ctx: Ctx) -> Result:
        choice = options[ctx.n % len(options)]  # variant n takes option n: distinct variants
        ctx.checks["question_unchanged"] = True
        return {"question": ctx.example.question, "target": ctx.example.target,
                "solution": ctx.example.solution, "prompt_format": {key: choice},
                "params": {key: choice}}
    fn.__doc__ = f"Prompt-format variant: {key}."
    return fn


format_markers = _format_kind("format_markers")
format_separator = _format_kind("format_separator")
format_instruction = _format_kind("format_instruction")


def format_whitespace(ctx: Ctx) -> Result:
    """Each sentence of the question on its own line; same words, same tokens between them."""
    parts = sentences(ctx.example.question)
    if len(parts) < 2:
        raise Skip("one sentence")
    question = "\n".join(parts)
    if question.split() != ctx.example.question.split():
        raise Skip("words changed")
    ctx.checks["same_words"] = True
    return {"question": question, "target": ctx.example.target, "solution": ctx.example.solution,
            "params": {"layout": "one sentence per line"}}


def exemplar_order(ctx: Ctx) -> Result:
    """Few-shot settings: the same exemplars in another order (zero-shot prompts are unchanged)."""
    s = ctx.rng.randrange(1, 2**31)
    ctx.checks["question_unchanged"] = True
    return {"question": ctx.example.question, "target": ctx.example.target,
            "solution": ctx.example.solution, "exemplars": {"order_seed": s}, "params": {"order_seed": s}}


def exemplar_set(ctx: Ctx) -> Result:
    """Few-shot settings: another draw of exemplars from the same pool."""
    s = ctx.rng.randrange(1, 2**31)
    ctx.checks["question_unchanged"] = True
    return {"question": ctx.example.question, "target": ctx.example.target,
            "solution": ctx.example.solution, "exemplars": {"set_seed": s}, "params": {"set_seed": s}}


# ---------------------------------------------------------------- the entry point


def make_variant(example: Example, kind_name: str, seed: int, n: int = 0,
                 data_dir: Path | None = None) -> Example | None:
    """The n-th `kind_name` variant of `example`, verified; None if not applicable or unverified."""
    ctx = Ctx(example, kind_name, seed, n, data_dir)
    try:
        out = PERTURBATION_KINDS.get(kind_name)(ctx)
    except (Skip, ExprError):
        return None
    base_meta = {k: v for k, v in example.meta.items()
                 if k not in ("values", "verification", "prompt_format", "exemplars")}
    verification = {"template": example.meta.get("template"), "seed": seed, "variant": n,
                    "values": out.get("values", example.meta.get("values")),
                    "checks": dict(ctx.checks)}
    meta = {**base_meta, "seed_id": example.id, "perturbation": kind_name,
            "params": out.get("params", {}), "verification": verification}
    if out.get("values") is not None:
        meta["values"] = out["values"]
    for key in ("steps", "prompt_format", "exemplars"):
        if key in out:
            meta[key] = out[key]
    return Example(benchmark=example.benchmark, id=f"{example.id}~{kind_name}-{n}",
                   question=out["question"], target=out["target"], answer_type=example.answer_type,
                   context=example.context, meta=meta, solution=out.get("solution", example.solution))
