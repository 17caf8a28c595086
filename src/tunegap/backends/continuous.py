"""Continuous batching for the llama.cpp engine: a fixed number of sequence slots, refilled as
soon as a sequence ends, one `llama_decode` per step for every live sequence.

The per-request decisions (samples and their seeds, CoT branches, stop strings, first-token
log-probs, margins) are `stepping`'s, shared with the hf backend; what lives here is the order of
work and the per-step Python cost:

- a request is admitted when all its sequences fit the free slots (its prompt is prefilled once,
  then copied to its samples or CoT branches); requests are admitted in order;
- a prefix common to every prompt of the call (instructions, few-shot exemplars) is evaluated
  once and copied into each admitted sequence (`LlamaEngine.begin`/`admit`);
- each step reads llama.cpp's logits buffer in place: one vectorised argmax over the greedy
  rows, the top-1/top-2 probabilities only for CoT rows, a full-row copy only for sampled rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from tunegap.backends.stepping import (
    Job,
    _Seq,
    accept,
    first_token,
    generation,
    pick_token,
    start_seqs,
)
from tunegap.types import Generation


class SlotEngine(Protocol):
    def is_eog(self, token: int) -> bool: ...

    def piece(self, token: int) -> bytes: ...

    def display(self, token: int) -> str: ...

    def begin(self, n_slots: int, n_ctx_seq: int, prefix: Sequence[int] = ()) -> None: ...

    def admit(self, parts: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray: ...

    def decode_step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray: ...

    def release(self, seq: int) -> None: ...


def common_prefix(prompts: Sequence[Sequence[int]], min_len: int = 8) -> int:
    """Tokens shared by every prompt, leaving each at least one of its own (its logits come
    from its last token); 0 below min_len (a copy costs more than a few tokens)."""
    if len(prompts) < 2:
        return 0
    n = min(len(p) for p in prompts) - 1
    first = prompts[0]
    i = 0
    while i < n and all(p[i] == first[i] for p in prompts[1:]):
        i += 1
    return i if i >= min_len else 0


def top2_rows(view: np.ndarray, rows: Sequence[int]) -> list[tuple[float, float]]:
    """Softmax probabilities of the two best tokens of each listed row (CoT confidence)."""
    out = []
    for r in rows:
        x = view[r]
        a, b = np.partition(x, -2)[-2:]
        hi, lo = (a, b) if a >= b else (b, a)
        # float32 exponentials, float64 sum: the row is read once, never copied to float64.
        z = float(np.exp(x - hi, dtype=np.float32).sum(dtype=np.float64))
        out.append((1.0 / z, float(np.exp(np.float64(lo) - np.float64(hi))) / z))
    return out


def decode(engine: SlotEngine, jobs: Sequence[Job], *, slots: int,
           n_ctx_seq: int) -> list[list[Generation]]:
    """Every job's generations, in job order, decoded through `slots` sequence slots."""
    if not jobs:
        return []
    if any(j.params.samples > slots for j in jobs):
        raise ValueError("a request needs more sequences than there are slots")
    shared = common_prefix([j.tokens for j in jobs])
    engine.begin(slots, n_ctx_seq, jobs[0].tokens[:shared])
    pending = deque(range(len(jobs)))
    free = list(range(slots))
    live: dict[int, _Seq] = {}  # slot -> its sequence
    last: dict[int, int] = {}  # slot -> the token to feed next
    left = [j.params.samples for j in jobs]  # sequences of each job not yet finished
    done: dict[int, list[_Seq]] = {}
    out: list[list[Generation]] = [[] for _ in jobs]

    def finish(slot: int, s: _Seq) -> None:
        engine.release(slot)
        free.append(slot)
        live.pop(slot, None)
        left[s.job] -= 1
        if left[s.job] == 0:
            out[s.job] = [generation(x, jobs[s.job]) for x in done[s.job]]

    while pending or live:
        admitted: list[tuple[int, list[int]]] = []
        while pending and jobs[pending[0]].params.samples <= len(free):
            ji = pending.popleft()
            free.sort()  # lowest slots first: the same inputs give the same layout
            ids, free[:] = free[: jobs[ji].params.samples], free[jobs[ji].params.samples:]
            admitted.append((ji, ids))
        if admitted:
            firsts = engine.admit([(jobs[ji].tokens, ids) for ji, ids in admitted])
            for (ji, ids), row in zip(admitted, firsts, strict=True):
                seqs = start_seqs(engine, ji, jobs[ji], row)
                done[ji] = seqs
                for slot, s in zip(ids, seqs, strict=True):
                    tok = first_token(engine, s, row, n_ctx_seq)
                    if s.finish is None:
                        live[slot], last[slot] = s, int(tok)  # type: ignore[arg-type]
                    else:
                        finish(slot, s)
        if not live:
            continue
        order = sorted(live)
        view = engine.decode_step(order, [last[slot] for slot in order])
        best = view.argmax(axis=1)  # every row: cheaper than picking out the greedy ones
        cot = [r for r, slot in enumerate(order) if live[slot].want_margins]
        margins = dict(zip(cot, top2_rows(view, cot), strict=True))
        for r, slot in enumerate(order):
            s = live[slot]
            tok = int(best[r]) if s.greedy else pick_token(view[r], s.params, s.rng)
            accept(engine, s, tok, margins.get(r), n_ctx_seq)
            if s.finish is None:
                last[slot] = tok
            else:
                finish(slot, s)
    return out
