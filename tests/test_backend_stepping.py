"""The shared decoding loop on a toy engine (no model): sampling, CoT branches, stop strings,
margins, and that each request's prompt is prefilled once."""

from __future__ import annotations

import numpy as np

from tunegap.backends.stepping import Job, pick_token, run_jobs, top_k_ids
from tunegap.types import SamplingParams

PIECES = [b"", b" a", b" b", b"\n", b" c", "\u00e9".encode()]  # token 0 ends generation


class ToyEngine:
    """Next-token logits depend on the last token only: a tiny deterministic language model."""

    n_vocab = len(PIECES)

    def __init__(self) -> None:
        self.table = np.random.default_rng(0).normal(size=(self.n_vocab, self.n_vocab)) * 2
        self.table[:, 0] -= 3  # ending is unlikely
        self.prefilled = 0
        self.last: dict[int, int] = {}

    def is_eog(self, token: int) -> bool:
        return token == 0

    def piece(self, token: int) -> bytes:
        return PIECES[token]

    def display(self, token: int) -> str:
        return PIECES[token].decode() or "<end>"

    def start(self, prompts, fanout, n_ctx_seq):
        self.prefilled += sum(len(p) for p in prompts)
        return np.stack([self.table[p[-1]] for p in prompts])

    def step(self, seqs, tokens):
        return np.stack([self.table[t] for t in tokens])


def test_top_k_ids_and_greedy():
    logits = np.array([0.1, 3.0, 2.0, 3.0, -1.0])
    assert list(top_k_ids(logits, 3)) == [1, 3, 2]  # ties by lower id
    assert pick_token(logits, SamplingParams(), np.random.default_rng(0)) == 1


def test_sampling_respects_top_k_top_p_and_is_stable_under_tiny_noise():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=500)
    top3 = set(top_k_ids(logits, 3).tolist())
    draws = [pick_token(logits, SamplingParams(temperature=1.5, top_k=3), np.random.default_rng(s))
             for s in range(200)]
    assert set(draws) <= top3 and len(set(draws)) > 1
    p = np.exp(logits - logits.max())
    p /= p.sum()
    nucleus = set(np.argsort(-p)[: int(np.searchsorted(np.cumsum(np.sort(p)[::-1]), 0.5)) + 1])
    draws = [pick_token(logits, SamplingParams(temperature=1.0, top_p=0.5),
                        np.random.default_rng(s)) for s in range(200)]
    assert set(draws) <= nucleus
    noisy = logits + rng.normal(size=500) * 1e-6
    same = sum(pick_token(logits, SamplingParams(temperature=1.0), np.random.default_rng(s))
               == pick_token(noisy, SamplingParams(temperature=1.0), np.random.default_rng(s))
               for s in range(300))
    assert same >= 297


def test_cot_branches_margins_stop_and_single_prefill():
    eng = ToyEngine()
    k = 4
    job = Job(tokens=[1, 2, 4], params=SamplingParams(max_tokens=12, cot_branches=k),
              stop=("\n",))
    plain = Job(tokens=[2, 2], params=SamplingParams(max_tokens=5, n=3, temperature=1.0, seed=5))
    out = run_jobs(eng, [job, plain], n_ctx_seq=64)
    assert eng.prefilled == 3 + 2  # once per request, whatever its branches or samples
    gens = out[0]
    expected = top_k_ids(eng.table[4], k).tolist()
    assert [g.first_token_topk[0].token_id for g in gens] == expected
    for g in gens:
        assert "\n" not in g.text and g.finish_reason in ("stop", "length")
        offsets = [m[0] for m in g.token_margins]
        assert offsets == sorted(offsets) and all(o < max(len(g.text), 1) for o in offsets)
        # Offsets point at each token's text.
        for (off, p1, p2), nxt in zip(g.token_margins, [*offsets[1:], len(g.text)],
                                      strict=False):
            assert g.text[off:nxt] in {p.decode() for p in PIECES}
            assert 1 >= p1 >= p2 >= 0
    # After the forced first token, branches continue greedily.
    for g in gens:
        toks = [g.first_token_topk[0].token_id]
        if toks[0] in (0, 3):  # a branch forced onto end-of-text or the stop string is empty
            assert g.text == ""
            continue
        while len(toks) < 12:
            nxt = int(np.argmax(eng.table[toks[-1]]))
            if nxt in (0, 3):
                break
            toks.append(nxt)
        assert g.text == b"".join(PIECES[t] for t in toks).decode()
    samples = [g.text for g in out[1]]
    again = [g.text for g in run_jobs(ToyEngine(), [plain], 64)[0]]
    assert samples == again and all(g.completion_tokens <= 5 for g in out[1])
