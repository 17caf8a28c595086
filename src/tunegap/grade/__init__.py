"""Graders: (answer, target, example) → Grade. Run them through grade/limits.py (GraderPool) to
get the per-item time limit; the functions here are the plain, single-item graders.

Each grader module declares ANSWER_TYPES (and may define `applies(example)`): an item outside
them is "n/a" for that grader, recorded as not applicable rather than as wrong. A grader never
raises on any answer (tests/test_hostile_fuzz.py holds every grader to that) and, when it can
read the answer, returns its canonical form (Grade.canonical: one string per value, on which
maj@k votes). A grader that needs an optional library names its import in `REQUIRES`.

Adding a grader: one module with `grade`, `ANSWER_TYPES` (or `applies`), plus one
`register_grader` call (here for a built-in); a config may also name one as `package:module`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from types import FunctionType, ModuleType, SimpleNamespace
from typing import Any

from tunegap.errors import UserError
from tunegap.grade.base import MISSING, NOT_APPLICABLE, TIMEOUT, Grade
from tunegap.registry import Registry
from tunegap.types import Example

Grader = Callable[[str | None, str, Example], Grade]


def _check_grader(name: str, obj: Any) -> Any:
    """A grader is a module (or any object) with `grade` and `ANSWER_TYPES` or `applies`; a
    plug-in may also be a bare `grade` function, which then judges every item."""
    if isinstance(obj, FunctionType):
        return SimpleNamespace(__name__=name, grade=obj, applies=lambda example: True)
    if not callable(getattr(obj, "grade", None)) or not (
            hasattr(obj, "ANSWER_TYPES") or callable(getattr(obj, "applies", None))):
        raise UserError(f"grader '{name}' must be a module with grade(answer, target, example) "
                        "and ANSWER_TYPES or applies(example), or a grade function",
                        field="graders")
    return None


# name → the grader's module, imported on first use. Worker processes find an entry by
# GRADERS.ref(name): a built-in by its name, one registered at run time by "package:module".
GRADERS: Registry[ModuleType] = Registry("grader", field="graders", check=_check_grader)


def register_grader(name: str, module: ModuleType | str) -> None:
    """Add (or replace) a grader: its module, or the module's import path. Worker processes
    import it by its module's name, so the module must be importable (a package module, or one
    on sys.path)."""
    GRADERS.register(name, module)


for _name, _module in (("numeric", "numeric"), ("math-standard", "math_standard"),
                       ("math-verify", "mathverify"), ("medcalc", "medcalc"),
                       ("medcalc-official", "medcalc_official"), ("unanswerable", "unanswerable")):
    register_grader(_name, f"tunegap.grade.{_module}:")
GRADERS.freeze_builtins()


def missing_requirements(name: str) -> str | None:
    """The first optional library this grader needs that is not installed, if any."""
    for package in getattr(GRADERS.get(name), "REQUIRES", ()):
        if importlib.util.find_spec(package) is None:
            return package
    return None


def get_grader(name: str) -> Grader:
    return GRADERS.get(name).grade


def applies(name: str, example: Example) -> bool:
    mod = GRADERS.get(name)
    check = getattr(mod, "applies", None)
    if check is not None:
        return bool(check(example))
    return example.answer_type in mod.ANSWER_TYPES


def judges_missing(name: str) -> bool:
    """Whether a missing answer goes to the grader (it may be right) instead of being missing."""
    return bool(getattr(GRADERS.get(name), "JUDGES_MISSING", False))


def grade_now(name: str, answer: str | None, target: str, example: Example) -> Grade:
    """One grade in this thread, no time limit (the worker processes call this)."""
    if not applies(name, example):
        return NOT_APPLICABLE
    return get_grader(name)(answer, target, example)


__all__ = ["GRADERS", "MISSING", "NOT_APPLICABLE", "TIMEOUT", "Grade", "applies", "get_grader",
           "grade_now", "judges_missing", "missing_requirements", "register_grader"]
