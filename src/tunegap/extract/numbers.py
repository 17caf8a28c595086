"""The number grammar shared by the extractors and the graders that read numbers.

One grammar, three readers:

- `flexible` (extractor): the last number token of the output;
- `numeric` (grader, GSM family): the answer must hold exactly one value (after the last "=",
  if it shows arithmetic); none or several ("3 4", "18 or 20") is unparsable;
- `medcalc` (grader): the last value of the answer (the official scorer's convention), after
  the last "=" and "N out of M" read as N.

A token is a plain or comma-grouped decimal with an optional exponent ("1,234.5", "-.5",
"1e999999"), a fraction ("3/4"), a mixed number ("5 3/4", a proper fraction after one space) or an
M/D/YYYY date (kept whole so that its parts are not read as numbers). Digits glued to a word, a
power, a slash or a hyphenated name are not numbers: "CHA2DS2-VASc", "CURB-65", "m^2", "m2",
"mL/min/1.73" hold none. Whitespace is never deleted ("3 4" is two tokens). Text is normalised
once, first (`normalize_text`): Unicode minus signs become "-", full-width digits ASCII, and a
thin or no-break space between digit groups of three is a thousands separator.

Values are `Decimal`s in a wide context, never floats: "1e999999" is a (wrong) value, not an
OverflowError, and no huge int is ever built. `canonical(value)` is the one spelling of a value
("18" for "18.0", "0.5" for "1/2") on which maj@k votes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

# Enough precision for any tolerance we test; exponents wide enough that no real answer overflows.
CTX = Context(prec=60, Emax=10**9, Emin=-(10**9), traps=[InvalidOperation])
MAX_CANONICAL = 64  # longer canonical forms are hashed (a 1 MB number must not fill the store)

_MINUS = "\u2212\u2012\u2013\ufe63\uff0d"  # minus sign, figure dash, en dash, small/full-width
_TABLE = str.maketrans({**{c: "-" for c in _MINUS},
                        **{chr(0xFF10 + i): str(i) for i in range(10)},  # full-width digits
                        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " "})
_THIN_THOUSANDS = re.compile(r"(?<=\d)[\u00a0\u2009\u202f\u2007](?=\d{3}(?!\d))")


def normalize_text(text: str) -> str:
    """The one normalisation every number reader applies first (linear, idempotent)."""
    if text.isascii():
        return text
    return _THIN_THOUSANDS.sub("", text).translate(_TABLE)


# Digits glued on the left to a word, a decimal point, a power, a slash, a backslash or a
# hyphen are not a number's start. A run of digits, commas, points and slashes is consumed whole
# (atomically) and only then read, so scanning is linear in the text.
_LEFT = r"(?<![\w.^/\\\-])"


def atomic(pattern: str, name: str) -> str:
    """`pattern` matched once, never backtracked into (an atomic group that Python 3.10 can
    read: a lookahead captures the greedy match, a back-reference consumes it)."""
    return f"(?=(?P<{name}>{pattern}))(?P={name})"


RUN_RE = re.compile(
    _LEFT + r"(?P<sign>-)?(?=\.?\d)"
    + atomic(r"\d*(?:,\d+)*(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+)*", "run")
    + "(?:" + atomic(r" \d+/\d+(?![\d/.])", "mixed") + ")?"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PLAIN = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# The pattern strict's "The answer is N" embeds: a signed decimal, no fractions or dates.
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|-?\.\d+"
NUMBER_RE = re.compile(NUMBER)


@dataclass(frozen=True)
class Token:
    text: str
    value: Decimal | None  # None for a date
    canonical: str


def clean_number(text: str) -> str:
    """The written form of a decimal without thousands separators (strict's answer)."""
    return normalize_text(text).replace(",", "").strip()


def _dec(digits: str) -> Decimal:
    return CTX.create_decimal(digits.replace(",", ""))


def _only_2_5(n: int) -> bool:
    for p in (2, 5):
        while n % p == 0:
            n //= p
    return n == 1


def _ratio(num: str, den: str, whole: str = "0") -> Token | None:
    """n/d (or whole n/d): exact "p/q" canonical when it does not terminate as a decimal."""
    n, d, w = _dec(num), _dec(den), _dec(whole)
    if d == 0:
        return None
    value = CTX.add(w, CTX.divide(n, d))
    text = f"{whole} {num}/{den}" if whole != "0" else f"{num}/{den}"
    if len(num) + len(den) + len(whole) > 300:
        return Token(text, value, canonical(value))
    from fractions import Fraction

    f = int(whole) + Fraction(int(num), int(den))
    canon = canonical(value) if _only_2_5(f.denominator) else f"{f.numerator}/{f.denominator}"
    return Token(text, value, canon)


def _negate(tok: Token) -> Token:
    value = CTX.minus(tok.value)
    canon = tok.canonical if value == 0 else "-" + tok.canonical
    return Token("-" + tok.text, value, canon)


def _read_run(run: str, reverse: bool = False) -> Iterator[Token]:
    """The tokens of one run: a date, a fraction, a comma-grouped number, or a comma list."""
    if "/" in run:
        parts = run.split("/")
        m = _DATE.fullmatch(run)
        if m:
            month, day, year = (int(x) for x in m.groups())
            yield Token(run, None, f"{month:02d}/{day:02d}/{year}")
        elif len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            tok = _ratio(parts[0], parts[1])
            if tok:
                yield tok
        return  # 3/4/5, 1.5/2: not a number we can name
    if "," in run and not _THOUSANDS.fullmatch(run):
        pieces = run.split(",")
        for piece in reversed(pieces) if reverse else pieces:
            if piece:
                yield from _read_run(piece)
        return
    if _PLAIN.fullmatch(run.replace(",", "")):
        value = _dec(run)
        yield Token(run, value, canonical(value))


def _read_match(m: re.Match[str], reverse: bool) -> Iterator[Token]:
    run, mixed, sign = m.group("run"), m.group("mixed"), m.group("sign")
    if mixed and run.isdigit():
        num, den = mixed.strip().split("/")
        if len(num) + len(den) < 300 and int(num) < int(den):  # a proper fraction only
            tok = _ratio(num, den, whole=run)
            if tok:
                yield _negate(tok) if sign else tok
                return
    after = _read_run(mixed.strip()) if mixed else iter(())
    if reverse:
        yield from after
    found = _read_run(run, reverse)
    if sign:  # the sign belongs to the run's first token
        first = list(found) if reverse else [next(found, None)]
        idx = -1 if reverse else 0
        if first and first[idx] is not None and first[idx].value is not None:
            first[idx] = _negate(first[idx])
        yield from (t for t in first if t is not None)
    yield from found
    if not reverse:
        yield from after


def tokens(text: str, reverse: bool = False) -> Iterator[Token]:
    """Every number (and date) token of already-normalised text, left to right (or right to
    left: readers that want the last token parse only what they need)."""
    found = RUN_RE.finditer(text)
    for m in reversed(list(found)) if reverse else found:
        yield from _read_match(m, reverse)


def last_date(text: str) -> tuple[int, int, int, int] | None:
    """(position, month, day, year) of the last M/D/YYYY date of normalised text."""
    for m in reversed(list(RUN_RE.finditer(text))):
        d = _DATE.fullmatch(m.group("run")) if "/" in m.group("run") else None
        if d:
            month, day, year = (int(x) for x in d.groups())
            return m.start(), month, day, year
    return None


def canonical(value: Decimal) -> str:
    """One spelling per value: no exponent for ordinary magnitudes, no trailing zeros."""
    if not value.is_finite():
        return str(value).lower()
    if value == 0:
        return "0"
    sign, digits, exp = value.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp += len(digits) - len(ds)  # the stripped zeros move into the exponent
    adjusted = exp + len(ds) - 1
    if -12 <= adjusted <= 40:
        if exp >= 0:
            s = ds + "0" * exp
        elif -exp >= len(ds):
            s = "0." + "0" * (-exp - len(ds)) + ds
        else:
            s = ds[:exp] + "." + ds[exp:]
    else:
        s = ds[0] + ("." + ds[1:] if len(ds) > 1 else "") + f"e{adjusted}"
    return bounded(("-" if sign else "") + s)


def bounded(s: str, limit: int = MAX_CANONICAL) -> str:
    """`s`, or a hash of it when longer than `limit` (equal long forms still vote together)."""
    if len(s) <= limit:
        return s
    return "#" + hashlib.sha256(s.encode("utf-8", "replace")).hexdigest()[:24]


def close(got: Decimal, want: Decimal, rel: str = "1e-6") -> bool:
    """|got - want| <= rel * max(1, |want|), exactly, for any magnitude."""
    if got == want:
        return True
    diff = CTX.abs(CTX.subtract(got, want))
    return diff <= CTX.multiply(Decimal(rel), max(Decimal(1), CTX.abs(want)))


# ---------------------------------------------------------------- answer readers

_STRIP = re.compile(r"\\[$%]|\\text\s*\{|\\mathrm\s*\{|\*\*")
_OUT_OF = re.compile(r"(?<![\w.])(\d{1,9}) ?out of (?:a (?:maximum|possible) (?:of )?)?\d{1,9}",
                     re.IGNORECASE)


def answer_part(answer: str) -> str:
    """The normalised part of an answer that holds its value: after the last "=" when the
    answer shows arithmetic ("0 + 1 + 1 = 4" → "4"), LaTeX money and bold markers dropped."""
    s = _STRIP.sub(" ", normalize_text(answer))
    if "=" in s:
        tail = s[s.rindex("=") + 1 :]
        if any(t.value is not None for t in tokens(tail)):
            s = tail
    return s


def single_value(answer: str) -> Token | None:
    """numeric's reading: the answer's only value, or None (none, or several)."""
    found = []
    for t in tokens(answer_part(answer)):
        if t.value is not None:
            found.append(t)
            if len(found) > 1:
                return None
    return found[0] if found else None


def last_value(answer: str) -> Token | None:
    """medcalc's reading: the last value; "3 out of 5" is 3 (a score), and so is "3 out of 5
    criteria" anywhere but at the end ("1 out of 4 met, so the score is 2" is 2)."""
    part = _OUT_OF.sub(r"\1", answer_part(answer))
    return next((t for t in tokens(part, reverse=True) if t.value is not None), None)


def last_token(text: str) -> Token | None:
    """flexible's reading: the last number or date anywhere in the text."""
    return next(tokens(normalize_text(text), reverse=True), None)
