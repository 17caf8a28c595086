"""llama-cpp-python, in-process: GGUF models on CPU (the embedded demo) or a local GPU.

Real batched decoding on the low-level API (`llama_engine.LlamaEngine`) with continuous batching
(`continuous.decode_iter`): the runner's requests stream through `batch_size` × samples sequence
slots (at most `max_seqs`), one `llama_decode` per step for all live sequences; a finished
sequence frees its slot for the next request at once, and each finished request goes back to the
runner to be stored. Each request's prompt is prefilled once for all its samples or CoT branches,
and a prefix shared by consecutive prompts (instructions, exemplars) once for all of them.

Chat prompts are rendered here through the model's own template (GGUF metadata
`tokenizer.chat_template`, or the spec's `chat_template` override), so the exact text the model
saw is stored with every sample.

Options (`backend.options`): kv_unified (default False), max_seqs (default 64), n_batch
(default 512), n_gpu_layers (default 0), flash_attn (default False), kv_cache_type (f16 or
f32, default f16), share_prefix (default True: a prefix shared by consecutive prompts is
prefilled once; False prefills each prompt whole, which with batch_size 1 gives llama.cpp's own
one-at-a-time outputs), verbose (default False).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from tunegap.backends.base import Backend, Capabilities
from tunegap.backends.continuous import decode, decode_iter
from tunegap.backends.llama_engine import KV_CACHE_TYPES, LlamaEngine
from tunegap.backends.stepping import Job, first_candidates
from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.models import resolve_model_path
from tunegap.types import Generation, Prompt, Request, TokenCandidate


class LlamaCppBackend(Backend):
    name: ClassVar[str] = "llamacpp"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, first_token_topk=True, sampling=True, n_per_request=True,
        cot_decoding=True,
    )
    options: ClassVar[frozenset[str]] = frozenset({
        "kv_unified", "max_seqs", "n_batch", "n_gpu_layers", "flash_attn", "kv_cache_type",
        "share_prefix", "verbose"})
    renders_chat: ClassVar[bool] = True

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        opts: dict[str, Any] = dict(spec.backend.options)
        kv_cache_type = str(opts.get("kv_cache_type", "f16"))
        if kv_cache_type not in KV_CACHE_TYPES:
            raise UserError(f"backend.options.kv_cache_type must be one of "
                            f"{', '.join(KV_CACHE_TYPES)}, not {kv_cache_type!r}",
                            field="backend.options.kv_cache_type")
        self.path = resolve_model_path(spec.backend.model)
        self.engine = LlamaEngine(
            self.path, n_threads=spec.backend.n_threads,
            n_batch=int(opts.get("n_batch", 512)), kv_unified=bool(opts.get("kv_unified", False)),
            max_seqs=int(opts.get("max_seqs", 64)), n_gpu_layers=int(opts.get("n_gpu_layers", 0)),
            flash_attn=bool(opts.get("flash_attn", False)), kv_cache_type=kv_cache_type,
            verbose=bool(opts.get("verbose", False)))
        self.share_prefix = bool(opts.get("share_prefix", True))
        self.template = self.template or self.engine.chat_template()
        self.bos_text = self.engine.token_text(self.engine.bos)
        self.eos_text = self.engine.token_text(self.engine.eos)

    def check(self, requests: Sequence[Request]) -> None:
        super().check(requests)
        too_many = [r.params.samples for r in requests if r.params.samples > self.engine.max_seqs]
        if too_many:
            raise UserError(f"a request asks for {max(too_many)} samples/branches; the llamacpp "
                            f"backend decodes at most {self.engine.max_seqs} sequences together "
                            "(backend.options.max_seqs)")

    def tokens(self, text: str) -> list[int]:
        # A template that writes BOS itself must not get a second one from the tokenizer.
        add_bos = not (self.bos_text and text.startswith(self.bos_text))
        return self.engine.tokenize(text, add_special=add_bos)

    def _job(self, req: Request) -> Job:
        text = self.render(req.prompt)
        # 4 bytes a token: a run streams all its requests' prompts (a Python list: ~36).
        return Job(tokens=array("i", self.tokens(text)), params=req.params,
                   stop=req.prompt.stop, rendered=text)

    def _n_ctx_seq(self, jobs: Sequence[Job]) -> int:
        need = max(len(j.tokens) + j.params.max_tokens for j in jobs)
        return min(need, self.spec.backend.n_ctx, self.engine.n_ctx_train or need)

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        """The requests decoded together as one batch (as many slots as they have sequences,
        up to max_seqs: a request waiting for slots is admitted when enough have finished)."""
        jobs = [self._job(r) for r in requests]
        if not jobs:
            return []
        slots = min(sum(j.params.samples for j in jobs), self.engine.max_seqs)
        return decode(self.engine, jobs, slots=slots, n_ctx_seq=self._n_ctx_seq(jobs),
                      share_prefix=self.share_prefix)

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, list[Generation]]]:
        """All the requests through batch_size × samples slots (up to max_seqs), refilled as
        sequences end; each request is yielded as soon as its sequences have ended."""
        jobs = [self._job(r) for r in requests]
        if not jobs:
            return
        width = self.spec.backend.batch_size * max(j.params.samples for j in jobs)
        yield from decode_iter(self.engine, jobs, slots=min(width, self.engine.max_seqs),
                               n_ctx_seq=self._n_ctx_seq(jobs), share_prefix=self.share_prefix)

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        toks = self.tokens(self.render(prompt))
        logits = self.engine.start([toks], [1], len(toks) + 1)[0]
        return first_candidates(self.engine, logits, k)

    def close(self) -> None:
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.close()
            self.engine = None  # type: ignore[assignment]
