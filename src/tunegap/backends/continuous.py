"""Continuous batching for the llama.cpp engine: a fixed number of sequence slots, refilled as
soon as a sequence ends, one `llama_decode` per step for every live sequence.

The per-request decisions (samples and their seeds, CoT branches, stop strings, first-token
log-probs, margins) are `stepping`'s, shared with the hf backend; what lives here is the order of
work and the per-step Python cost:

- a request is admitted when all its sequences fit the free slots (its prompt is prefilled once,
  then copied to its samples or CoT branches); requests are admitted in order;
- consecutive prompts that share a prefix (instructions, few-shot exemplars) form a run
  (`prefix_runs`); each run's prefix is evaluated once into a holder sequence and copied into
  every admitted sequence of the run (`LlamaEngine.begin`/`hold`/`admit`);
- a request's generations are yielded as soon as its last sequence ends (`decode_iter`), so the
  caller can store them while the others decode;
- each step reads llama.cpp's logits buffer in place: one vectorised argmax over the greedy
  rows, the top-1/top-2 probabilities only for CoT rows, a full-row copy only for sampled rows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from tunegap.backends.stepping import (
    Job,
    _Seq,
    accept,
    common_prefix,
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

    def begin(self, n_slots: int, n_ctx_seq: int, holder: bool = False) -> None: ...

    def hold(self, prefix: Sequence[int]) -> None: ...

    def admit(self, parts: Sequence[tuple[Sequence[int], Sequence[int]]]) -> np.ndarray: ...

    def decode_step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray: ...

    def release(self, seq: int) -> None: ...


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


def prefix_runs(prompts: Sequence[Sequence[int]], min_len: int = 8) -> list[tuple[int, int]]:
    """Split consecutive prompts into runs that share a prefix: [(first index, prefix length)].

    A prompt joins the current run when it shares at least min_len tokens with it, keeps at
    least half of the run's prefix, and shares no more than twice that with the prompt after it
    (else it starts the next run: a new few-shot setting's prompts share their exemplars, not
    just a system turn with the previous setting). A wrong split costs one more prefix
    prefill; a wrong join would cost the run's prefix.
    """
    runs: list[tuple[int, int]] = []
    start, shared = 0, 0
    for i in range(1, len(prompts) + 1):
        if i < len(prompts):
            both = common_prefix([prompts[start], prompts[i]], min_len=1)
            ahead = (common_prefix([prompts[i], prompts[i + 1]], min_len=1)
                     if i + 1 < len(prompts) else 0)
            if both >= min_len and 2 * both >= ahead and (i == start + 1 or 2 * both >= shared):
                shared = both if i == start + 1 else min(shared, both)
                continue
        runs.append((start, shared if i - start > 1 else 0))
        start, shared = i, 0
    return runs


def decode(engine: SlotEngine, jobs: Sequence[Job], *, slots: int, n_ctx_seq: int,
           share_prefix: bool = True) -> list[list[Generation]]:
    """Every job's generations, in job order, decoded through `slots` sequence slots."""
    out: list[list[Generation]] = [[] for _ in jobs]
    for ji, gens in decode_iter(engine, jobs, slots=slots, n_ctx_seq=n_ctx_seq,
                                share_prefix=share_prefix):
        out[ji] = gens
    return out


def decode_iter(engine: SlotEngine, jobs: Sequence[Job], *, slots: int, n_ctx_seq: int,
                share_prefix: bool = True) -> Iterator[tuple[int, list[Generation]]]:
    """(job index, its generations) for every job, each as soon as its sequences have ended,
    decoded through `slots` sequence slots; jobs are admitted in order. Without share_prefix
    each prompt is prefilled whole, as llama.cpp alone would (a split prefill runs other
    kernels: bench/README.md)."""
    if not jobs:
        return
    if any(j.params.samples > slots for j in jobs):
        raise ValueError("a request needs more sequences than there are slots")
    runs = prefix_runs([j.tokens for j in jobs]) if share_prefix else []
    prefix_of = {first: n for first, n in runs}
    engine.begin(slots, n_ctx_seq, holder=any(n for _, n in runs))
    pending = deque(range(len(jobs)))
    free = list(range(slots))
    live: dict[int, _Seq] = {}  # slot -> its sequence
    last: dict[int, int] = {}  # slot -> the token to feed next
    left = [j.params.samples for j in jobs]  # sequences of each job not yet finished
    done: dict[int, list[_Seq]] = {}
    ready: list[int] = []  # jobs whose sequences have all ended, to yield
    held = 0  # the length of the prefix in the holder

    def finish(slot: int, s: _Seq) -> None:
        engine.release(slot)
        free.append(slot)
        live.pop(slot, None)
        left[s.job] -= 1
        if left[s.job] == 0:
            ready.append(s.job)

    while pending or live:
        admitted: list[tuple[int, list[int]]] = []
        while pending and jobs[pending[0]].params.samples <= len(free):
            starts = prefix_of.get(pending[0])  # the prefix of the run it starts, if any
            if starts is not None and (starts or held):  # the holder's content changes
                if admitted:  # admit what waits on the old prefix first
                    break
                held = starts
                engine.hold(jobs[pending[0]].tokens[:held])
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
        if live:
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
        for ji in ready:
            yield ji, [generation(x, jobs[ji]) for x in done.pop(ji)]
        ready.clear()
