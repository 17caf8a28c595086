"""A small safe evaluator for template formulas: exact arithmetic over fractions, no eval().

The formula is parsed with `ast.parse` (parsing runs nothing) and walked node by node; only
the node types below are allowed. Numbers become `Fraction`s (a literal 0.1 is exactly 1/10),
so an answer is exact and never a float. Names are looked up in the variables; calls go only to
the whitelisted functions. Anything else (attributes, lambdas, comprehensions, ...) is an
ExprError naming what was refused.

Templates are read from a user's data folder, so a formula is input, and bounded like input:
in length (MAX_FORMULA_CHARS, before parsing), depth (MAX_DEPTH, before walking), magnitude
(every number within MAX_BITS, checked before an operation could build a larger one: powers,
round's digits, Fraction('1e999999999')), list length (MAX_LIST, checked before repeating a
list) and work (MAX_STEPS per formula; `work_limit` bounds all the formulas of one task, e.g.
the draws of one template). The work count is deterministic, so a bound hit is the same on any
machine, and since no single operation can be large, the count bounds the time.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from fractions import Fraction
from functools import lru_cache
from typing import Any

MAX_FORMULA_CHARS = 4000  # the longest formula in GSM-Symbolic's release is under 1000
MAX_DEPTH = 100  # nested operations; a chain a+b+c+... is as deep as it is long
MAX_BITS = 4096  # numerator and denominator each (about 1200 digits)
MAX_LIST = 10_000
MAX_ROUND_DIGITS = 100
MAX_STEPS = 50_000  # nodes visited plus list items touched, per formula (well under 1 s)
TASK_STEPS = 2_000_000  # all the formulas of one task (`work_limit`)
MAX_POWER = 12  # keeps a formula from building huge numbers


class ExprError(ValueError):
    """A formula that cannot be parsed, uses something not allowed, or fails to evaluate."""


class LimitError(ExprError):
    """A formula past one of the bounds below: hostile or broken input, never a value that
    merely fails a condition (no formula of a real template comes near them)."""


def _int(x: Any) -> Fraction:
    return Fraction(math.trunc(_num(x)))  # Python's int(): toward zero


def _round(x: Any, nd: Any = None) -> Fraction:
    if nd is None:
        return Fraction(round(_num(x)))
    digits = int(_num(nd))
    if abs(digits) > MAX_ROUND_DIGITS:  # round() builds 10**digits
        raise LimitError(f"round to {digits} digits is not allowed (at most {MAX_ROUND_DIGITS})")
    return Fraction(round(_num(x), digits))


_EXPONENT = re.compile(r"[eE]\s*([+-]?[\d_]+)")


def _fraction(x: Any, d: Any = None) -> Fraction:
    if isinstance(x, str):
        exp = _EXPONENT.search(x)
        # Fraction('1e999999999') builds a billion-digit number before anything can check it.
        if len(x) > 100 or (exp and abs(int(exp.group(1))) > MAX_ROUND_DIGITS):
            raise LimitError(f"number text {x[:40]!r} is too long or too large")
        return _checked(Fraction(x.strip()))
    return _num(x) if d is None else _num(x) / _num(d)


def _checked(v: Any) -> Any:
    """`v` when it is a number within MAX_BITS (or not a number); ExprError otherwise."""
    if isinstance(v, Fraction) and (v.numerator.bit_length() > MAX_BITS
                                    or v.denominator.bit_length() > MAX_BITS):
        raise LimitError(f"a number in the formula passes {MAX_BITS} bits")
    if isinstance(v, (list, tuple)) and len(v) > MAX_LIST:
        raise LimitError(f"a list in the formula passes {MAX_LIST} items")
    return v


def _divides(a: Any, b: Any) -> bool:  # GSM-Symbolic's reading: b divides a
    b = _num(b)
    return b != 0 and (_num(a) / b).denominator == 1


def _is_int(x: Any) -> bool:
    return _num(x).denominator == 1


def _num(x: Any) -> Fraction:
    if isinstance(x, bool):
        return Fraction(int(x))
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ExprError(f"{x!r} is not a number a formula can use")
        return _checked(Fraction(repr(x)))
    raise ExprError(f"expected a number, got {x!r}")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "int": _int, "round": _round, "abs": lambda x: abs(_num(x)), "Fraction": _fraction,
    "float": _num, "min": lambda *a: min(a[0] if len(a) == 1 else a),
    "max": lambda *a: max(a[0] if len(a) == 1 else a), "sum": lambda xs: sum(xs, Fraction(0)),
    "len": lambda xs: Fraction(len(xs)), "divides": _divides, "is_int": _is_int,
    "floor": lambda x: Fraction(math.floor(_num(x))), "ceil": lambda x: Fraction(math.ceil(_num(x))),
}

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}
_CMP = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
        ast.Eq: operator.eq, ast.NotEq: operator.ne,
        ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}


class WorkLimitReached(LimitError):
    """A formula or a task (`work_limit`) used up its work."""


class _Budget:
    """Work left to a task (`work_limit`) or a single formula."""

    def __init__(self, steps: int, what: str) -> None:
        self.left, self.what = steps, what

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise WorkLimitReached(f"{self.what} takes too much work (a formula loops over too many "
                            "values or too many times)")


_TASK: ContextVar[_Budget | None] = ContextVar("tunegap_expr_task", default=None)


@contextmanager
def work_limit(what: str = "the template", steps: int = TASK_STEPS) -> Iterator[None]:
    """Every formula evaluated inside shares `steps` of work: a template whose draws never
    pass its conditions stops with WorkLimitReached instead of running for minutes. Inside
    another work_limit it adds nothing (the outer task's budget counts)."""
    if _TASK.get() is not None:
        yield
        return
    token = _TASK.set(_Budget(steps, what))
    try:
        yield
    finally:
        _TASK.reset(token)


def _short(text: str) -> str:
    text = text.strip()
    return repr(text if len(text) <= 60 else text[:57] + "...")


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    if len(text) > MAX_FORMULA_CHARS:
        raise LimitError(f"formula {_short(text)} is longer than {MAX_FORMULA_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"cannot parse formula {_short(text)}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise LimitError(f"formula {_short(text)} nests too deeply") from None
    _check_depth(tree, text)
    return tree


def _check_depth(tree: ast.AST, text: str) -> None:
    """Iteratively, so a deep tree is refused before anything recursive walks it."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LimitError(f"formula {_short(text)} nests deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def names_in(text: str) -> set[str]:
    """The variable names a formula reads (function names excluded)."""
    tree = parse(text)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}


def evaluate(text: str, env: Mapping[str, Any],
             functions: Mapping[str, Callable[..., Any]] = FUNCTIONS) -> Any:
    """The value of `text` under the variables `env`: Fraction, bool, str or list."""
    try:
        return _Walker(env, functions).visit(parse(text))
    except ExprError:
        raise
    except ZeroDivisionError:
        raise ExprError(f"division by zero in {_short(text)}") from None
    except (TypeError, ValueError, IndexError, KeyError, OverflowError) as exc:
        raise ExprError(f"cannot evaluate {_short(text)}: {str(exc)[:200]}") from None
    except (RecursionError, MemoryError):
        raise LimitError(f"formula {_short(text)} is too large to evaluate") from None


class _Walker:
    def __init__(self, env: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]):
        self.env, self.functions = env, functions
        self.budgets = [b for b in (_Budget(MAX_STEPS, "the formula"), _TASK.get()) if b]

    def spend(self, n: int) -> None:
        for b in self.budgets:
            b.spend(n)

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExprError(f"'{type(node).__name__}' is not allowed in a formula")
        self.spend(1)
        value = method(node)
        if isinstance(value, (list, tuple)):
            self.spend(len(value))  # building or passing on a list is work per item
        return _checked(value)

    def _Constant(self, n: ast.Constant) -> Any:
        if isinstance(n.value, (bool, str)):
            return n.value
        if isinstance(n.value, (int, float)):
            return _num(n.value)
        raise ExprError(f"constant {n.value!r} is not allowed")

    def _Name(self, n: ast.Name) -> Any:
        if n.id in self.env:
            value = self.env[n.id]
            return _num(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if n.id in ("True", "False"):
            return n.id == "True"
        raise ExprError(f"unknown variable '{n.id}'")

    def _BinOp(self, n: ast.BinOp) -> Any:
        left, right = self.visit(n.left), self.visit(n.right)
        if isinstance(n.op, ast.Pow):
            exp, base = _num(right), _num(left)
            if exp.denominator != 1 or abs(exp) > MAX_POWER:
                raise ExprError(f"power {exp} is not allowed (integers up to {MAX_POWER})")
            bits = max(base.numerator.bit_length(), base.denominator.bit_length())
            if bits * abs(int(exp)) > MAX_BITS:  # refused before it is built
                raise LimitError(f"a number in the formula passes {MAX_BITS} bits")
            return base ** int(exp)
        op = _BIN.get(type(n.op))
        if op is None:
            raise ExprError(f"operator '{type(n.op).__name__}' is not allowed")
        if isinstance(left, list) or isinstance(right, list):  # list + list, list * k
            if isinstance(n.op, ast.Mult):
                items, times = (left, right) if isinstance(left, list) else (right, left)
                times = int(_num(times))
                if len(items) * max(times, 0) > MAX_LIST:  # refused before it is built
                    raise LimitError(f"a list in the formula passes {MAX_LIST} items")
                return items * times
            return op(left, right)
        if isinstance(n.op, (ast.FloorDiv, ast.Mod)):
            return Fraction(op(_num(left), _num(right)))
        return op(_num(left), _num(right))

    def _UnaryOp(self, n: ast.UnaryOp) -> Any:
        v = self.visit(n.operand)
        if isinstance(n.op, ast.Not):
            return not v
        if isinstance(n.op, ast.USub):
            return -_num(v)
        if isinstance(n.op, ast.UAdd):
            return _num(v)
        raise ExprError(f"operator '{type(n.op).__name__}' is not allowed")

    def _Compare(self, n: ast.Compare) -> bool:
        left = self.visit(n.left)
        for op, right_node in zip(n.ops, n.comparators):
            right = self.visit(right_node)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True

    def _BoolOp(self, n: ast.BoolOp) -> Any:
        is_and = isinstance(n.op, ast.And)
        value: Any = is_and
        for v in n.values:
            value = self.visit(v)
            if bool(value) != is_and:
                return value
        return value

    def _IfExp(self, n: ast.IfExp) -> Any:
        return self.visit(n.body) if self.visit(n.test) else self.visit(n.orelse)

    def _Call(self, n: ast.Call) -> Any:
        name = n.func.id if isinstance(n.func, ast.Name) else ast.unparse(n.func)
        fn = self.functions.get(name)
        if fn is None or n.keywords:
            raise ExprError(f"function '{name}' is not allowed")
        return fn(*[self.visit(a) for a in n.args])

    def _List(self, n: ast.List) -> list:
        return [self.visit(e) for e in n.elts]

    _Tuple = _List

    def _Subscript(self, n: ast.Subscript) -> Any:
        seq = self.visit(n.value)
        if isinstance(n.slice, ast.Slice):
            parts = [None if p is None else int(_num(self.visit(p)))
                     for p in (n.slice.lower, n.slice.upper, n.slice.step)]
            return seq[slice(*parts)]
        return seq[int(_num(self.visit(n.slice)))]
