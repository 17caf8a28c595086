"""CoT decoding through an OpenAI-compatible server that takes token ids as a prompt (vLLM).

The same protocol as the offline `vllm` backend, spelled as `/v1/completions` calls (greedy):
  1. first pass: the prompt text, max_tokens 1, logprobs k, with vLLM's `return_token_ids` (the
     prompt's token ids come back) and `return_tokens_as_token_ids` (the top-k keyed
     "token_id:N", so candidates that read alike stay apart);
  2. per candidate, its text and whether it ends the text: the prompt's ids, max_tokens 1,
     `allowed_token_ids: [candidate]`, special tokens kept. A candidate that finishes with
     "stop" is the end-of-text token: that branch is finished, as offline;
  3. per live branch: the prompt's ids plus its forced token, continued greedily with logprobs
     2 (the top-1/top-2 margins) and `return_token_ids`.
Calls 2 and 3 share the prompt's prefix with call 1, so a server with prefix caching (vLLM's
default) prefills the prompt once. A server that does not return token ids is refused by
`probe` before the run starts, in one line; the protocol is never changed silently.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tunegap.backends.vllm import StepLogprobs, cot_generation, generated_ids
from tunegap.errors import BackendError, UserError
from tunegap.types import Generation, SamplingParams

_ID_PREFIX = "token_id:"


class NoTokenIds(Exception):
    """The server answered without the token ids CoT decoding needs."""


def first_pass_body(model: str, prompt: str | list[int], k: int,
                    extra: dict[str, Any]) -> dict[str, Any]:
    return {**extra, "model": model, "prompt": prompt, "max_tokens": 1, "temperature": 0.0,
            "n": 1, "logprobs": k, "return_token_ids": True, "return_tokens_as_token_ids": True}


def parse_first_pass(data: Any) -> tuple[list[int], list[tuple[int, float]]]:
    """(the prompt's token ids, the top-k (token id, logprob) in rank order)."""
    choice = data["choices"][0]
    ids = choice.get("prompt_token_ids") or data.get("prompt_token_ids")
    top = ((choice.get("logprobs") or {}).get("top_logprobs") or [None])[0]
    if not ids or not top or not all(str(t).startswith(_ID_PREFIX) for t in top):
        raise NoTokenIds
    ranked = sorted(((int(t[len(_ID_PREFIX):]), float(lp)) for t, lp in top.items()),
                    key=lambda c: (-c[1], c[0]))
    return [int(i) for i in ids], ranked


def candidate_body(model: str, ids: list[int], token: int,
                   extra: dict[str, Any]) -> dict[str, Any]:
    return {**extra, "model": model, "prompt": ids, "max_tokens": 1, "temperature": 0.0,
            "n": 1, "allowed_token_ids": [token], "skip_special_tokens": False}


def parse_candidate(data: Any) -> tuple[str, bool]:
    """(the candidate's text, whether it is an end-of-text token)."""
    choice = data["choices"][0]
    ends = choice.get("finish_reason") == "stop" and choice.get("stop_reason") is None
    return str(choice["text"]), ends


def branch_body(model: str, ids: list[int], forced: int, params: SamplingParams,
                stop: tuple[str, ...], extra: dict[str, Any]) -> dict[str, Any]:
    body = {**extra, "model": model, "prompt": [*ids, forced],
            "max_tokens": max(params.max_tokens - 1, 1), "temperature": 0.0, "n": 1,
            "logprobs": 2, "return_token_ids": True}
    if stop:
        body["stop"] = list(stop)
    return body


def parse_branch(data: Any) -> tuple[list[int], list[StepLogprobs], str, str]:
    """(generated ids, per-step log-probs keyed by token id, text, finish reason)."""
    choice = data["choices"][0]
    if choice.get("token_ids") is None:
        raise NoTokenIds
    ids = generated_ids(choice["token_ids"], choice.get("finish_reason"),
                        choice.get("stop_reason"))
    lp = choice.get("logprobs") or {}
    texts, lps, tops = lp.get("tokens") or [], lp.get("token_logprobs") or [], lp.get("top_logprobs") or []
    steps: list[StepLogprobs] = []
    for i, tid in enumerate(ids):
        step: dict[int, tuple[float, str]] = {}
        if i < len(texts):
            step[int(tid)] = (float(lps[i]), texts[i])
        # The other top-2 entry, under an id that is no token's: only its log-prob is read.
        others = [(t, float(v)) for t, v in ((tops[i] if i < len(tops) else None) or {}).items()
                  if not (i < len(texts) and t == texts[i])]
        for j, (text, value) in enumerate(others, 1):
            step[-j] = (value, text)
        steps.append(step)
    finish = "length" if choice.get("finish_reason") == "length" else "stop"
    return [int(t) for t in ids], steps, str(choice["text"]), finish


def branch_generation(first: StepLogprobs, branch: int, k: int, reply: Any | None,
                      prompt_tokens: int, rendered: str | None) -> Generation:
    """One branch's Generation, assembled exactly as the offline backend assembles it."""
    if reply is None:  # forced onto the end-of-text token: nothing was continued
        return cot_generation(first, branch, k, [], [], "", "stop", prompt_tokens, rendered)
    ids, steps, text, finish = parse_branch(reply)
    return cot_generation(first, branch, k, steps, ids, text, finish, prompt_tokens, rendered)


def refusal(url: str) -> UserError:
    return UserError(f"openai backend: CoT decoding needs a server that takes token ids as a "
                     f"prompt and returns them (vLLM's /v1/completions with return_token_ids); "
                     f"{url} did not, so this run cannot do CoT decoding there")


# -- what the openai backend runs (its retries, semaphore and client are handed in) ---------
async def probe_token_ids(backend: Any) -> None:
    """Every server of the fleet must answer with token ids, or the run stops before it
    starts (one line)."""
    body = first_pass_body(backend.served_model, "Hello", 2, backend.extra)
    async with backend.httpx.AsyncClient(timeout=backend.settings.timeout,
                                         headers=backend._headers(),
                                         auth=backend._auth()) as client:
        for base in backend.settings.base_urls:
            try:
                parse_first_pass(await backend._try_once(
                    client, base + "/completions", body, None))
            except (NoTokenIds, backend.Retryable, BackendError, KeyError,
                    IndexError, TypeError, ValueError, AttributeError):
                raise refusal(backend.redact(base)) from None


async def cot_request(backend: Any, client: Any, sem: Any, req: Any) -> list[Generation]:
    """One CoT-decoding request over HTTP: the first pass (the prompt's ids and top-k first
    tokens), each candidate's first token, then every live branch continued greedily."""
    p, m, x = req.params, backend.served_model, backend.extra
    k = p.cot_branches
    try:
        ids, top = parse_first_pass(await backend._call(
            client, sem, req, 0, raw=True, body=first_pass_body(
                m, req.prompt.text or "", max(k, p.first_token_topk, 2), x)))
        top = top[:k]
        cands = [parse_candidate(c) for c in await asyncio.gather(*[
            backend._call(client, sem, req, 0, raw=True,
                          body=candidate_body(m, ids, tid, x)) for tid, _ in top])]
        first = {tid: (lp, text) for (tid, lp), (text, _) in zip(top, cands)}
        live = [b for b in range(len(top)) if not cands[b][1]]
        replies = dict(zip(live, await asyncio.gather(*[
            backend._call(client, sem, req, 0, raw=True, body=branch_body(
                m, ids, top[b][0], p, req.prompt.stop, x)) for b in live])))
        return [branch_generation(first, b, k, replies.get(b), len(ids),
                                  backend.render(req.prompt)) for b in range(k)]
    except NoTokenIds:
        raise refusal(backend.redact(backend.settings.base_urls[0])) from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise BackendError(f"openai backend: malformed CoT decoding answer "
                           f"({type(exc).__name__})") from None
