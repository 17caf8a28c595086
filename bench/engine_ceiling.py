"""tunegap's llamacpp backend vs a bare llama-cpp-python loop on the same requests (bench 2).

    python bench/engine_ceiling.py [--model smollm2|gemma] [--n 16] [--max-tokens 64]
        [--batches 1,8,16] [--repeats 3]

The reference ("raw") is the engine's limit at a given batch size: the low-level API with the
least Python possible — all prompts of a batch prefilled in one llama_decode (one sequence
each), then one llama_decode per step for every live sequence, greedy argmax on llama.cpp's
logits buffer, a sequence ends on end-of-generation, a stop string or max tokens. tunegap's arm
is `LlamaCppBackend.stream` on the same requests with the batch size as its slot count, as the
runner calls it (slots refilled as sequences end; the bare loop decodes chunk after chunk).
Same weights, threads, n_batch, attention kernel and KV layout (one stream per sequence); each
arm keeps its loaded model across repetitions. Arms alternate (raw, tunegap, raw, ...), and the
figures are generated tokens per second, median with min–max, and their ratio; `uptime` is
printed.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsm8k_requests import gsm8k_requests, spec  # noqa: E402

from tunegap.backends.llamacpp import LlamaCppBackend  # noqa: E402
from tunegap.models import resolve_model_path  # noqa: E402


class Raw:
    """The bare loop: no slots refilled, no prefix sharing, no per-request options."""

    def __init__(self, path: Path, n_threads: int, max_batch: int, n_ctx_seq: int) -> None:
        import llama_cpp as L

        self.L = L
        L.llama_backend_init()
        self.model = L.llama_model_load_from_file(str(path).encode(), L.llama_model_default_params())
        self.vocab = L.llama_model_get_vocab(self.model)
        self.n_vocab = L.llama_vocab_n_tokens(self.vocab)
        cp = L.llama_context_default_params()
        cp.n_ctx = n_ctx_seq * max_batch
        cp.n_batch = cp.n_ubatch = 512
        cp.n_seq_max = max_batch
        cp.n_threads = cp.n_threads_batch = n_threads
        cp.kv_unified = False
        cp.no_perf = True
        # As tunegap (and llama-cpp-python's Llama): the default "auto" turns flash attention
        # on, which changes both the speed and the outputs.
        cp.flash_attn_type = L.LLAMA_FLASH_ATTN_TYPE_DISABLED
        self.ctx = L.llama_init_from_model(self.model, cp)
        self.mem = L.llama_get_memory(self.ctx)
        self.batch = L.llama_batch_init(max(512, max_batch), 0, 1)
        self.pieces: dict[int, bytes] = {}

    def tokenize(self, text: str) -> list[int]:
        data = text.encode()
        buf = (self.L.llama_token * (len(data) + 8))()
        n = self.L.llama_tokenize(self.vocab, data, len(data), buf, len(buf), True, True)
        return list(buf[:n])

    def piece(self, tok: int) -> bytes:
        if tok not in self.pieces:
            buf = ctypes.create_string_buffer(64)
            n = self.L.llama_token_to_piece(self.vocab, tok, buf, 64, 0, False)
            self.pieces[tok] = buf.raw[:max(n, 0)]
        return self.pieces[tok]

    def _decode(self, entries) -> np.ndarray:
        b = self.batch
        for i, (tok, pos, seq, out) in enumerate(entries):
            b.token[i], b.pos[i], b.n_seq_id[i], b.logits[i] = tok, pos, 1, out
            b.seq_id[i][0] = seq
        b.n_tokens = len(entries)
        assert self.L.llama_decode(self.ctx, b) == 0
        n_out = sum(e[3] for e in entries)
        return np.ctypeslib.as_array(self.L.llama_get_logits(self.ctx), shape=(n_out, self.n_vocab))

    def generate(self, prompts: list[list[int]], stops: list[tuple[bytes, ...]],
                 max_tokens: int) -> list[bytes]:
        self.L.llama_memory_clear(self.mem, True)
        entries = [(t, i, s, i == len(p) - 1) for s, p in enumerate(prompts) for i, t in enumerate(p)]
        firsts = []
        for lo in range(0, len(entries), 512):  # prompts may span several n_batch chunks
            firsts.append(self._decode(entries[lo : lo + 512]).argmax(axis=1))
        nxt = np.concatenate(firsts)
        pos = [len(p) for p in prompts]
        out = [bytearray() for _ in prompts]
        live = list(range(len(prompts)))
        count = [0] * len(prompts)
        while live:
            still = []
            for r, s in enumerate(live):
                tok = int(nxt[r])
                if self.L.llama_vocab_is_eog(self.vocab, tok):
                    continue
                out[s] += self.piece(tok)
                count[s] += 1
                if count[s] >= max_tokens or any(x in out[s][-64:] for x in stops[s]):
                    continue
                still.append((s, tok))
            if not still:
                break
            nxt = self._decode([(tok, pos[s], s, True) for s, tok in still]).argmax(axis=1)
            for s, _ in still:
                pos[s] += 1
            live = [s for s, _ in still]
        self.tokens = sum(count)
        return [bytes(o) for o in out]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--batches", default="1,8,16")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    batches = [int(x) for x in a.batches.split(",")]
    reqs = gsm8k_requests(a.model, n=a.n, max_tokens=a.max_tokens)
    threads = min(2, os.cpu_count() or 1)
    backends = {bs: LlamaCppBackend(spec(a.model, batch_size=bs, threads=threads))
                for bs in batches}
    raw = Raw(resolve_model_path(spec(a.model).backend.model), threads, max(batches), 1024)
    prompts = [raw.tokenize(r.prompt.text) for r in reqs]
    stops = [tuple(s.encode() for s in r.prompt.stop) for r in reqs]
    print(f"uptime: {os.getloadavg()} model={a.model} items={a.n} max_tokens={a.max_tokens} "
          f"threads={threads}")

    def run_raw(bs: int) -> tuple[float, int, list[bytes]]:
        t0, toks, outs = time.perf_counter(), 0, []
        for i in range(0, len(reqs), bs):
            outs += raw.generate(prompts[i : i + bs], stops[i : i + bs], a.max_tokens)
            toks += raw.tokens
        return time.perf_counter() - t0, toks, outs

    def run_tunegap(bs: int) -> tuple[float, int, list[str]]:
        t0 = time.perf_counter()
        got = dict(backends[bs].stream(reqs))  # the runner's path: bs slots, refilled
        outs = [got[i][0] for i in range(len(reqs))]
        return time.perf_counter() - t0, sum(g.completion_tokens for g in outs), [
            g.text for g in outs]

    for bs in batches:
        run_raw(bs), run_tunegap(bs)  # warm-up: contexts sized, weights paged in
        rates: dict[str, list[float]] = {"raw": [], "tunegap": []}
        same = 0
        for _ in range(a.repeats):
            dt, n, raw_out = run_raw(bs)
            rates["raw"].append(n / dt)
            dt, n, tg_out = run_tunegap(bs)
            rates["tunegap"].append(n / dt)
            same = sum(x.decode(errors="ignore").startswith(y) for x, y in zip(raw_out, tg_out,
                                                                               strict=True))
        med = {k: statistics.median(v) for k, v in rates.items()}
        span = {k: f"{min(v):.1f}–{max(v):.1f}" for k, v in rates.items()}
        print(f"batch {bs:>2}: raw {med['raw']:6.1f} tok/s ({span['raw']})  tunegap "
              f"{med['tunegap']:6.1f} tok/s ({span['tunegap']})  ratio "
              f"{med['tunegap'] / med['raw']:.2f}  same text {same}/{len(reqs)}", flush=True)
    print(f"uptime: {os.getloadavg()}")
    for backend in backends.values():
        backend.close()


if __name__ == "__main__":
    main()
