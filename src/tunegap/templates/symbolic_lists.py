"""The named lists GSM-Symbolic's annotations sample from, and how to read a default's text.

Apple released the templates but not the generator, so these lists are tunegap's
reconstruction: the names the templates use (`fraction_alnum`, `multi_times`, ...) with values
consistent with every default written in the released templates. Instances drawn from them are
therefore not Apple's instances; reports say so.
"""

from __future__ import annotations

import re
from fractions import Fraction

from tunegap.templates.pools import ONES, TENS, WORD_VALUES, number_to_words


class Word(Fraction):
    """A number written as words in the question ("twice", "three quarters", "six-sided").

    It is the number in arithmetic, and also the pair (text, value) that some GSM-Symbolic
    formulas index (`mult[1]`)."""

    def __new__(cls, text: str, value: Fraction | int):
        self = super().__new__(cls, value)
        self.text = text
        return self

    def __getitem__(self, i: int):
        return (self.text, Fraction(self))[i]

    def __repr__(self) -> str:
        return f"Word({self.text!r}, {Fraction(self)})"

    @property
    def value(self) -> Fraction:
        return Fraction(self)


_FRACTION_WORDS = {
    "half": Fraction(1, 2), "a half": Fraction(1, 2), "one-half": Fraction(1, 2),
    "third": Fraction(1, 3), "a third": Fraction(1, 3), "one-third": Fraction(1, 3),
    "one third": Fraction(1, 3), "two-thirds": Fraction(2, 3), "two thirds": Fraction(2, 3),
    "quarter": Fraction(1, 4), "a quarter": Fraction(1, 4), "one-quarter": Fraction(1, 4),
    "one quarter": Fraction(1, 4), "three quarters": Fraction(3, 4),
    "three-quarters": Fraction(3, 4), "one-fifth": Fraction(1, 5), "a fifth": Fraction(1, 5),
    "two-fifths": Fraction(2, 5), "three-fifths": Fraction(3, 5), "four-fifths": Fraction(4, 5),
    "one-sixth": Fraction(1, 6), "one-eighth": Fraction(1, 8), "one-tenth": Fraction(1, 10),
}
_MULTIPLE_WORDS = {
    "twice": 2, "double": 2, "thrice": 3, "triple": 3, "three times": 3, "four times": 4,
    "quadruple": 4, "five times": 5, "six times": 6,
}


def read_number(text: str) -> Fraction | None:
    """The value a default's text stands for: 12, 1,200, 1.5, 3/4, "two", "twice", "half"."""
    t = text.strip().lower().replace(",", "")
    if len(t) > 100:  # no quantity in a problem is written with 100 characters
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?", t):
        return Fraction(t)
    if re.fullmatch(r"\d+\s*/\s*\d+", t):
        return Fraction(t.replace(" ", ""))
    if t in _FRACTION_WORDS:
        return _FRACTION_WORDS[t]
    if t in _MULTIPLE_WORDS:
        return Fraction(_MULTIPLE_WORDS[t])
    if t in WORD_VALUES:
        return Fraction(WORD_VALUES[t])
    return None


def _words(items: list[str]) -> list[Word]:
    return [Word(t, read_number(t)) for t in items]  # type: ignore[arg-type]


NAMES_FEMALE = ["Ava", "Chloe", "Emma", "Grace", "Ines", "Kira", "Maya", "Olga", "Priya", "Rosa",
                "Uma", "Wendy", "Yara", "Bella", "Dana", "Sofia", "Mei", "Leah"]
NAMES_MALE = ["Ben", "Diego", "Farid", "Hiro", "Jonah", "Liam", "Noah", "Sam", "Tariq", "Victor",
              "Xavier", "Zane", "Amir", "Carlos", "Omar", "Luca", "Ravi", "Theo"]

LISTS: dict[str, list] = {
    "names": NAMES_FEMALE + NAMES_MALE,
    "names_female": NAMES_FEMALE,
    "names_male": NAMES_MALE,
    "currencies_sym": ["$", "€", "£"],
    "cities": ["Los Angeles", "Chicago", "Houston", "Denver", "Seattle", "Boston"],
    "colors": ["red", "blue", "green", "yellow", "purple", "orange", "white", "black"],
    "fruits": ["apple", "banana", "pineapple", "orange", "pear", "peach", "mango"],
    "sports": ["basketball", "soccer", "tennis", "volleyball", "baseball"],
    "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "length_lg": ["mile", "kilometer"],
    "weights_med": ["pound", "kilogram"],
    "weights_sm": ["ounce", "gram"],
    "fraction_alnum": _words(["half", "one-third", "two-thirds", "a quarter", "three quarters",
                              "one-fifth", "three-fifths", "1/3", "1/4", "1/5", "1/8", "1/16"]),
    "fractions": _words(["half", "1/3", "1/4", "1/5"]),
    "fraction_alph": _words(["half", "a third", "a quarter", "one-fifth", "1/10"]),
    "fraction_nums": _words(["1/2", "1/3", "1/4", "1/5", "two-thirds", "one-third"]),
    "fraction_decimals": [Fraction(x) for x in ("0.2", "0.25", "0.5", "0.75")],
    "multi_times": _words(["twice", "three times", "four times", "five times"]),
    "multiple": _words(["double", "triple", "quadruple"]),
    "multiple_ice": _words(["twice", "thrice"]),
}


MAX_WORDS = 10_000  # a template's own range: numbers_within(0, 10**12) must not run for hours


def numbers_within(lo, hi) -> list[Word]:
    lo, hi = int(lo), int(hi)
    if hi - lo >= MAX_WORDS:
        raise ValueError(f"numbers_within spans more than {MAX_WORDS} numbers")
    return [Word(number_to_words(n), Fraction(n)) for n in range(lo, hi + 1)]


__all__ = ["LISTS", "Word", "numbers_within", "read_number", "ONES", "TENS"]
