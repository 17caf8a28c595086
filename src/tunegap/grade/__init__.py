"""Graders: (answer, target, example) → Grade. Run them through grade/limits.py (GraderPool) to
get the per-item time limit; the functions here are the plain, single-item graders.

Each grader module declares ANSWER_TYPES (and may define `applies(example)`): an item outside
them is "n/a" for that grader, recorded as not applicable rather than as wrong. A grader never
raises on any answer (tests/test_hostile_fuzz.py holds every grader to that) and, when it can
read the answer, returns its canonical form (Grade.canonical: one string per value, on which
maj@k votes). A grader that needs an optional library names its import in `REQUIRES`.

Adding a grader: one module with `grade`, `ANSWER_TYPES` (or `applies`), plus one
`register_grader` call (here for a built-in).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from types import ModuleType

from tunegap.errors import UserError
from tunegap.grade import (
    math_standard,
    mathverify,
    medcalc,
    medcalc_official,
    numeric,
    unanswerable,
)
from tunegap.grade.base import MISSING, NOT_APPLICABLE, TIMEOUT, Grade
from tunegap.types import Example

Grader = Callable[[str | None, str, Example], Grade]

MODULES: dict[str, ModuleType] = {
    "numeric": numeric,
    "math-standard": math_standard,
    "math-verify": mathverify,
    "medcalc": medcalc,
    "medcalc-official": medcalc_official,
    "unanswerable": unanswerable,
}
_BUILTIN = dict(MODULES)  # known to every process, worker processes included


def register_grader(name: str, module: ModuleType) -> None:
    """Add (or replace) a grader. Worker processes import it by its module's name, so the
    module must be importable (a package module, or one on sys.path)."""
    MODULES[name] = module


def grader_ref(name: str) -> str:
    """How a worker process finds this grader: built-ins by name, registered ones by
    "module:grade" (a fresh interpreter has not seen the registration)."""
    mod = MODULES.get(name)
    if mod is None or _BUILTIN.get(name) is mod:
        return name
    return f"{mod.__name__}:grade"


def missing_requirements(name: str) -> str | None:
    """The first optional library this grader needs that is not installed, if any."""
    for package in getattr(MODULES[name], "REQUIRES", ()):
        if importlib.util.find_spec(package) is None:
            return package
    return None


def get_grader(name: str) -> Grader:
    if name not in MODULES:
        raise UserError(f"unknown grader '{name}' (known: {', '.join(sorted(MODULES))})",
                        field="graders")
    return MODULES[name].grade


def applies(name: str, example: Example) -> bool:
    mod = MODULES[name]
    check = getattr(mod, "applies", None)
    if check is not None:
        return bool(check(example))
    return example.answer_type in mod.ANSWER_TYPES


def judges_missing(name: str) -> bool:
    """Whether a missing answer goes to the grader (it may be right) instead of being missing."""
    return bool(getattr(MODULES[name], "JUDGES_MISSING", False))


def grade_now(name: str, answer: str | None, target: str, example: Example) -> Grade:
    """One grade in this thread, no time limit (the worker processes call this)."""
    if not applies(name, example):
        return NOT_APPLICABLE
    return get_grader(name)(answer, target, example)


__all__ = ["MODULES", "MISSING", "NOT_APPLICABLE", "TIMEOUT", "Grade", "applies", "get_grader",
           "grade_now", "grader_ref", "judges_missing", "missing_requirements", "register_grader"]
