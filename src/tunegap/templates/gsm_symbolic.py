"""A reader for GSM-Symbolic's released templates (apple/ml-gsm-symbolic, `templates/*/NNNN.json`).

Each template's `question_annotated` holds the question with `{var,original}` slots, an `#init:`
block (`- $x = range(10, 500, 10)`, `- n = sample(names)`, `- a, b = sample(list, 2)`), a
`#conditions:` block and an `#answer:` formula; `answer_annotated` is the worked solution with
`{formula}` slots. Formulas go through tunegap's safe evaluator (templates/expr.py), never eval.

`verify` checks that the original values (each slot's written default) satisfy the conditions
and reproduce the GSM8K answer; templates that do not are reported with the reason. The data's
licence (CC BY-NC-ND 4.0) forbids shipping derived files: everything is read at run time from
the folder the user passes.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from tunegap.errors import UserError
from tunegap.templates.expr import (
    FUNCTIONS,
    ExprError,
    LimitError,
    WorkLimitReached,
    evaluate,
    work_limit,
)
from tunegap.templates.symbolic_lists import LISTS, Word, numbers_within, read_number

_SLOT = re.compile(r"\{(\w+)\s*,([^{}]*)\}")
_CALC = re.compile(r"<<[^>]*>>")


def _arange(a, b, step=Fraction(1)) -> list[Fraction]:
    out, x = [], Fraction(a)
    while x < b and len(out) < 10_000:
        out.append(x)
        x += Fraction(step)
    return out


def _range(a, b=None, step=Fraction(1)) -> list[Fraction]:
    lo, hi = (Fraction(0), a) if b is None else (a, b)
    return _arange(lo, hi, step)


_INIT_FUNCTIONS = {
    **FUNCTIONS, "range": _range, "np.arange": _arange, "frange": _arange,
    "np.random.randint": lambda a, b, size=None: _range(a, b), "list": lambda x: list(x),
    "shuffle_list": lambda x: list(x), "numbers_within": numbers_within,
    "fix_floats": lambda xs: [Fraction(round(x, 2)) for x in xs],
    "sample": lambda xs, k=None: ("sample", list(xs), None if k is None else int(k)),
    "sample_sequential": lambda xs, k: ("sequential", list(xs), int(k)),
}


def _pairs_to_words(dom: Any) -> Any:
    """("six-sided", 6) items of a sampled list become Words."""
    def one(x: Any) -> Any:
        if isinstance(x, list) and len(x) == 2 and isinstance(x[0], str) and isinstance(x[1], Fraction):
            return Word(x[0], x[1])
        return x
    if isinstance(dom, tuple) and dom and dom[0] in ("sample", "sequential"):
        return (dom[0], [one(x) for x in dom[1]], dom[2])
    if isinstance(dom, list):
        return [one(x) for x in dom]
    return dom


@dataclass
class SymbolicTemplate:
    id: str  # e.g. "symbolic/0000"
    path: str
    question_annotated: str
    body: str
    inits: list[tuple[tuple[str, ...], Any]]  # (names, domain or ("sample", list, k))
    conditions: list[str]
    answer: str
    solution_annotated: str
    gsm8k_answer: Fraction | None
    id_orig: int | None
    originals: dict[str, str]  # each slot's written default, as text
    steps: int

    # ---- the Template interface shared with tunegap's own templates
    def defaults(self) -> dict[str, Any]:
        """The original values: each slot's written text, read against its variable's values.
        Variables the question never shows (an answer variable, a hidden count) take the first
        values of their domains under which the conditions hold."""
        out: dict[str, Any] = {}
        hidden: list[tuple[str, list]] = []
        for names, dom in self.inits:
            for name in names:
                if name in self.originals:
                    out[name] = self._original(name, dom)
                elif self.answer.strip() == name and self.gsm8k_answer is not None:
                    out[name] = self.gsm8k_answer  # "#answer: ans": the original is GSM8K's
                else:
                    # The original may lie outside the sampling range: try small numbers too.
                    extra = [Fraction(i) for i in range(201)] if all(
                        isinstance(c, Fraction) for c in _candidates(dom)) else []
                    hidden.append((name, list(dict.fromkeys(_candidates(dom) + extra))))
        for name in self.originals:
            out.setdefault(name, self._original(name, None))
        if hidden:
            found = self._search(out, hidden)
            out.update(found or {name: None for name, _ in hidden})
        return out

    def _search(self, known: dict[str, Any], hidden: list[tuple[str, list]]) -> dict[str, Any] | None:
        combos = 1
        for _, cands in hidden:
            combos *= max(1, len(cands))
        if combos > 20_000 or not all(c for _, c in hidden):
            return None
        with work_limit(f"template '{self.id}'"):
            for combo in itertools.product(*[c for _, c in hidden]):
                values = {**known, **{name: v for (name, _), v in zip(hidden, combo)}}
                try:
                    if not self.failed_conditions(values):
                        return dict(zip([n for n, _ in hidden], combo))
                except LimitError:
                    raise
                except ExprError:
                    continue
        return None

    def _original(self, name: str, dom: Any) -> Any:
        text = self.originals[name].strip()
        for item in _candidates(dom):
            if isinstance(item, Word) and item.text.lower() == text.lower():
                return item
        number = read_number(text)
        if number is None:
            return text
        return number if re.fullmatch(r"[\d.,/ -]+", text) else Word(text, number)

    def env(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {k: Fraction(v) if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in values.items()}

    def value(self, values: Mapping[str, Any]) -> Fraction:
        v = evaluate(self.answer, self.env(values))
        if not isinstance(v, Fraction):
            raise ExprError(f"answer formula gives {v!r}, not a number")
        return v

    def failed_conditions(self, values: Mapping[str, Any]) -> list[str]:
        env = self.env(values)
        return [c for c in self.conditions if not evaluate(c, env)]

    def render(self, values: Mapping[str, Any]) -> tuple[str, str]:
        """(question, worked solution); the solution is "" when one of its slots uses something
        the evaluator refuses (a few use helpers Apple did not release, e.g. format_frac)."""
        question = _SLOT.sub(lambda m: _text(values.get(m.group(1)), m.group(2)), self.body).strip()
        env = self.env(values)
        try:
            solution = re.sub(r"\{([^{}]+)\}", lambda m: _text(evaluate(m.group(1), env), ""),
                              _CALC.sub("", self.solution_annotated))
        except ExprError:
            return question, ""
        return question, " ".join(solution.split("####")[0].split())

    def intermediates(self, values: Mapping[str, Any]) -> set[Fraction]:
        question, solution = self.render(values)
        found = {Fraction(x.replace(",", "")) for x in re.findall(r"\d[\d,]*(?:\.\d+)?", question + " " + solution)}
        return found | {self.value(values)}

    def sample(self, rng: random.Random, fixed: Mapping[str, Any] | None = None, *,
               near: Mapping[str, Any] | None = None, tries: int = 2000) -> dict[str, Any] | None:
        fixed = dict(fixed or {})
        with work_limit(f"template '{self.id}'"):  # all the tries together, not each
            for _ in range(tries):
                values = dict(fixed)
                for names, dom in self.inits:
                    if all(n in values for n in names):
                        continue
                    drawn = _draw(dom, len(names), rng,
                                  [near.get(n) for n in names] if near else None)
                    values.update(zip(names, drawn))
                try:
                    if self.failed_conditions(values):
                        continue
                    answer = self.value(values)
                    self.render(values)
                except WorkLimitReached:
                    return None
                except (ExprError, TypeError, ValueError):
                    continue
                if answer.denominator == 1 and answer >= 0:
                    return values
        return None

    # ---- the check against GSM8K
    def verify(self) -> list[str]:
        """Why the original values do not reproduce GSM8K (empty when they do)."""
        with work_limit(f"template '{self.id}'"):
            return self._verify()

    def _verify(self) -> list[str]:
        values = self.defaults()
        missing = [n for n, v in values.items() if v is None]
        if missing:
            return [f"no value of '{missing[0]}' (not shown in the question) satisfies the "
                    "conditions at the original values"]
        try:
            failed = self.failed_conditions(values)
            answer = self.value(values)
        except LimitError:
            raise
        except ExprError as exc:
            return [f"formula error at original values: {exc}"]
        problems = [f"condition false at original values: {c}" for c in failed]
        if self.gsm8k_answer is None:
            problems.append("no '#### answer' in the template's GSM8K answer")
        elif answer != self.gsm8k_answer:
            problems.append(f"answer at original values is {_fmt(answer)}, GSM8K says {_fmt(self.gsm8k_answer)}")
        return problems


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def _text(v: Any, original: str) -> str:
    if isinstance(v, Word):
        return v.text
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        places = len(original.split(".")[1]) if "." in original else 2
        return f"{float(v):.{places}f}"
    return "" if v is None else str(v)


def _candidates(dom: Any) -> list:
    if isinstance(dom, tuple) and dom and dom[0] in ("sample", "sequential"):
        return list(dom[1])
    return list(dom) if isinstance(dom, list) else []


def _draw(dom: Any, k: int, rng: random.Random, near: list | None) -> list[Any]:
    if isinstance(dom, tuple) and dom and dom[0] in ("sample", "sequential"):
        _, items, count = dom
        if dom[0] == "sequential":
            start = rng.randrange(0, max(1, len(items) - k + 1))
            return items[start:start + k]
        return rng.sample(items, k) if (count or k) > 1 else [rng.choice(items)]
    if isinstance(dom, list):
        if near and isinstance(near[0], (int, Fraction)) and not isinstance(near[0], bool):
            digits = len(str(abs(int(near[0]))))
            close = [x for x in dom if isinstance(x, Fraction) and len(str(abs(int(x)))) == digits]
            if close:
                return [rng.choice(close)]
        return [rng.choice(dom)]
    return [dom]  # a constant


# ---------------------------------------------------------------- reading


def read_template(path: Path, family: str = "") -> SymbolicTemplate:
    """One template file; a file that cannot be read at all is a UserError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        annotated = data["question_annotated"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UserError(f"not a GSM-Symbolic template ({type(exc).__name__}: "
                        f"{str(exc)[:120]})", file=str(path)) from None
    body, _, rest = annotated.partition("#init:")
    init_text, _, rest = rest.partition("#conditions:")
    cond_text, answer = rest, ""
    m = re.search(r"#answer\s*[:=](.*)", init_text + "\n" + rest, re.S)
    if m:
        answer = m.group(1).strip()
        if answer.startswith("{") and answer.endswith("}"):  # "#answer: {formula}"
            answer = answer[1:-1]
        cond_text = cond_text.split("#answer")[0]
    originals: dict[str, str] = {}
    for name, default in _SLOT.findall(body):
        originals.setdefault(name, default)
    gsm = data.get("answer", "").rpartition("####")[2].strip().replace(",", "")
    solution = data.get("answer_annotated", "")
    try:
        inits = _inits(init_text.split("#answer")[0])
    except LimitError as exc:
        raise UserError(f"an #init formula goes past a limit: {exc}", file=str(path),
                        field="question_annotated") from None
    return SymbolicTemplate(
        id=f"{family}/{path.stem}" if family else path.stem, path=str(path),
        question_annotated=annotated, body=body, inits=inits,
        conditions=[_dollarless(c) for c in _items(cond_text)], answer=_dollarless(answer),
        solution_annotated=solution, gsm8k_answer=read_number(gsm) if gsm else None,
        id_orig=int(data["id_orig"]) if str(data.get("id_orig", "")).isdigit() else None,
        originals=originals, steps=max(1, len([x for x in solution.split("####")[0].splitlines() if x.strip()])),
    )


def _dollarless(expr: str) -> str:
    return re.sub(r"\$(?=[A-Za-z_])", "", expr).strip()


def _items(block: str) -> list[str]:
    return [line.strip()[1:].strip() for line in block.splitlines() if line.strip().startswith("-")]


def _inits(block: str) -> list[tuple[tuple[str, ...], Any]]:
    out = []
    for item in _items(block):
        lhs, sep, rhs = item.partition("=")
        if not sep:
            out.append(((), ("error", f"cannot read init line '{item}'")))
            continue
        names = tuple(n.strip().lstrip("$") for n in lhs.split(","))
        try:
            dom = _pairs_to_words(evaluate(_dollarless(rhs), LISTS, _INIT_FUNCTIONS))
        except LimitError:
            raise
        except ExprError as exc:
            dom = ("error", f"init '{item}': {exc}")
        out.append((names, dom))
    return out


def read_folder(folder: Path, families: tuple[str, ...] = ("symbolic", "p1", "p2")) -> list[SymbolicTemplate]:
    """Every template under folder/<family>/*.json (folder = GSM-Symbolic's `templates/`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError("GSM-Symbolic templates folder not found", file=str(folder))
    found = [read_template(p, fam) for fam in families for p in sorted((folder / fam).glob("*.json"))]
    if not found:
        raise UserError("no GSM-Symbolic templates (<family>/NNNN.json) in this folder", file=str(folder))
    return found


def check(template: SymbolicTemplate) -> list[str]:
    """verify() plus the init lines the reader could not understand. A formula past one of the
    evaluator's limits (perturb/expr.py) is not a template that merely fails: it is bad input,
    a UserError naming the file."""
    errors = [dom[1] for _, dom in template.inits if isinstance(dom, tuple) and dom and dom[0] == "error"]
    if errors:
        return errors
    try:
        return template.verify()
    except LimitError as exc:
        raise UserError(f"a formula goes past a limit: {exc}", file=template.path,
                        field="question_annotated") from None
