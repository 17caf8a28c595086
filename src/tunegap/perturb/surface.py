"""Text-level helpers of the perturbation kinds: numbers in a text, number surface forms,
name swaps and sentence splitting. Pure functions of their inputs."""

from __future__ import annotations

import re
from fractions import Fraction

from tunegap.templates.pools import WORD_VALUES, number_to_words

# A plain integer: not part of a decimal, a fraction, a time or a larger token.
_INT = re.compile(r"(?<![\w.,/:$])(\d+)(?![\w.,/:%]|,\d)")
_GROUPED = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+)(?![\w,]|\.\d)")
_BIG = re.compile(r"(?<![\w.,$])(\d{4,})(?![\w.,]|\.\d)")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted((w for w in WORD_VALUES if w != "zero"),
                                                  key=len, reverse=True)) + r")\b", re.IGNORECASE)
_ANY_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[Fraction]:
    """Every number a reader sees, digits or words, in order of appearance."""
    found: list[tuple[int, Fraction]] = []
    for m in _ANY_NUMBER.finditer(text):
        raw = m.group(0).rstrip(",").replace(",", "")
        if raw:
            found.append((m.start(), Fraction(raw)))
    for m in _NUMBER_WORD.finditer(text):
        found.append((m.start(), Fraction(WORD_VALUES[m.group(1).lower()])))
    return [v for _, v in sorted(found, key=lambda x: x[0])]


def digits_words(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Integers under 100 written in digits become words, and number words become digits
    (a problem that already mixes forms gets each flipped). Returns (text, replacements)."""
    changes: list[tuple[str, str]] = []
    pieces: list[tuple[int, int, str]] = []
    for m in _INT.finditer(text):
        n = int(m.group(1))
        if n < 100 and not m.group(1).startswith("0"):
            pieces.append((m.start(1), m.end(1), number_to_words(n)))
    for m in _NUMBER_WORD.finditer(text):
        word = m.group(1)
        if _is_quantity_word(text, m):
            pieces.append((m.start(1), m.end(1), str(WORD_VALUES[word.lower()])))
    out, last = [], 0
    for start, end, new in sorted(pieces):
        if start < last:
            continue
        out.append(text[last:start])
        if start == 0 or text[max(0, start - 2):start].endswith((". ", "? ", "! ")):
            new = new[:1].upper() + new[1:]  # a sentence that starts with a number
        out.append(new)
        changes.append((text[start:end], new))
        last = end
    out.append(text[last:])
    return "".join(out), changes


def _is_quantity_word(text: str, m: re.Match) -> bool:
    """"one" in "one of them" or "no one" is not a quantity worth flipping; others are."""
    word = m.group(1).lower()
    if word != "one":
        return True
    after = text[m.end():m.end() + 4].lower()
    before = text[max(0, m.start() - 3):m.start()].lower()
    return not (after.startswith(" of") or before.endswith("no ") or after.startswith(" another"))


def thousands(text: str) -> tuple[str, list[tuple[str, str]]]:
    """1234 -> 1,234 and 1,234 -> 1234 for whole numbers of four digits or more."""
    changes: list[tuple[str, str]] = []

    def group(m: re.Match) -> str:
        new = f"{int(m.group(1)):,}"
        changes.append((m.group(1), new))
        return new

    def ungroup(m: re.Match) -> str:
        new = m.group(1).replace(",", "")
        changes.append((m.group(1), new))
        return new

    if _GROUPED.search(text):
        return _GROUPED.sub(ungroup, text), changes
    return _BIG.sub(group, text), changes


def swap_names(text: str, names: list[str], pool: list[str], pick) -> tuple[str, dict[str, str]]:
    """Each of `names` (found in text) replaced by a distinct unused name from `pool`;
    `pick(candidates)` chooses (an rng's choice)."""
    used = set(names) | {w for w in re.findall(r"[A-Z][a-z]+", text)}
    mapping: dict[str, str] = {}
    for name in names:
        candidates = [n for n in pool if n not in used and n not in mapping.values()]
        if not candidates:
            break
        mapping[name] = pick(candidates)
    if not mapping:
        return text, {}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, mapping)) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(1)], text), mapping


def names_in(text: str, pool: tuple[str, ...]) -> list[str]:
    found = set(re.findall(r"\b[A-Z][a-z]+\b", text))
    return [n for n in pool if n in found]


def split_last_sentence(text: str) -> tuple[str, str]:
    """(everything before the final sentence, the final sentence)."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text.strip())
    if len(parts) < 2:
        return "", text.strip()
    return " ".join(parts[:-1]), parts[-1]


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text.strip())
