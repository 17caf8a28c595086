"""Backends: one engine each behind the `Backend` interface (base.py), listed once in
tunegap/backend_registry.py. Engines import lazily, so a missing extra fails only when that backend is used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tunegap.backend_registry import (
    BACKENDS,
    BackendEntry,
    backend_entry,
    known_backends,
    register_backend,
)

if TYPE_CHECKING:
    from tunegap.backends.base import Backend
    from tunegap.config import ModelSpec


def backend_class(name: str) -> type[Backend]:
    return backend_entry(name).load_class()


def load_backend(spec: ModelSpec) -> Backend:
    return backend_class(spec.backend.type)(spec)


__all__ = ["BACKENDS", "BackendEntry", "backend_class", "backend_entry", "known_backends",
           "load_backend", "register_backend"]
