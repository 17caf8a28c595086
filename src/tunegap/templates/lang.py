"""tunegap's template language for GSM-style problems (documented in docs/perturbations.md).

A template is a block of lines, each `KEY: text`:

    == bakery-left (2 steps)
    Q: A bakery makes {a} {food} a day for {d} days and sells {s} of them. How many {food} are left?
    a: int 10..40 = 24
    d: int 2..6 = 3
    s: int 5..100 step 5 = 50
    food: object baked = muffins
    if: s < a * d
    S: It makes {a} x {d} = {a * d} {food}.
    S: {a * d} - {s} = {a * d - s} {food} are left.
    A: a * d - s
    R: A bakery makes 24 muffins a day for 3 days and sells 50 of them. How many muffins are left? #### 22

An indented line continues the line above (joined with one space). `Q` is the question, `S` one
solution line per declared step, `A` the answer formula, `if` a
condition (any number), `R` the reference problem and answer the defaults must render. A
variable line is `NAME: TYPE ... = DEFAULT` with TYPE one of `int LO..HI [step K]`,
`choice A | B | C`, `name`, `object KIND`, `unit KIND`. `{formula}` slots are evaluated exactly
(perturb/expr.py); a slot whose value is not a whole number is an error.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from tunegap.errors import UserError
from tunegap.templates.expr import ExprError, WorkLimitReached, evaluate, names_in, work_limit
from tunegap.templates.pools import NAMES, OBJECTS, UNITS

SLOT = re.compile(r"\{([^{}]+)\}")
_HEADER = re.compile(r"^==\s*([\w.-]+)\s*\((\d+)\s+steps?\)\s*$")
WORD_KINDS = ("name", "object", "unit")  # variables that never enter a formula's value


@dataclass(frozen=True)
class Var:
    name: str
    kind: str  # int | choice | name | object | unit
    domain: tuple[Any, ...] | range
    default: Any
    group: str = ""  # object/unit kind; names and objects of one group are drawn distinct

    @property
    def numeric(self) -> bool:
        return self.kind == "int" or (self.kind == "choice" and isinstance(self.default, int))


@dataclass(frozen=True)
class Template:
    id: str
    steps: int
    question: str
    solution: tuple[str, ...]
    answer: str
    variables: dict[str, Var]
    conditions: tuple[str, ...] = ()
    reference: tuple[str, int] | None = None
    source: str = "tunegap"
    line: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    # ---- values
    def defaults(self) -> dict[str, Any]:
        return {name: v.default for name, v in self.variables.items()}

    def value(self, values: Mapping[str, Any]) -> Fraction:
        return evaluate(self.answer, values)

    def failed_conditions(self, values: Mapping[str, Any]) -> list[str]:
        failed = [c for c in self.conditions if not evaluate(c, values)]
        for group, names in self._groups().items():
            if len({values[n] for n in names}) < len(names):
                failed.append(f"distinct {group}")
        return failed

    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for v in self.variables.values():
            if v.kind in ("name", "object"):
                groups.setdefault(f"{v.kind}:{v.group}", []).append(v.name)
        return groups

    def render(self, values: Mapping[str, Any]) -> tuple[str, str]:
        """(question, solution) at `values`; raises ExprError on an unfillable slot."""
        return fill(self.question, values), " ".join(fill(s, values) for s in self.solution)

    def intermediates(self, values: Mapping[str, Any]) -> set[Fraction]:
        """Every number the question and the worked solution show, and the answer."""
        out = {self.value(values)}
        for text in (self.question, *self.solution):
            for expr in SLOT.findall(text):
                v = evaluate(expr, values)
                if isinstance(v, Fraction):
                    out.add(v)
        return out

    # ---- drawing
    def sample(self, rng: random.Random, fixed: Mapping[str, Any] | None = None, *,
               near: Mapping[str, Any] | None = None, tries: int = 2000) -> dict[str, Any] | None:
        """Values with `fixed` kept and the rest drawn until the conditions hold and the answer is
        a whole number > 0. `near`: draw each int within the magnitude (digit count) of its value
        there. None when no draw in `tries` passes, or the tries use up the template's work
        limit (perturb/expr.py)."""
        fixed = dict(fixed or {})
        with work_limit(f"template '{self.id}'"):  # all the tries together, not each
            for _ in range(tries):
                values = dict(fixed)
                for name, var in self.variables.items():
                    if name in values:
                        continue
                    values[name] = _draw(var, rng, None if near is None else near.get(name))
                try:
                    if self.failed_conditions(values):
                        continue
                    answer = self.value(values)
                    self.render(values)
                except WorkLimitReached:
                    return None
                except ExprError:
                    continue
                if answer.denominator == 1 and answer > 0:
                    return values
        return None


def _draw(var: Var, rng: random.Random, near: Any) -> Any:
    domain = var.domain
    if near is not None and var.numeric:
        digits = len(str(abs(int(near))))
        lo, hi = 10 ** (digits - 1) if digits > 1 else 0, 10 ** digits - 1
        close = [x for x in domain if lo <= x <= hi]
        if close:
            return rng.choice(close)
    return rng.choice(domain)


def fill(text: str, values: Mapping[str, Any]) -> str:
    def one(m: re.Match) -> str:
        v = evaluate(m.group(1), values)
        if isinstance(v, str):
            return v
        if isinstance(v, Fraction) and v.denominator == 1:
            return str(v.numerator)
        raise ExprError(f"slot {{{m.group(1)}}} is {v!r}, not a whole number")
    return SLOT.sub(one, text)


# ---------------------------------------------------------------- parsing


def parse_templates(text: str, *, source: str) -> list[Template]:
    """All templates in `text`; a malformed line is a UserError naming source, line and field."""
    blocks: list[tuple[int, list[tuple[int, str]]]] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and raw[:1] in (" ", "\t") and blocks and len(blocks[-1][1]) > 1:
            row, previous = blocks[-1][1][-1]  # an indented line continues the one above
            blocks[-1][1][-1] = (row, f"{previous} {line}")
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            blocks.append((i, [(i, line)]))
        elif not blocks:
            raise UserError("a template starts with '== id (N steps)'", file=source, row=i)
        else:
            blocks[-1][1].append((i, line))
    templates = [_parse_block(lines, source) for _, lines in blocks]
    seen: set[str] = set()
    for t in templates:
        if t.id in seen:
            raise UserError(f"template id '{t.id}' appears twice", file=source, row=t.line, field="id")
        seen.add(t.id)
    return templates


def _parse_block(lines: list[tuple[int, str]], source: str) -> Template:
    start, header = lines[0]
    m = _HEADER.match(header)
    if not m:
        raise UserError("header must read '== id (N steps)'", file=source, row=start, field="==")
    tid, steps = m.group(1), int(m.group(2))
    parts: dict[str, Any] = {"Q": None, "A": None, "R": None, "S": [], "if": []}
    variables: dict[str, Var] = {}
    for row, line in lines[1:]:
        key, sep, rest = line.partition(":")
        key, rest = key.strip(), rest.strip()
        if not sep or not rest:
            field = key if re.fullmatch(r"\w+", key) else None
            raise UserError("expected 'KEY: text'", file=source, row=row, field=field)
        if key in ("S", "if"):
            parts[key].append((row, rest))
        elif key in ("Q", "A", "R"):
            parts[key] = (row, rest)
        elif re.fullmatch(r"[a-z_]\w*", key):
            variables[key] = _parse_var(key, rest, source, row)
        else:
            raise UserError(f"unknown key '{key}'", file=source, row=row, field=key)
    for key in ("Q", "A"):
        if parts[key] is None:
            raise UserError(f"template '{tid}' has no {key}: line", file=source, row=start, field=key)
    if len(parts["S"]) != steps:
        raise UserError(f"template '{tid}' declares {steps} steps but has {len(parts['S'])} S: lines",
                        file=source, row=start, field="S")
    reference = None
    if parts["R"] is not None:
        row, text = parts["R"]
        q, sep, ans = text.rpartition("####")
        if not sep or not ans.strip().isdigit():
            raise UserError("R: must end with '#### ANSWER'", file=source, row=row, field="R")
        reference = (q.strip(), int(ans))
    tpl = Template(tid, steps, parts["Q"][1], tuple(s for _, s in parts["S"]), parts["A"][1],
                   variables, tuple(c for _, c in parts["if"]), reference, source, start)
    _check_names(tpl, parts, source)
    return tpl


def _check_names(tpl: Template, parts: dict[str, Any], source: str) -> None:
    """Every formula and slot reads only declared variables."""
    checks: list[tuple[int, str, str]] = [(parts["A"][0], "A", tpl.answer)]
    checks += [(row, "if", c) for row, c in parts["if"]]
    checks += [(row, key, e) for key in ("Q", "S")
               for row, text in ([parts["Q"]] if key == "Q" else parts["S"]) for e in SLOT.findall(text)]
    for row, key, expr in checks:
        try:
            unknown = names_in(expr) - set(tpl.variables)
        except ExprError as exc:
            raise UserError(str(exc), file=source, row=row, field=key) from None
        if unknown:
            raise UserError(f"unknown variable '{sorted(unknown)[0]}'", file=source, row=row, field=key)


def _parse_var(name: str, spec: str, source: str, row: int) -> Var:
    body, sep, default_text = spec.rpartition("=")
    if not sep:
        raise UserError("a variable needs a default: 'TYPE ... = DEFAULT'", file=source, row=row, field=name)
    words, default_text = body.split(), default_text.strip()
    kind = words[0] if words else ""
    try:
        if kind == "int":
            m = re.fullmatch(r"int\s+(-?\d+)\s*\.\.\s*(-?\d+)(?:\s+step\s+(\d+))?", body.strip())
            if not m:
                raise ValueError("write 'int LO..HI [step K]'")
            lo, hi, step = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
            domain: tuple[Any, ...] | range = range(lo, hi + 1, step)
            default: Any = int(default_text)
        elif kind == "choice":
            items = [x.strip() for x in body.strip()[len("choice"):].split("|") if x.strip()]
            numeric = all(re.fullmatch(r"-?\d+", x) for x in items)
            domain = tuple(int(x) for x in items) if numeric else tuple(items)
            default = int(default_text) if numeric else default_text
        elif kind == "name":
            domain, default = NAMES, default_text
        elif kind in ("object", "unit"):
            pool = (OBJECTS if kind == "object" else UNITS).get(words[1] if len(words) > 1 else "")
            if pool is None:
                known = ", ".join(sorted(OBJECTS if kind == "object" else UNITS))
                raise ValueError(f"write '{kind} KIND' with KIND one of {known}")
            domain, default = pool, default_text
        else:
            raise ValueError(f"unknown type '{kind}' (int, choice, name, object, unit)")
    except ValueError as exc:
        raise UserError(str(exc), file=source, row=row, field=name) from None
    if default not in domain:
        raise UserError(f"default {default!r} is outside the variable's values", file=source, row=row, field=name)
    return Var(name, kind, domain, default, words[1] if kind in ("object", "unit") else "")


def check_reference(tpl: Template) -> list[str]:
    """What is wrong with a template at its defaults (empty when it renders its reference)."""
    values, problems = tpl.defaults(), []
    try:
        problems += [f"condition fails at defaults: {c}" for c in tpl.failed_conditions(values)]
        question, _ = tpl.render(values)
        answer = tpl.value(values)
    except ExprError as exc:
        return [str(exc)]
    if tpl.reference is None:
        return problems + ["no R: reference line"]
    if question != tpl.reference[0]:
        problems.append(f"renders {question!r}, reference is {tpl.reference[0]!r}")
    if answer != tpl.reference[1]:
        problems.append(f"answer {answer} at defaults, reference says {tpl.reference[1]}")
    return problems


def load_all(sources: Iterable[tuple[str, str]]) -> list[Template]:
    out: list[Template] = []
    for source, text in sources:
        out.extend(parse_templates(text, source=source))
    return out
