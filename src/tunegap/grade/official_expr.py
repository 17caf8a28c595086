"""The official MedCalc-Bench v1.0 scorer's "str(<expression>)" answers, without eval().

When a decimal answer reads like `str(round((140 - 45) * 72 / (72 * 1.2), 2))`, the script
rewrites the expression text and eval()s it with no builtins and a few names (min, pow, round,
abs, int, float, math, np, numpy). Its rewrites, in order: "^" → "**", "is odd" → "% 2 == 1",
"is even" → "% 2 == 0", "sqrt" → "math.sqrt", ".math" → "", then it deletes "weight",
"height", "mg/dl", "g/dl", "mmol/L", "kg", every letter "g" (Quirk 9: "log" becomes "lo", an
unknown name, so the answer is wrong), "mEq/L"; it cuts at "#" and balances parentheses by adding
")" at the end or "(" at the start. Any error makes the answer "N/A" (wrong).

Here the rewritten text is parsed with `ast` and evaluated over the same names for arithmetic,
comparisons, calls of those functions and math/numpy functions of numbers. Outside that subset
(lambdas, subscripts, other attributes) the result is "wrong", which is also what the script
ends with for nearly all of them (a function or tuple result cannot pass its range check).
Integer results over 4,300 digits are wrong (the script's str() of them raises).
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Any

_REWRITES = (("^", "**"), ("is odd", "% 2 == 1"), ("is even", "% 2 == 0"), ("sqrt", "math.sqrt"),
             (".math", ""), ("weight", ""), ("height", ""), ("mg/dl", ""), ("g/dl", ""),
             ("mmol/L", ""), ("kg", ""), ("g", ""), ("mEq/L", ""))


def _power_guard(base: Any, exp: Any) -> None:
    if isinstance(base, int) and isinstance(exp, int) and exp > 0 and abs(base) > 1 \
            and exp * abs(base).bit_length() > MAX_INT_BITS:
        raise Invalid("power too large")


def _pow(base: Any, exp: Any, *mod: Any) -> Any:
    _power_guard(base, exp)
    return pow(base, exp, *mod)


_FUNCS = {"min": min, "pow": _pow, "round": round, "abs": abs, "int": int, "float": float}
_MODULES = ("math", "np", "numpy")
_MATH_NAMES = frozenset({"sqrt", "exp", "log", "log10", "log2", "log1p", "pow", "floor", "ceil",
                         "fabs", "trunc", "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
                         "sinh", "cosh", "tanh", "hypot", "degrees", "radians", "pi", "e", "tau",
                         "inf", "nan"})
_NP_NAMES = frozenset({"sqrt", "exp", "log", "log10", "log2", "log1p", "power", "floor", "ceil",
                       "abs", "absolute", "round", "around", "trunc", "sin", "cos", "tan", "pi",
                       "e", "float64", "mean", "maximum", "minimum"})
_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
        ast.Pow: operator.pow}
_CMP = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
        ast.Gt: operator.gt, ast.GtE: operator.ge}
MAX_INT_BITS = 14_300  # about 4,300 decimal digits
MAX_LEN = 10_000


class Invalid(ValueError):
    """The script's eval() would raise (or end with a value that cannot pass): the row is
    marked Incorrect."""


def rewrite(expression: str) -> str:
    for old, new in _REWRITES:
        expression = expression.replace(old, new)
    expression = expression.split("#")[0]
    opened, closed = expression.count("("), expression.count(")")
    if opened > closed:
        expression += ")" * (opened - closed)
    elif closed > opened:
        expression = "(" * (closed - opened) + expression
    return expression


def official_expression(expression: str) -> Any:
    """The value the script gets for "str(<expression>)"; Invalid where it gets "N/A"."""
    text = rewrite(expression)
    if len(text) > MAX_LEN:
        raise Invalid("expression too long")
    try:
        tree = ast.parse(text.strip(), mode="eval")
        value = _eval(tree.body)
    except (SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError,
            MemoryError, AttributeError) as exc:
        raise Invalid(str(exc)) from None
    if isinstance(value, str):  # str("5") is "5", which the range check eval()s again
        try:
            return _eval(ast.parse(value.strip(), mode="eval").body)
        except (SyntaxError, ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            raise Invalid(str(exc)) from None
    return value


def _module_attr(module: str, name: str) -> Any:
    if module == "math" and name in _MATH_NAMES:
        return getattr(math, name)
    if module in ("np", "numpy") and name in _NP_NAMES:
        import numpy

        return getattr(numpy, name)
    raise Invalid(f"{module}.{name}")


def _check(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise Invalid("integer too large to print")
    return value


def _eval(node: ast.AST) -> Any:  # noqa: C901, PLR0911  (one case per node kind)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float, str, bool)) or node.value is None:
            return node.value
        raise Invalid("constant")
    if isinstance(node, ast.Name):
        if node.id in _FUNCS:
            return _FUNCS[node.id]
        if node.id in _MODULES:
            return node.id
        raise Invalid(f"name {node.id}")
    if isinstance(node, ast.Attribute):
        owner = _eval(node.value)
        if isinstance(owner, str) and owner in _MODULES:
            return _module_attr(owner, node.attr)
        raise Invalid("attribute")
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow):
            _power_guard(left, right)
        if isinstance(left, str) or isinstance(right, str):
            raise Invalid("string arithmetic")
        return _check(_BIN[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return +operand
        if isinstance(node.op, ast.Not):
            return not operand
        raise Invalid("unary")
    if isinstance(node, ast.Compare):
        left = _eval(node.left)
        for op, comp in zip(node.ops, node.comparators):
            if type(op) not in _CMP:
                raise Invalid("comparison")
            right = _eval(comp)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call):
        func = _eval(node.func)
        if not callable(func):
            raise Invalid("call")
        args = [_eval(a) for a in node.args]
        kwargs = {k.arg: _eval(k.value) for k in node.keywords if k.arg}
        return _check(func(*args, **kwargs))
    if isinstance(node, ast.IfExp):
        return _eval(node.body) if _eval(node.test) else _eval(node.orelse)
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(e) for e in node.elts)
    raise Invalid(type(node).__name__)
