"""A batched decoding engine on llama.cpp's low-level C API (llama-cpp-python's ctypes bindings).

Several sequences share each `llama_decode`: prompts are prefilled together, and every decoding
step appends one token to each live sequence in a single batch. A prompt is evaluated once into
one sequence and its KV cache copied (`llama_memory_seq_cp`) to the sequences that continue it
(n samples, CoT branches); a prefix common to all prompts of a batch (few-shot exemplars) is
evaluated once and copied the same way. `prompt_tokens_evaluated` counts every prompt token that
went through the model, so tests can assert that a prefix was prefilled once.

The context is created to fit the batch at hand (sequences × per-sequence context) and recreated
only when a larger one is needed. `kv_unified=False` gives each sequence its own KV stream,
which decodes unrelated sequences faster on CPU; copies between streams then copy whole streams,
which is all this engine ever does.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from tunegap.backends.stepping import common_prefix
from tunegap.errors import BackendError, UserError


def _lib():
    try:
        import llama_cpp
        import llama_cpp._logger as llama_logger
    except ImportError:
        raise UserError(
            "backend 'llamacpp' needs llama-cpp-python: pip install 'tunegap[llamacpp]'"
        ) from None
    # llama-cpp-python routes llama.cpp's log through this logger: keep its chatter quiet.
    llama_logger.logger.setLevel(logging.ERROR)
    return llama_cpp


@contextmanager
def quiet_native_stderr(enabled: bool = True) -> Iterator[None]:
    """Some load-time notes go straight to fd 2; hide them unless verbose."""
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


# ggml type ids for the KV cache; f16 is llama.cpp's default, f32 removes its rounding.
KV_CACHE_TYPES = {"f32": 0, "f16": 1}


class LlamaEngine:
    def __init__(self, path: Path, *, n_threads: int | None = None, n_batch: int = 512,
                 kv_unified: bool = False, max_seqs: int = 64, n_gpu_layers: int = 0,
                 flash_attn: bool = False, kv_cache_type: str = "f16",
                 verbose: bool = False) -> None:
        lib = self.lib = _lib()
        self.verbose = verbose
        lib.llama_backend_init()
        mparams = lib.llama_model_default_params()
        mparams.n_gpu_layers = n_gpu_layers
        with quiet_native_stderr(not verbose):
            self.model = lib.llama_model_load_from_file(str(path).encode(), mparams)
        if not self.model:
            raise UserError("llama.cpp could not load the model", file=str(path))
        self.vocab = lib.llama_model_get_vocab(self.model)
        self.n_vocab = lib.llama_vocab_n_tokens(self.vocab)
        self.n_ctx_train = lib.llama_model_n_ctx_train(self.model)
        self.n_threads = n_threads or max(1, os.cpu_count() or 1)
        self.n_batch, self.kv_unified, self.max_seqs = n_batch, kv_unified, max_seqs
        self.flash_attn = flash_attn
        self.kv_cache_type = KV_CACHE_TYPES[kv_cache_type]
        self.ctx = None
        self.batch = None
        self.n_seq_max = 0
        self.n_ctx_seq = 0
        self.pos: dict[int, int] = {}
        self.holder: int | None = None  # the sequence holding the shared prefix, if any
        self.shared = 0  # its length
        self._pieces: dict[int, bytes] = {}
        # Accounting that tests read: prompt tokens through the model, decode calls, steps.
        self.prompt_tokens_evaluated = 0
        self.generated_tokens_evaluated = 0
        self.decode_calls = 0

    # ---------------------------------------------------------------- vocabulary
    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        data = text.encode("utf-8")
        cap = len(data) + 8
        buf = (self.lib.llama_token * cap)()
        n = self.lib.llama_tokenize(self.vocab, data, len(data), buf, cap, add_special, True)
        if n < 0:  # buffer too small: -n is the size needed
            cap = -n
            buf = (self.lib.llama_token * cap)()
            n = self.lib.llama_tokenize(self.vocab, data, len(data), buf, cap, add_special, True)
        return list(buf[:n])

    def piece(self, token: int) -> bytes:
        got = self._pieces.get(token)
        if got is None:
            buf = ctypes.create_string_buffer(64)
            n = self.lib.llama_token_to_piece(self.vocab, token, buf, 64, 0, False)
            if n < 0:
                buf = ctypes.create_string_buffer(-n)
                n = self.lib.llama_token_to_piece(self.vocab, token, buf, -n, 0, False)
            got = self._pieces[token] = buf.raw[:n]
        return got

    def token_text(self, token: int) -> str:
        """The token as written in the vocabulary, special tokens included (e.g. '<s>')."""
        if token < 0:
            return ""
        raw = self.lib.llama_vocab_get_text(self.vocab, token)
        return raw.decode("utf-8", errors="replace") if raw else ""

    def display(self, token: int) -> str:
        """Readable token text: its piece, or its vocabulary text for special tokens."""
        return self.piece(token).decode("utf-8", errors="replace") or self.token_text(token)

    def is_eog(self, token: int) -> bool:
        return bool(self.lib.llama_vocab_is_eog(self.vocab, token))

    @property
    def bos(self) -> int:
        return int(self.lib.llama_vocab_bos(self.vocab))

    @property
    def eos(self) -> int:
        return int(self.lib.llama_vocab_eos(self.vocab))

    def chat_template(self) -> str | None:
        raw = self.lib.llama_model_chat_template(self.model, None)
        return raw.decode("utf-8") if raw else None

    # ---------------------------------------------------------------- context
    def _ensure_context(self, n_seqs: int, n_ctx_seq: int, extra: int = 0) -> None:
        """A context for n_seqs decoded sequences (+ `extra` that only hold a prefix)."""
        if n_seqs > self.max_seqs:
            raise UserError(f"a batch needs {n_seqs} sequences; the llamacpp backend allows "
                            f"{self.max_seqs} (backend.options.max_seqs)")
        n_seqs += extra
        if self.ctx is not None and n_seqs <= self.n_seq_max and n_ctx_seq <= self.n_ctx_seq:
            return
        lib = self.lib
        self._free_context()
        n_seq_max = max(n_seqs, self.n_seq_max)
        per_seq = -(-max(n_ctx_seq, self.n_ctx_seq, 256) // 256) * 256
        cparams = lib.llama_context_default_params()
        cparams.n_ctx = per_seq * n_seq_max
        cparams.n_batch = cparams.n_ubatch = self.n_batch
        cparams.n_seq_max = n_seq_max
        cparams.n_threads = cparams.n_threads_batch = self.n_threads
        cparams.kv_unified = self.kv_unified
        cparams.type_k = cparams.type_v = self.kv_cache_type
        cparams.no_perf = True
        # Off by default, like llama-cpp-python's Llama (and so its server): same numerics.
        cparams.flash_attn_type = (lib.LLAMA_FLASH_ATTN_TYPE_ENABLED if self.flash_attn
                                   else lib.LLAMA_FLASH_ATTN_TYPE_DISABLED)
        with quiet_native_stderr(not self.verbose):
            self.ctx = lib.llama_init_from_model(self.model, cparams)
        if not self.ctx:
            raise BackendError(f"llama.cpp could not create a context of {cparams.n_ctx} tokens")
        self.n_seq_max = n_seq_max
        self.n_ctx_seq = int(lib.llama_n_ctx_seq(self.ctx))
        self.mem = lib.llama_get_memory(self.ctx)
        self.batch = lib.llama_batch_init(max(self.n_batch, n_seq_max), 0, 1)

    def _free_context(self) -> None:
        if self.batch is not None:
            self.lib.llama_batch_free(self.batch)
            self.batch = None
        if self.ctx is not None:
            self.lib.llama_free(self.ctx)
            self.ctx = None

    def _decode(self, entries: Sequence[tuple[int, int, int, bool]]) -> list[np.ndarray]:
        """One llama_decode over (token, pos, seq, wants_logits) entries; returns the logits
        of the entries that asked for them, in order."""
        b = self.batch
        for i, (tok, pos, seq, out) in enumerate(entries):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = tok, pos, 1, int(out)
            b.seq_id[i][0] = seq
        b.n_tokens = len(entries)
        rc = self.lib.llama_decode(self.ctx, b)
        self.decode_calls += 1
        if rc != 0:
            raise BackendError(f"llama_decode failed (code {rc}): the KV cache may be full")
        rows = []
        for i, (_, _, _, out) in enumerate(entries):
            if out:
                ptr = self.lib.llama_get_logits_ith(self.ctx, i)
                rows.append(np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)).copy())
        return rows

    # ---------------------------------------------------------------- StepEngine
    def start(self, prompts: Sequence[Sequence[int]], fanout: Sequence[int],
              n_ctx_seq: int) -> np.ndarray:
        if any(len(p) == 0 for p in prompts):
            raise UserError("empty prompt")
        self._ensure_context(sum(fanout), n_ctx_seq)
        longest = max(len(p) for p in prompts)
        if longest >= self.n_ctx_seq:
            raise UserError(f"a prompt of {longest} tokens does not fit the context of "
                            f"{self.n_ctx_seq} tokens per sequence (raise backend.n_ctx)")
        self.lib.llama_memory_clear(self.mem, True)
        self.pos = {}
        src = [sum(fanout[:j]) for j in range(len(prompts))]
        shared = common_prefix(prompts)
        if shared:
            self._prefill([(src[0], prompts[0][:shared], 0)])
            for j in range(1, len(prompts)):
                self.lib.llama_memory_seq_cp(self.mem, src[0], src[j], -1, -1)
        rows = self._prefill([(src[j], p[shared:], shared) for j, p in enumerate(prompts)])
        for j, p in enumerate(prompts):
            self.pos[src[j]] = len(p)
            for extra in range(1, fanout[j]):
                self.lib.llama_memory_seq_cp(self.mem, src[j], src[j] + extra, -1, -1)
                self.pos[src[j] + extra] = len(p)
        return np.stack(rows)

    def _prefill(self, parts: Sequence[tuple[int, Sequence[int], int]],
                 logits: bool = True) -> list[np.ndarray]:
        """Evaluate (seq, tokens, start pos) parts packed into batches of n_batch tokens;
        returns the logits after each part's last token (none when logits is False)."""
        entries = [(tok, start + i, seq, logits and i == len(toks) - 1)
                   for seq, toks, start in parts for i, tok in enumerate(toks)]
        rows: list[np.ndarray] = []
        for lo in range(0, len(entries), self.n_batch):
            rows += self._decode(entries[lo : lo + self.n_batch])
        self.prompt_tokens_evaluated += len(entries)
        return rows

    def step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray:
        return self.decode_step(seqs, tokens).copy()

    # ------------------------------------------------------- continuous batching
    # The scheduler (backends/continuous.py) admits requests into free sequence slots while
    # others decode, and frees a slot's KV cells as soon as its sequence ends.
    def begin(self, n_slots: int, n_ctx_seq: int, holder: bool = False) -> None:
        """Empty the cache for n_slots sequences, plus a holder sequence for shared prefixes
        (`hold`) when asked."""
        self._ensure_context(n_slots, n_ctx_seq, extra=1 if holder else 0)
        self.lib.llama_memory_clear(self.mem, True)
        self.pos = {}
        self.holder, self.shared = (n_slots if holder else None), 0

    def hold(self, prefix: Sequence[int]) -> None:
        """Evaluate a prefix shared by the prompts admitted next into the holder sequence,
        which `admit` copies from (an empty prefix: copy nothing)."""
        if self.holder is None:
            if prefix:
                raise ValueError("begin() was not asked for a holder sequence")
            return
        self.lib.llama_memory_seq_rm(self.mem, self.holder, -1, -1)
        self.shared = len(prefix)
        if prefix:
            self._prefill([(self.holder, prefix, 0)], logits=False)

    def admit(self, parts: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray:
        """Prefill (prompt, seq ids) parts together: each prompt once, into its first sequence
        (after the shared prefix, copied from the holder), then copied to its other sequences.
        Returns each prompt's next-token logits (copied rows)."""
        longest = max(len(p) for p, _ in parts)
        if longest >= self.n_ctx_seq:
            raise UserError(f"a prompt of {longest} tokens does not fit the context of "
                            f"{self.n_ctx_seq} tokens per sequence (raise backend.n_ctx)")
        if self.shared:
            for _, seqs in parts:
                self.lib.llama_memory_seq_cp(self.mem, self.holder, seqs[0], -1, -1)
        rows = self._prefill([(seqs[0], p[self.shared:], self.shared) for p, seqs in parts])
        for p, seqs in parts:
            for seq in seqs:
                self.pos[seq] = len(p)
                if seq != seqs[0]:
                    self.lib.llama_memory_seq_cp(self.mem, seqs[0], seq, -1, -1)
        return np.stack(rows)

    def decode_step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray:
        """Append one token to each listed sequence in one llama_decode. Returns their logits
        as a read-only view of llama.cpp's own buffer (no copy of a vocabulary-wide row), valid
        until the next decode."""
        b = self.batch
        pos = self.pos
        for i, (seq, tok) in enumerate(zip(seqs, tokens, strict=True)):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = tok, pos[seq], 1, 1
            b.seq_id[i][0] = seq
            pos[seq] += 1
        b.n_tokens = n = len(seqs)
        rc = self.lib.llama_decode(self.ctx, b)
        self.decode_calls += 1
        if rc != 0:
            raise BackendError(f"llama_decode failed (code {rc}): the KV cache may be full")
        self.generated_tokens_evaluated += n
        # llama_get_logits puts the output rows back in batch order.
        view = np.ctypeslib.as_array(self.lib.llama_get_logits(self.ctx), shape=(n, self.n_vocab))
        view.flags.writeable = False
        return view

    def release(self, seq: int) -> None:
        """Free a finished sequence's cells, so its slot can take the next request."""
        self.lib.llama_memory_seq_rm(self.mem, seq, -1, -1)
        self.pos.pop(seq, None)

    def close(self) -> None:
        self._free_context()
        if getattr(self, "model", None):
            self.lib.llama_model_free(self.model)
            self.model = None
