"""llama-cpp-python, in-process: GGUF models on CPU (the embedded demo) or a local GPU.

Chat prompts are rendered here through the model's own template (GGUF metadata
`tokenizer.chat_template`, or the spec's `chat_template` override), so the exact text the model
saw is stored with every sample.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import contextmanager
from collections.abc import Sequence
from typing import Any, ClassVar

from tunegap.backends.base import Backend, Capabilities
from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.models import resolve_model_path
from tunegap.prompts.chat_template import render_chat
from tunegap.types import Generation, Prompt, Request


def _import_llama():
    try:
        import llama_cpp
        import llama_cpp._logger as llama_logger
    except ImportError:
        raise UserError(
            "backend 'llamacpp' needs llama-cpp-python: pip install 'tunegap[llamacpp]'"
        ) from None
    # llama.cpp logs through this logger; keep its chatter off the user's terminal.
    llama_logger.logger.setLevel(logging.ERROR)
    return llama_cpp


@contextmanager
def _quiet_native_stderr(enabled: bool):
    """llama.cpp prints load-time notes straight to fd 2; hide them unless verbose."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class LlamaCppBackend(Backend):
    name: ClassVar[str] = "llamacpp"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, first_token_topk=False, sampling=True, n_per_request=True
    )

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        llama_cpp = _import_llama()
        self.path = resolve_model_path(spec.backend.model)
        opts: dict[str, Any] = dict(spec.backend.options)
        verbose = bool(opts.pop("verbose", False))
        with _quiet_native_stderr(not verbose):
            self.llm = llama_cpp.Llama(
                model_path=str(self.path),
                n_ctx=spec.backend.n_ctx,
                n_threads=spec.backend.n_threads or max(1, os.cpu_count() or 1),
                verbose=verbose,
                **opts,
            )
        self.template = spec.backend.chat_template or self.llm.metadata.get("tokenizer.chat_template")
        self.bos_text = self._token_text(self.llm.token_bos())
        self.eos_text = self._token_text(self.llm.token_eos())

    def _token_text(self, token_id: int) -> str:
        if token_id < 0:
            return ""
        return self.llm._model.token_get_text(token_id)

    def check(self, requests: Sequence[Request]) -> None:
        super().check(requests)
        if self.template is None and any(r.prompt.is_chat for r in requests):
            raise UserError(
                f"model '{self.spec.name}' ({self.path.name}) has no chat template: run its "
                "settings with chat: false, or set backend.chat_template"
            )

    def render(self, prompt: Prompt) -> str:
        if prompt.text is not None:
            return prompt.text
        assert self.template is not None and prompt.messages is not None
        return render_chat(self.template, prompt.messages,
                           bos_token=self.bos_text, eos_token=self.eos_text)

    def _tokens(self, text: str) -> list[int]:
        # A template that writes BOS itself must not get a second one from the tokenizer.
        add_bos = not (self.bos_text and text.startswith(self.bos_text))
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        out = []
        for req in requests:
            text = self.render(req.prompt)
            tokens = self._tokens(text)
            p = req.params
            gens = []
            for i in range(p.n):
                self.llm.reset()
                res = self.llm.create_completion(
                    tokens,
                    max_tokens=p.max_tokens,
                    temperature=p.temperature,
                    top_p=p.top_p,
                    top_k=p.top_k if p.top_k > 0 else (1 if p.temperature == 0 else 0),
                    min_p=0.0,
                    repeat_penalty=1.0,
                    stop=list(req.prompt.stop) or None,
                    seed=(p.seed + i) if p.seed is not None else None,
                )
                choice = res["choices"][0]
                usage = res.get("usage", {})
                gens.append(Generation(
                    text=choice["text"],
                    finish_reason=choice.get("finish_reason") or "stop",
                    prompt_tokens=usage.get("prompt_tokens", len(tokens)),
                    completion_tokens=usage.get("completion_tokens", 0),
                    rendered_prompt=text,
                ))
            out.append(gens)
        return out

    def close(self) -> None:
        llm = getattr(self, "llm", None)
        if llm is not None:
            llm.close()
            self.llm = None
