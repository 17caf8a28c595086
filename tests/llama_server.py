"""Start llama-cpp-python's OpenAI-compatible server on 127.0.0.1 for integration tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVED_NAME = "smollm2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def llama_server(model: Path, *, n_ctx: int = 2048, ready_s: float = 90,
                 logits_all: bool = True) -> Iterator[int]:
    """Yield the port of a running server; with logits_all completions can return logprobs
    (it costs a full-vocabulary row per prompt token: leave it off when no logprobs are read).

    The chat template is the GGUF's own (llama-cpp-python uses `tokenizer.chat_template` when no
    --chat_format is given)."""
    import httpx

    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", str(n_ctx), "--logits_all", str(logits_all),
           "--model_alias", SERVED_NAME, "--n_threads", str(min(2, os.cpu_count() or 1)),
           "--verbose", "False"]
    log = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in finally; a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + ready_s
        while True:
            if proc.poll() is not None:
                log.seek(0)
                err = log.read().decode(errors="replace")[-2000:]
                raise RuntimeError(f"llama_cpp.server exited early: {err}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not become ready")
            time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
