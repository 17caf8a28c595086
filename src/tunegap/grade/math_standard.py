"""math-standard: tunegap's own normalising LaTeX comparison (the paper's "standard grader").

Each side is normalised once (latex_norm.normalize: \\boxed{} unwrapped, delimiters, \\text,
units, spacing with row breaks kept, ...). Order of tests: normalised strings equal → right;
lone choice letters (C vs \\text{(C)}) → compare letters; matrices → cell by cell (same shape);
tuples, intervals and lists → element by element (brackets must agree; a bare list is compared
as a multiset); otherwise both sides as plain arithmetic (latex_value), equal within 1e-6
relative. Symbolic answers that are not plain arithmetic count as equal only when their
normalised strings are. A number too long to evaluate is compared as a string (so a 5,000-digit
answer is wrong, not an exception).

The canonical form (maj@k votes on it) is the value for arithmetic ("0.5" for \\frac12 and .5,
10 significant digits for irrational values), the letter for a choice, and the normalised
string otherwise, element by element for tuples and matrices.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tunegap.extract.numbers import CTX, bounded, canonical
from tunegap.grade.base import MISSING, Grade
from tunegap.grade.latex_norm import choice_letter, matrix_cells, normalize, split_top
from tunegap.grade.latex_value import MAX_TEXT, NotANumber, same_value, value
from tunegap.types import Example

ANSWER_TYPES = frozenset({"latex", "number", "integer", "decimal"})
MAX_CANONICAL = 200


@dataclass(frozen=True)
class Form:
    """One side, normalised once."""

    norm: str
    letter: str | None
    opener: str
    parts: list[str]
    closer: str
    matrix: list[list[str]] | None

    @classmethod
    def of(cls, text: str) -> Form:
        norm = normalize(text)
        opener, parts, closer = split_top(norm)
        return cls(norm, choice_letter(norm, normalized=True), opener, parts, closer,
                   matrix_cells(norm))


def _same_atom(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return same_value(value(a), value(b))
    except NotANumber:
        return False


def _same(a: Form, t: Form) -> bool:
    if a.norm == t.norm:
        return True
    if t.letter is not None:
        return a.letter == t.letter
    if t.matrix is not None or a.matrix is not None:
        if a.matrix is None or t.matrix is None or len(a.matrix) != len(t.matrix):
            return False
        return all(len(x) == len(y) and all(_same_atom(p, q) for p, q in zip(x, y))
                   for x, y in zip(a.matrix, t.matrix))
    if len(t.parts) > 1 or len(a.parts) > 1:
        if (a.opener, a.closer) != (t.opener, t.closer) or len(a.parts) != len(t.parts):
            return False
        if t.opener in ("(", "["):  # tuples and intervals are ordered
            return all(_same_atom(x, y) for x, y in zip(a.parts, t.parts))
        left = list(a.parts)
        for y in t.parts:  # sets / bare lists: a multiset match
            hit = next((x for x in left if _same_atom(x, y)), None)
            if hit is None:
                return False
            left.remove(hit)
        return True
    return _same_atom(a.norm, t.norm)


def equivalent(answer: str, target: str) -> bool:
    return _same(Form.of(answer), Form.of(target))


def _atom_canonical(s: str) -> str:
    try:
        v = value(s)
    except NotANumber:
        return s
    if isinstance(v, Fraction):
        den = v.denominator
        while den % 2 == 0:
            den //= 2
        while den % 5 == 0:
            den //= 5
        if den != 1:
            return f"{v.numerator}/{v.denominator}"
        return canonical(CTX.divide(Decimal(v.numerator), Decimal(v.denominator)))
    return format(v, ".10g")


def canonical_form(f: Form) -> str:
    if len(f.norm) > MAX_TEXT:  # not a real answer: do not evaluate its thousands of parts
        return bounded(f.norm, MAX_CANONICAL)
    if f.letter is not None:
        out = f.letter
    elif f.matrix is not None:
        out = "matrix[" + ";".join(",".join(_atom_canonical(c) for c in row)
                                   for row in f.matrix) + "]"
    elif len(f.parts) > 1:
        parts = [_atom_canonical(p) for p in f.parts]
        if f.opener not in ("(", "["):
            parts.sort()  # sets and bare lists are unordered
        out = f.opener + ",".join(parts) + f.closer
    else:
        out = _atom_canonical(f.norm)
    return bounded(out, MAX_CANONICAL)


def grade(answer: str | None, target: str, example: Example | None = None) -> Grade:
    if answer is None:
        return MISSING
    t = Form.of(target)
    if not t.norm:
        return Grade(None, "error")
    a = Form.of(answer)
    return Grade(_same(a, t), canonical=canonical_form(a) if a.norm else None)
