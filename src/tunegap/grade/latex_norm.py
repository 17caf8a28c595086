"""String normalisation of LaTeX answers, for math-standard.

Each rule removes one way of writing the same answer differently; none of them changes a value.
Kept as a list of small steps so a test can name the rule it exercises.
"""

from __future__ import annotations

import re

from tunegap.extract.numbers import normalize_text

# Unit words dropped when they trail an answer ("5 \text{ cm}", "12 dollars"); ours, deliberately
# short: a longer list starts eating variable names.
UNITS = (
    "degrees", "degree", "deg", "units", "unit", "sq", "square", "cubic", "cm", "mm", "km", "m",
    "meters", "meter", "metres", "inches", "inch", "in", "feet", "foot", "ft", "miles", "mile",
    "hours", "hour", "hrs", "minutes", "minute", "min", "seconds", "second", "sec", "s",
    "dollars", "dollar", "cents", "cent", "pounds", "pound", "lbs", "kg", "g", "grams", "gram",
    "liters", "liter", "ml", "days", "day", "weeks", "week", "years", "year", "mph", "percent",
    "points", "point", "students", "people", "ways", "sides", "edges", "marbles",
)
_UNIT_TAIL = re.compile(r"(?<=[0-9}\)])\s*(?:(?:" + "|".join(UNITS) + r")\b\.?(?:\^?\{?[23]\}?)?\s*)+$")
_WRAPPERS = re.compile(r"\\(?:text|textbf|textit|mbox|mathrm|mathbf|mathit|boldsymbol|operatorname)\s*\{([^{}]*)\}")
# A row break (\\\\) is matched first and kept, so "\\\\ " in a matrix is not read as the
# spacing command "\\ " (which left a stray backslash behind).
_SPACING = re.compile(r"\\\\|\\[,!;: ]|\\q?quad|~|\\displaystyle|\\limits")
_FRAC_SHORT = re.compile(r"\\frac\s*(\d|\\?[a-zA-Z])\s*(\d|\\?[a-zA-Z])")
_FRAC_HALF = re.compile(r"\\frac\s*(\d)\s*(?=\{)")
_SQRT_SHORT = re.compile(r"\\sqrt\s*(\d+|[a-zA-Z])")
_THOUSANDS = re.compile(r"(?<=\d)(?:\{,\}|,\\!)(?=\d{3})")
_PLAIN_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_ASSIGN = re.compile(r"^[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*(?=[^=])")
_DEGREES = re.compile(r"\^\s*\{?\\circ\}?|\\circ|°|\\degree")
_LEADING_DOT = re.compile(r"(?<![\d}])\.(\d)")


def strip_math_delims(s: str) -> str:
    s = s.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if s.startswith(left) and s.endswith(right) and len(s) >= len(left) + len(right):
            s = s[len(left) : len(s) - len(right)].strip()
    return s


def unwrap_text(s: str) -> str:
    # Innermost-first, until stable: \text{\textbf{x}} has two layers.
    for _ in range(10):
        new = _WRAPPERS.sub(r"\1", s)
        if new == s:
            break
        s = new
    return s


def unbox(s: str) -> str:
    """The content of the last \\boxed{...} when the answer holds one, else the answer."""
    if "\\boxed" in s or "\\fbox" in s:
        from tunegap.extract.boxed import extract

        inner = extract(s)
        if inner is not None:
            return inner
    return s


def normalize(s: str) -> str:
    s = strip_math_delims(unbox(normalize_text(s)))
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    s = re.sub(r"\\left\s*|\\right\s*|\\big[lr]?\s*|\\Big[lr]?\s*", "", s)
    s = unwrap_text(s)
    s = _DEGREES.sub("", s)
    s = s.replace("\\%", "").replace("%", "").replace("\\$", "").replace("$", "")
    s = _SPACING.sub(lambda m: m.group(0) if m.group(0) == "\\\\" else " ", s)
    s = _THOUSANDS.sub("", s)
    s = _UNIT_TAIL.sub("", s.strip())
    s = re.sub(r"\s+", "", s)
    if _PLAIN_THOUSANDS.match(s):
        s = s.replace(",", "")
    s = _ASSIGN.sub("", s)
    s = _FRAC_SHORT.sub(r"\\frac{\1}{\2}", s)
    s = _FRAC_HALF.sub(r"\\frac{\1}", s)
    s = _SQRT_SHORT.sub(r"\\sqrt{\1}", s)
    s = re.sub(r"\^\{(\w)\}", r"^\1", s)  # x^{2} is x^2
    s = _LEADING_DOT.sub(r"0.\1", s)
    s = s.replace("\\{", "{").replace("\\}", "}")  # set braces
    s = s.rstrip(".")
    return s


_CHOICE = re.compile(r"^\(?([A-Ea-e])\)?$")


def choice_letter(s: str, normalized: bool = False) -> str | None:
    """'C', '(C)', '\\text{(C)}' → 'C'; None when the answer is not a lone choice letter."""
    m = _CHOICE.match(s if normalized else normalize(s))
    return m.group(1).upper() if m else None


_MATRIX = re.compile(r"\\begin\{([pbBvV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}", re.DOTALL)


def matrix_cells(s: str) -> list[list[str]] | None:
    """Rows of cells of a normalised matrix (\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}),
    or None when the answer is not one matrix. The bracket style is not compared."""
    m = _MATRIX.fullmatch(s)
    if not m:
        return None
    rows = [r for r in m.group(2).split("\\\\")]
    if rows and rows[-1] == "":
        rows.pop()  # a trailing row break
    return [row.split("&") for row in rows]


def split_top(s: str) -> tuple[str, list[str], str]:
    """(opening bracket, top-level comma parts, closing bracket) of a tuple, interval or list."""
    opener, closer = "", ""
    if len(s) >= 2 and s[0] in "([{" and s[-1] in ")]}":
        depth, closed_early = 0, False
        for i, ch in enumerate(s):
            depth += ch in "([{"
            depth -= ch in ")]}"
            if depth == 0 and i < len(s) - 1:
                closed_early = True  # "(1)+(2)" is not one bracketed group
                break
        if not closed_early:
            opener, closer, s = s[0], s[-1], s[1:-1]
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return opener, parts, closer
