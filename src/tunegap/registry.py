"""The one registry shape for every extension: benchmarks, prompt families, extractors, graders,
backends, metrics, statistics, tables, plots, perturbation kinds.

An entry is a name and where its object lives: an import path `"package.module:attr"` (loaded on
first use, so listing names imports nothing heavy) or the object itself. `register(name, target)`
is the one call that adds one. Wherever a name is looked up, a `module:attr` plug-in name is
accepted too, so a user's own extension needs no registration at all. `ref(name)` says how a
fresh interpreter (a grader worker) finds an entry: built-ins by name, anything else by
`module:attr`.

A leaf module: it imports nothing of tunegap but errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType
from typing import Any, Generic, TypeVar

from tunegap.errors import UserError

T = TypeVar("T")


def load_ref(ref: str) -> Any:
    """The object a `module:attr` path names (`package:module` names a module, `module:` the
    module itself); ImportError or AttributeError when there is none."""
    module, _, attr = ref.partition(":")
    obj: Any = import_module(module)
    path = module
    for part in attr.split(".") if attr else ():
        path = f"{path}.{part}"
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if not isinstance(obj, ModuleType):
                raise
            obj = import_module(path)  # a submodule not imported yet
    return obj


def ref_of(obj: Any) -> str | None:
    """The `module:attr` path of a top-level object, `package:module` of a module, if it has one."""
    if isinstance(obj, ModuleType):
        package, _, leaf = obj.__name__.rpartition(".")
        return f"{package}:{leaf}" if package else f"{leaf}:"
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not qualname or "<locals>" in qualname:
        return None
    return f"{module}:{qualname}"


class Registry(Generic[T]):
    """name → entry, lazy by import path. `kind` names the extension in errors ("grader"),
    `field` the config field a bad name is reported under. `check(name, obj)` vets an entry
    that is not built in before its first use (a signature, the attributes a module needs): it
    raises a UserError, or returns None to keep the object or a replacement to use instead (a
    Backend class plug-in becomes its BackendEntry)."""

    def __init__(self, kind: str, *, field: str | None = None,
                 check: Callable[[str, Any], T | None] | None = None) -> None:
        self.kind = kind
        self.field = field
        self._check = check
        self._targets: dict[str, Any] = {}  # name → import path (str) or object
        self._loaded: dict[str, T] = {}
        self._builtin: dict[str, Any] = {}

    # -- adding ---------------------------------------------------------------------------
    def register(self, name: str, target: str | T) -> None:
        """Add (or replace) an entry: an import path `module:attr` or the object itself."""
        self._targets[name] = target
        self._loaded.pop(name, None)

    def freeze_builtins(self) -> None:
        """Mark what is registered now as built in: every process has it, so `ref` gives its name."""
        self._builtin = dict(self._targets)

    @contextmanager
    def saved(self) -> Iterator[Registry[T]]:
        """Registrations made inside the block are undone after it (tests, a one-off run)."""
        targets, loaded = dict(self._targets), dict(self._loaded)
        try:
            yield self
        finally:
            self._targets, self._loaded = targets, loaded

    # -- reading --------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._targets)

    def __contains__(self, name: object) -> bool:
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._targets))

    def __len__(self) -> int:
        return len(self._targets)

    def is_plugin(self, name: str) -> bool:
        return name not in self._targets and ":" in name

    def known(self, name: str) -> bool:
        """A registered name, or a plug-in path that resolves."""
        if name in self._targets:
            return True
        if ":" not in name:
            return False
        try:
            self.get(name)
        except UserError:
            return False
        return True

    def get(self, name: str) -> T:
        """The entry's object, loaded on first use; a `module:attr` plug-in otherwise."""
        if name in self._loaded:
            return self._loaded[name]
        target = self._targets.get(name)
        if target is None:
            if ":" not in name:
                raise UserError(f"unknown {self.kind} '{name}' (known: {', '.join(self.names())}; "
                                "or a plug-in as module:attr)", field=self.field)
            target = name
        obj = target
        if isinstance(target, str):
            try:
                obj = load_ref(target)
            except Exception as exc:  # noqa: BLE001  (a plug-in that fails to import: one line)
                raise UserError(f"{self.kind} '{name}' cannot be loaded from {target} "
                                f"({type(exc).__name__}: {exc})", field=self.field) from None
        if self._check is not None and not (name in self._builtin and self._builtin[name] is target):
            obj = self._check(name, obj) or obj
        self._loaded[name] = obj
        return obj

    __getitem__ = get

    def items(self) -> list[tuple[str, T]]:
        """Every registered entry, loaded (imports each: for listings, not for lookups)."""
        return [(name, self.get(name)) for name in self._targets]

    def values(self) -> list[T]:
        return [obj for _, obj in self.items()]

    def ref(self, name: str) -> str:
        """How a fresh interpreter finds this entry: a built-in by its name, anything else by
        `module:attr` (it has not seen the registration)."""
        target = self._targets.get(name)
        if target is None:
            return name  # a plug-in path already
        if name in self._builtin and self._builtin[name] is target:
            return name
        if isinstance(target, str):
            return target
        ref = ref_of(target)
        if ref is None:
            raise UserError(f"{self.kind} '{name}' must be defined at the top level of an "
                            "importable module (worker processes import it)", field=self.field)
        return ref
