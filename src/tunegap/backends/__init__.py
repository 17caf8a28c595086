"""Backend registry. Engines import lazily so that a missing extra fails only when used."""

from __future__ import annotations

import importlib

from tunegap.backends.base import Backend, Capabilities
from tunegap.config import ModelSpec
from tunegap.errors import UserError

# name -> (module, class, extra to install)
REGISTRY: dict[str, tuple[str, str, str]] = {
    "hf": ("tunegap.backends.hf", "HFBackend", "hf"),
    "llamacpp": ("tunegap.backends.llamacpp", "LlamaCppBackend", "llamacpp"),
    "openai": ("tunegap.backends.openai", "OpenAIBackend", "openai"),
    "scripted": ("tunegap.backends.scripted", "ScriptedBackend", ""),
    "vllm": ("tunegap.backends.vllm", "VLLMBackend", "vllm"),
}


def backend_class(name: str) -> type[Backend]:
    if name == "imported":
        raise UserError("this run holds generations imported from another tool: tunegap "
                        "cannot generate more for it (tunegap grade and tunegap report work)")
    if name not in REGISTRY:
        raise UserError(f"backend '{name}' is not available (known: {', '.join(sorted(REGISTRY))})")
    module, cls, _extra = REGISTRY[name]
    return getattr(importlib.import_module(module), cls)


def load_backend(spec: ModelSpec) -> Backend:
    return backend_class(spec.backend.type)(spec)


__all__ = ["REGISTRY", "Backend", "Capabilities", "backend_class", "load_backend"]
