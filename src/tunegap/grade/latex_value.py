"""A small, safe evaluator for arithmetic written in LaTeX: numbers, + - * /, \\frac, \\sqrt,
powers, \\pi, brackets and implicit multiplication. Nothing is ever passed to eval(); anything
outside this grammar (variables, functions) is "not a number", and math-standard falls back to
comparing strings. Guards: bounded nesting depth and bounded powers, so a pathological answer
fails fast instead of building a huge integer.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

Value = Fraction | float

_TOKEN = re.compile(r"\\[a-zA-Z]+|\d+(?:\.\d+)?|\.\d+|[-+*/^(){}\[\]]|\S")
MAX_DEPTH = 60
MAX_DIGITS = 300  # |log10| of any intermediate value
MAX_LITERAL = 400  # digits in one written number: longer is "not a number" (graded as a string)
# Longer text is not evaluated: no real answer is this long, and products of thousands of
# fractions ("5 3/4 5 3/4 ...", implicit multiplication) grow without bound.
MAX_TEXT = 2000


class NotANumber(ValueError):
    """The text is not plain arithmetic (or exceeds the guards)."""


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _TOKEN.findall(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise NotANumber(f"expected {want!r}, got {tok!r}")
        self.i += 1
        return tok

    def parse(self) -> Value:
        v = self.expr()
        if self.peek() is not None:
            raise NotANumber(f"unexpected {self.peek()!r}")
        return v

    def expr(self) -> Value:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NotANumber("nested too deeply")
        v = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            v = v + rhs if op == "+" else v - rhs
        self.depth -= 1
        return v

    def term(self) -> Value:
        v = self.unary()
        while True:
            tok = self.peek()
            if tok in ("*", "\\cdot", "\\times"):
                self.take()
                v = v * self.unary()
            elif tok in ("/", "\\div"):
                self.take()
                v = _div(v, self.unary())
            elif tok is not None and _starts_atom(tok):
                v = v * self.unary()  # implicit: 2\pi, 3\sqrt{2}, 2(3)
            else:
                return v

    def unary(self) -> Value:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Value:
        base = self.atom()
        if self.peek() == "^":
            self.take()
            exp = self.group() if self.peek() == "{" else self.atom()
            return _pow(base, exp)
        return base

    def group(self) -> Value:
        self.take("{")
        v = self.expr()
        self.take("}")
        return v

    def atom(self) -> Value:
        tok = self.take()
        if tok[0].isdigit() or tok[0] == ".":
            if len(tok) > MAX_LITERAL:
                raise NotANumber("number too long")
            return Fraction(tok)
        if tok in ("(", "[", "{"):
            v = self.expr()
            self.take({"(": ")", "[": "]", "{": "}"}[tok])
            return v
        if tok == "\\frac":
            num = self.group()
            return _div(num, self.group())
        if tok == "\\sqrt":
            index: Value = Fraction(2)
            if self.peek() == "[":
                self.take()
                index = self.expr()
                self.take("]")
            return _root(self.group(), index)
        if tok == "\\pi":
            return math.pi
        raise NotANumber(f"not arithmetic: {tok!r}")


def _starts_atom(tok: str) -> bool:
    return tok in ("(", "{", "\\frac", "\\sqrt", "\\pi") or tok[0].isdigit()


def _div(a: Value, b: Value) -> Value:
    if b == 0:
        raise NotANumber("division by zero")
    return a / b


def _magnitude_ok(base: Value, exp: Value) -> bool:
    b = abs(float(base))
    return b == 0 or abs(float(exp) * math.log10(b)) <= MAX_DIGITS if b != 1 else True


def _pow(base: Value, exp: Value) -> Value:
    if abs(float(exp)) > 10 * MAX_DIGITS or not _magnitude_ok(base, exp):
        raise NotANumber("power too large")
    if isinstance(exp, Fraction) and exp.denominator == 1 and isinstance(base, Fraction):
        if base == 0 and exp < 0:
            raise NotANumber("division by zero")
        return base ** int(exp)
    if float(base) < 0:
        raise NotANumber("fractional power of a negative number")
    return float(base) ** float(exp)


def _root(x: Value, index: Value) -> Value:
    if float(index) == 0:
        raise NotANumber("zeroth root")
    if float(x) < 0:
        if float(index) % 2 == 1:
            return -(abs(float(x)) ** (1.0 / float(index)))
        raise NotANumber("even root of a negative number")
    return float(x) ** (1.0 / float(index))


def value(text: str) -> Value:
    """The value of plain LaTeX arithmetic; raises NotANumber otherwise."""
    if not text:
        raise NotANumber("empty")
    if len(text) > MAX_TEXT:
        raise NotANumber("too long to evaluate")
    try:
        return _Parser(text).parse()
    except NotANumber:
        raise
    except (ArithmeticError, RecursionError, ValueError, MemoryError) as exc:
        raise NotANumber(str(exc)) from None


def same_value(a: Value, b: Value, rel: float = 1e-6, abs_tol: float = 1e-9) -> bool:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    try:
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=abs_tol)
    except OverflowError:  # a value past float range is never close to a float one
        return False
