"""Token-by-token decoding shared by the in-process engines (llama.cpp low level, transformers).

An engine only knows how to prefill prompts and advance sequences one token at a time
(`StepEngine`); everything a request asks for is decided here, once, for every engine: greedy
or seeded sampling (sample i uses seed + i), CoT-decoding branches (the top-k first tokens, each
continued greedily), stop strings, end-of-generation tokens, max_tokens, first-token log-probs
and the per-token top-1/top-2 probabilities CoT decoding's confidence needs.

Each request's prompt is prefilled once; its `samples` sequences start from copies of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tunegap.types import Generation, SamplingParams, TokenCandidate


class StepEngine(Protocol):
    n_vocab: int

    def is_eog(self, token: int) -> bool: ...

    def piece(self, token: int) -> bytes: ...

    def display(self, token: int) -> str:
        """Readable token text (special tokens by their vocabulary text)."""
        ...

    def start(self, prompts: Sequence[Sequence[int]], fanout: Sequence[int],
              n_ctx_seq: int) -> np.ndarray:
        """Prefill each prompt once and copy it into `fanout[j]` sequences, numbered in order.
        Returns the next-token logits after each prompt, shape (len(prompts), n_vocab)."""
        ...

    def step(self, seqs: Sequence[int], tokens: Sequence[int]) -> np.ndarray:
        """Append one token to each listed sequence, all in one forward pass; returns their
        next-token logits, shape (len(seqs), n_vocab). Unlisted sequences are finished."""
        ...


@dataclass(frozen=True)
class Job:
    """One request as the engine sees it."""

    tokens: Sequence[int]  # a list, or a compact array('i') for a whole run's requests
    params: SamplingParams
    stop: tuple[str, ...] = ()
    rendered: str | None = None


def common_prefix(prompts: Sequence[Sequence[int]], min_len: int = 8) -> int:
    """Tokens shared by every prompt, leaving each at least one of its own (its logits come
    from its last token); 0 below min_len (a copy costs more than a few tokens). Compared with
    numpy: a run holds thousands of prompts of ~1,000 tokens."""
    if len(prompts) < 2:
        return 0
    n = min(len(p) for p in prompts) - 1
    if n <= 0:
        return 0
    first = np.asarray(prompts[0][:n])
    for p in prompts[1:]:
        differ = np.flatnonzero(np.asarray(p[:n]) != first[:n])
        if differ.size:
            n = int(differ[0])
    return n if n >= min_len else 0


def log_softmax(logits: np.ndarray) -> np.ndarray:
    x = logits.astype(np.float64)
    x = x - x.max()
    return x - np.log(np.exp(x).sum())


def top_k_ids(logits: np.ndarray, k: int) -> np.ndarray:
    """The k largest logits' ids, best first (ties broken by lower id, as a stable argsort)."""
    k = min(k, logits.shape[-1])
    part = np.argpartition(-logits, k - 1)[:k]
    return part[np.lexsort((part, -logits[part]))]


def top2_probs(logits: np.ndarray) -> tuple[float, float]:
    lp = log_softmax(logits)
    two = np.partition(lp, -2)[-2:]
    return float(np.exp(two.max())), float(np.exp(two.min()))


def pick_token(logits: np.ndarray, params: SamplingParams, rng: np.random.Generator) -> int:
    """Greedy at temperature 0; otherwise temperature, top-k and top-p, then a Gumbel-max draw.

    Gumbel-max (argmax of logits/T plus Gumbel noise) rather than inverse-CDF sampling: the
    drawn token only changes when two noisy scores nearly tie, so the tiny logit differences
    between batch shapes (padding, batch size) do not change a seeded sample, whereas an
    inverse CDF over a 50k-token tail moves with any perturbation.
    """
    if params.temperature <= 0 or params.top_k == 1:
        return int(np.argmax(logits))
    x = logits.astype(np.float64) / params.temperature
    if params.top_k > 0:
        cut = np.partition(x, -params.top_k)[-params.top_k]
        x = np.where(x >= cut, x, -np.inf)
    if params.top_p < 1.0:
        p = np.exp(x - x.max())
        p /= p.sum()
        order = np.argsort(-p, kind="stable")
        keep = np.cumsum(p[order]) - p[order] < params.top_p  # the smallest set reaching top_p
        mask = np.zeros_like(p, dtype=bool)
        mask[order[keep]] = True
        x = np.where(mask, x, -np.inf)
    return int(np.argmax(x + rng.gumbel(size=x.shape[0])))


@dataclass
class _Seq:
    job: int
    params: SamplingParams
    stop: tuple[bytes, ...]  # the stop strings as UTF-8: searched in the bytes, tail only
    rng: np.random.Generator
    want_margins: bool
    prompt_len: int
    data: bytearray = field(default_factory=bytearray)
    byte_offsets: list[int] = field(default_factory=list)
    margins: list[tuple[float, float]] = field(default_factory=list)
    n_tokens: int = 0
    finish: str | None = None
    cut: int | None = None  # byte index where a stop string begins
    forced: int | None = None
    topk: tuple[TokenCandidate, ...] = ()

    @property
    def greedy(self) -> bool:
        """Whether the next token is the argmax (CoT branches are greedy after their first)."""
        p = self.params
        return self.forced is not None or p.temperature <= 0 or p.top_k == 1

    def text(self) -> str:
        return bytes(self.data[: self.cut]).decode("utf-8", errors="ignore")


def new_seq(job_index: int, job: Job, sample: int, want_margins: bool) -> _Seq:
    p = job.params
    seed = None if p.seed is None else p.seed + sample
    return _Seq(job=job_index, params=p, stop=tuple(x.encode("utf-8") for x in job.stop if x),
                rng=np.random.default_rng(seed), want_margins=want_margins,
                prompt_len=len(job.tokens))


def first_candidates(engine: StepEngine, logits: np.ndarray, k: int) -> list[TokenCandidate]:
    lp = log_softmax(logits)
    return [TokenCandidate(engine.display(int(t)), float(lp[t]), int(t))
            for t in top_k_ids(logits, k)]


def accept(engine: StepEngine, s: _Seq, token: int, margin: tuple[float, float] | None,
           n_ctx_seq: int) -> None:
    """Append a chosen token to a sequence and decide whether the sequence is finished.
    `margin` is the step's top-1/top-2 probabilities, kept for CoT confidence."""
    if engine.is_eog(token):
        s.finish = "stop"
        return
    if s.want_margins:
        assert margin is not None
        s.margins.append(margin)
    piece = engine.piece(token)
    s.byte_offsets.append(len(s.data))
    s.data += piece
    s.n_tokens += 1
    if s.stop:
        # Only the tail can hold a new match (a stop string may span several tokens): a
        # search of the last few bytes, not a decode of the whole output at every step.
        lo = max(0, len(s.data) - len(piece) - max(len(x) for x in s.stop) + 1)
        hits = [i for i in (s.data.find(x, lo) for x in s.stop) if i >= 0]
        if hits:
            s.cut, s.finish = min(hits), "stop"
            return
    if s.n_tokens >= s.params.max_tokens or s.prompt_len + s.n_tokens >= n_ctx_seq:
        s.finish = "length"


def generation(s: _Seq, job: Job) -> Generation:
    margins: list[tuple[int, float, float]] = []
    if s.want_margins:
        for off, (p1, p2) in zip(s.byte_offsets, s.margins, strict=True):
            if s.cut is not None and off >= s.cut:
                break
            char = len(bytes(s.data[:off]).decode("utf-8", errors="ignore"))
            margins.append((char, p1, p2))
    return Generation(text=s.text(), finish_reason=s.finish or "length",
                      prompt_tokens=len(job.tokens), completion_tokens=s.n_tokens,
                      rendered_prompt=job.rendered, first_token_topk=s.topk,
                      token_margins=tuple(margins))


def start_seqs(engine: StepEngine, ji: int, job: Job, first: np.ndarray) -> list[_Seq]:
    """A request's sequences, from its prompt's next-token logits: its samples, or its CoT
    branches (each forced onto one of the top-k first tokens, then greedy)."""
    p = job.params
    cot = p.cot_branches > 0
    branch_ids = top_k_ids(first, p.cot_branches) if cot else None
    shared_topk = (tuple(first_candidates(engine, first, max(p.first_token_topk,
                                                             p.cot_branches)))
                   if p.first_token_topk or cot else ())
    seqs = []
    for i in range(p.samples):
        s = new_seq(ji, job, i, want_margins=cot)
        if cot:
            s.forced = int(branch_ids[i])
            # Its forced token first, then the other candidates in rank order.
            s.topk = tuple([shared_topk[i]] + [c for c in shared_topk if c is not
                                               shared_topk[i]])
        else:
            s.topk = shared_topk[: p.first_token_topk]
        seqs.append(s)
    return seqs


def first_token(engine: StepEngine, s: _Seq, first: np.ndarray, n_ctx_seq: int) -> int | None:
    """Choose and accept a sequence's first token from its prompt's logits; None when the
    request asks for no tokens at all."""
    if s.params.max_tokens <= 0:
        s.finish = "length"
        return None
    tok = s.forced if s.forced is not None else pick_token(first, s.params, s.rng)
    accept(engine, s, tok, top2_probs(first) if s.want_margins else None, n_ctx_seq)
    return tok


def run_jobs(engine: StepEngine, jobs: Sequence[Job], n_ctx_seq: int) -> list[list[Generation]]:
    """Decode every job's samples together; returns, per job, its generations in order."""
    fanout = [j.params.samples for j in jobs]
    first = engine.start([j.tokens for j in jobs], fanout, n_ctx_seq)
    seqs = [s for ji, job in enumerate(jobs) for s in start_seqs(engine, ji, job, first[ji])]
    # First tokens come from the prompt's logits (shared by the request's sequences).
    last: dict[int, int] = {}
    for idx, s in enumerate(seqs):
        tok = first_token(engine, s, first[s.job], n_ctx_seq)
        if tok is not None:
            last[idx] = tok
    while True:
        active = [i for i, s in enumerate(seqs) if s.finish is None]
        if not active:
            break
        logits = engine.step(active, [last[i] for i in active])
        for row, i in enumerate(active):
            s = seqs[i]
            # After the first token every CoT branch continues greedily.
            params = s.params if s.forced is None else _GREEDY
            tok = pick_token(logits[row], params, s.rng)
            accept(engine, s, tok, top2_probs(logits[row]) if s.want_margins else None,
                   n_ctx_seq)
            last[i] = tok
    out: list[list[Generation]] = [[] for _ in jobs]
    for s in seqs:
        out[s.job].append(generation(s, jobs[s.job]))
    return out


_GREEDY = SamplingParams(temperature=0.0)
