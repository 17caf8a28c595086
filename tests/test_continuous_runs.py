"""Prefix runs for continuous batching: consecutive prompts that share a prefix are grouped so
the prefix is prefilled once per run, and a new setting's prompts start their own run."""

from __future__ import annotations

import numpy as np

from tunegap.backends.continuous import prefix_runs
from tunegap.backends.stepping import common_prefix

SYSTEM = list(range(100, 120))  # 20 tokens every prompt shares (a chat system turn)
SHOTS = list(range(500, 800))  # 300 tokens of exemplars


def prompt(*parts: list[int]) -> list[int]:
    return [t for p in parts for t in p]


def test_runs_split_where_the_shared_prefix_collapses():
    zero = [prompt(SYSTEM, [1, 2, 3, 4, 5, 6, 7, 8], [900 + i] * 5) for i in range(3)]
    few = [prompt(SYSTEM, SHOTS, [950 + i] * 5) for i in range(4)]
    runs = prefix_runs(zero + few + zero[:1])
    assert runs == [(0, 28), (3, 320), (7, 0)]  # a lone prompt gets no prefix
    # Each run's prefix is what all its prompts share, and each keeps a token of its own.
    for (a, n), end in zip(runs, [3, 7, 8], strict=True):
        group = (zero + few + zero[:1])[a:end]
        if len(group) > 1:
            assert n == common_prefix(group, min_len=1)


def test_short_or_absent_shared_prefixes_make_no_run_prefix():
    assert prefix_runs([]) == []
    assert prefix_runs([[1, 2, 3]]) == [(0, 0)]
    short = [[1, 2, 3, 10 + i, 7, 7] for i in range(3)]  # 3 shared tokens < min_len
    assert prefix_runs(short) == [(0, 0), (1, 0), (2, 0)]
    same = [[1, 2, 3, 4, 5, 6, 7, 8, 9]] * 3  # identical prompts keep their last token
    assert prefix_runs(same) == [(0, 8)]


class CountdownEngine:
    """A fake slot engine: a prompt's first token is (its length % 5) + 1, and each next token
    is one less, down to 0, the end-of-generation token. Records what the scheduler did."""

    n_vocab = 8

    def __init__(self) -> None:
        self.holds: list[list[int]] = []
        self.live_max = 0

    def is_eog(self, token: int) -> bool:
        return token == 0

    def piece(self, token: int) -> bytes:
        return str(token).encode()

    def display(self, token: int) -> str:
        return str(token)

    def begin(self, n_slots, n_ctx_seq, holder=False):
        self.slots, self.live = n_slots, set()

    def hold(self, prefix):
        self.holds.append(list(prefix))

    def _rows(self, nexts):
        rows = np.zeros((len(nexts), self.n_vocab), dtype=np.float32)
        rows[np.arange(len(nexts)), nexts] = 1.0
        return rows

    def admit(self, parts):
        for _, seqs in parts:
            self.live.update(seqs)
        self.live_max = max(self.live_max, len(self.live))
        assert len(self.live) <= self.slots
        return self._rows([len(p) % 5 + 1 for p, _ in parts])

    def decode_step(self, seqs, tokens):
        return self._rows([t - 1 for t in tokens])

    def release(self, seq):
        self.live.discard(seq)


def test_decode_iter_streams_finished_jobs_and_holds_each_runs_prefix():
    from tunegap.backends.continuous import decode_iter
    from tunegap.backends.stepping import Job
    from tunegap.types import SamplingParams

    shots_a, shots_b = list(range(100, 130)), list(range(200, 240))
    prompts = ([shots_a + [1] * (i + 1) for i in range(5)]
               + [shots_b + [2] * (i + 1) for i in range(5)])
    jobs = [Job(tokens=p, params=SamplingParams(max_tokens=10)) for p in prompts]
    engine = CountdownEngine()
    got = list(decode_iter(engine, jobs, slots=3, n_ctx_seq=100))
    assert sorted(i for i, _ in got) == list(range(10))
    assert [i for i, _ in got] != list(range(10))  # shorter countdowns come back first
    for i, gens in got:  # each job's own countdown, ending on end-of-generation
        first = len(prompts[i]) % 5 + 1
        assert gens[0].text == "".join(str(t) for t in range(first, 0, -1))
        assert gens[0].finish_reason == "stop"
    assert engine.holds == [shots_a, shots_b]  # one prefix per run, in order
    assert engine.live_max == 3
