"""A small safe evaluator for template formulas: exact arithmetic over fractions, no eval().

The formula is parsed with `ast.parse` (parsing runs nothing) and walked node by node; only
the node types below are allowed. Numbers become `Fraction`s (a literal 0.1 is exactly 1/10),
so an answer is exact and never a float. Names are looked up in the variables; calls go only to
the whitelisted functions. Anything else (attributes, lambdas, comprehensions, ...) is an
ExprError naming what was refused.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any


class ExprError(ValueError):
    """A formula that cannot be parsed, uses something not allowed, or fails to evaluate."""


def _int(x: Any) -> Fraction:
    return Fraction(math.trunc(_num(x)))  # Python's int(): toward zero


def _round(x: Any, nd: Any = None) -> Fraction:
    if nd is None:
        return Fraction(round(_num(x)))
    return Fraction(round(_num(x), int(nd)))


def _fraction(x: Any, d: Any = None) -> Fraction:
    if isinstance(x, str):
        return Fraction(x.strip())
    return _num(x) if d is None else _num(x) / _num(d)


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
        return Fraction(repr(x))
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
MAX_POWER = 12  # keeps a formula from building huge numbers


@lru_cache(maxsize=4096)
def parse(text: str) -> ast.expr:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"cannot parse formula {text.strip()!r}: {exc.msg}") from None


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
        raise ExprError(f"division by zero in {text.strip()!r}") from None
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise ExprError(f"cannot evaluate {text.strip()!r}: {exc}") from None


class _Walker:
    def __init__(self, env: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]):
        self.env, self.functions = env, functions

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExprError(f"'{type(node).__name__}' is not allowed in a formula")
        return method(node)

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
            exp = _num(right)
            if exp.denominator != 1 or abs(exp) > MAX_POWER:
                raise ExprError(f"power {exp} is not allowed (integers up to {MAX_POWER})")
            return _num(left) ** int(exp)
        op = _BIN.get(type(n.op))
        if op is None:
            raise ExprError(f"operator '{type(n.op).__name__}' is not allowed")
        if isinstance(left, list) or isinstance(right, list):  # list + list, list * k
            if isinstance(n.op, ast.Mult):
                return left * int(right) if isinstance(left, list) else right * int(left)
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
