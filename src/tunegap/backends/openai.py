"""Any OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp server, Ollama) over HTTP.

Text prompts go to `/v1/completions`, chat prompts to `/v1/chat/completions`. Requests run
asynchronously (httpx) with bounded concurrency; several base URLs share the load round-robin, and
a retried call moves on to the next URL. Retries (exponential backoff with full jitter, honouring
`Retry-After`) cover 429, 408, 5xx, timeouts, dropped connections and broken or truncated bodies;
after `max_retries` the call raises `BackendError` with a one-line reason and the run stops with
every stored generation kept, so re-running resumes.

Options (`backend.options`):
  base_url / base_urls   one URL or a list, each ending in /v1 (default http://127.0.0.1:8000/v1)
  api_key_env            env var holding the key (default OPENAI_API_KEY; unset = no key sent)
  concurrency            calls in flight at once across all URLs (default 8)
  timeout                seconds per call (connect + read) (default 120)
  max_retries            retries per call after the first try (default 6)
  backoff, backoff_max   first and largest backoff in seconds (default 0.5, 20)
  retry_after_max        cap on a server's Retry-After, seconds (default 60)
  extra_body             dict merged into every request body (e.g. {"top_k": 1}); note that
                         llama-cpp-python's server applies repeat_penalty 1.1 by default: send
                         {"repeat_penalty": 1.0} for the plain greedy/sampling other engines do

The API key is read from the environment at call time and only ever put in the Authorization
header: never in the Request (its key), results, logs or error messages.

Chat prompts are rendered by the server's template, which the API does not show: such samples
store `rendered_prompt = None`; their messages are stored with the request in samples.jsonl.
Sample i of a request with a seed is sent as its own call with seed + i (n = 1 per call), so
seeds mean the same thing here as in the in-process backends. CoT decoding (text prompts) runs
on servers that take token ids as a prompt and return them (vLLM): openai_cot.py; the branches
share the prompt's prefill through the server's prefix cache. Other servers are refused before
the run, in one line.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from tunegap.backends import openai_cot
from tunegap.backends.base import Backend, Capabilities
from tunegap.config import ModelSpec
from tunegap.errors import BackendError, UserError
from tunegap.types import Generation, Prompt, Request, TokenCandidate

_URL_CREDENTIALS = re.compile(r"(\w+://)[^/\s@]+@")
OPTIONS = frozenset({"base_url", "base_urls", "api_key_env", "concurrency", "timeout",
                     "max_retries", "backoff", "backoff_max", "retry_after_max", "extra_body"})
_RETRY_STATUS = {408, 409, 425, 429}


@dataclass(frozen=True)
class ClientSettings:
    base_urls: tuple[str, ...]
    api_key_env: str = "OPENAI_API_KEY"
    concurrency: int = 8
    timeout: float = 120.0
    max_retries: int = 6
    backoff: float = 0.5
    backoff_max: float = 20.0
    retry_after_max: float = 60.0

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> ClientSettings:
        """Settings from backend.options (their names are checked by Backend.__init__)."""
        urls = opts.get("base_urls") or opts.get("base_url") or "http://127.0.0.1:8000/v1"
        urls = (urls,) if isinstance(urls, str) else tuple(urls)
        if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://"))
                               for u in urls):
            raise UserError("base_url(s) must be http(s) URLs", field="backend.options.base_url")
        kw = {k: opts[k] for k in ("api_key_env", "concurrency", "timeout", "max_retries",
                                   "backoff", "backoff_max", "retry_after_max") if k in opts}
        s = cls(base_urls=tuple(u.rstrip("/") for u in urls), **kw)
        if s.concurrency < 1 or s.max_retries < 0 or s.timeout <= 0:
            raise UserError("concurrency ≥ 1, max_retries ≥ 0 and timeout > 0 are required",
                            field="backend.options")
        return s


class RetryableError(Exception):
    """One failed try that another try may fix; `retry_after` is the server's hint, if any."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_delay(attempt: int, s: ClientSettings, retry_after: float | None,
                  rng: random.Random) -> float:
    """Full jitter over an exponential cap; a Retry-After hint is a floor, itself capped."""
    delay = rng.uniform(0, min(s.backoff_max, s.backoff * (2 ** attempt)))
    if retry_after is not None:
        delay = max(delay, min(retry_after, s.retry_after_max))
    return delay


def request_body(req: Request, model: str, sample: int, extra: dict[str, Any],
                 template_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body for one sample of one request (pure; unit-tested). `template_kwargs` go
    to chat requests as `chat_template_kwargs` (vLLM, SGLang and llama.cpp servers read it)."""
    p = req.params
    body: dict[str, Any] = {"model": model, "max_tokens": p.max_tokens,
                            "temperature": p.temperature, "top_p": p.top_p, "n": 1}
    if p.seed is not None:
        body["seed"] = p.seed + sample
    if req.prompt.stop:
        body["stop"] = list(req.prompt.stop)
    if req.prompt.is_chat:
        body["messages"] = [{"role": m.role, "content": m.content}
                            for m in req.prompt.messages or ()]
        if p.first_token_topk:
            body["logprobs"] = True
            body["top_logprobs"] = p.first_token_topk
        merged = {**(template_kwargs or {}), **dict(req.prompt.template_kwargs)}
        if merged:
            body["chat_template_kwargs"] = merged
    else:
        body["prompt"] = req.prompt.text
        if p.first_token_topk:
            body["logprobs"] = p.first_token_topk
    body.update(extra)
    return body


def parse_response(data: Any, *, chat: bool) -> Generation:
    """A Generation from a response body; a body of the wrong shape is a retryable error."""
    try:
        choice = data["choices"][0]
        text = choice["message"]["content"] if chat else choice["text"]
        if not isinstance(text, str):
            raise TypeError("text is not a string")
        usage = data.get("usage") or {}
        top: list[TokenCandidate] = []
        lp = choice.get("logprobs") or {}
        if chat and lp.get("content"):
            first = lp["content"][0].get("top_logprobs") or []
            top = [TokenCandidate(c["token"], float(c["logprob"])) for c in first]
        elif not chat and lp.get("top_logprobs"):
            first = lp["top_logprobs"][0] or {}
            top = [TokenCandidate(t, float(v)) for t, v in first.items()]
        top.sort(key=lambda c: -c.logprob)
        return Generation(
            text=text,
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            first_token_topk=tuple(top),
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise RetryableError(f"malformed response body ({type(exc).__name__})") from None


def _import_httpx():
    try:
        import httpx
    except ImportError:
        raise UserError("backend 'openai' needs httpx: pip install 'tunegap[openai]'") from None
    return httpx


class OpenAIBackend(Backend):
    name: ClassVar[str] = "openai"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, first_token_topk=True, sampling=True, n_per_request=True,
        cot_decoding=True,
    )
    options: ClassVar[frozenset[str]] = OPTIONS

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        self.httpx = _import_httpx()
        opts = dict(spec.backend.options)
        self.settings = ClientSettings.from_options(opts)
        self.extra = dict(opts.get("extra_body") or {})
        self.served_model = spec.backend.model
        self.stats: Counter[str] = Counter()  # calls, retries and their reasons, for tests/logs
        self._rng = random.Random()
        self._next_url = itertools.count()

    def redact(self, text: str) -> str:
        """A message that is printed or stored never carries the API key (a 401 body may echo
        it) or the credentials of a URL (https://user:pass@host)."""
        key = os.environ.get(self.settings.api_key_env)
        if key:
            text = text.replace(key, "***")
        return _URL_CREDENTIALS.sub(r"\1***@", text)

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.settings.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        if not requests:
            return []
        return asyncio.run(self._generate(requests))

    async def _generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        s = self.settings
        limits = self.httpx.Limits(max_connections=s.concurrency,
                                   max_keepalive_connections=s.concurrency)
        sem = asyncio.Semaphore(s.concurrency)
        async with self.httpx.AsyncClient(timeout=s.timeout, limits=limits,
                                          headers=self._headers()) as client:
            tasks = [[asyncio.ensure_future(self._cot(client, sem, req))] if req.params.cot_branches
                     else [asyncio.ensure_future(self._call(client, sem, req, i))
                           for i in range(req.params.samples)] for req in requests]
            flat = [t for row in tasks for t in row]
            done, pending = await asyncio.wait(flat, return_when=asyncio.FIRST_EXCEPTION)
            failed = [t for t in done if t.exception() is not None]
            if failed:
                # One call gave up: stop the others; what earlier batches stored stays.
                for t in pending:
                    t.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                raise failed[0].exception()  # type: ignore[misc]
            # A CoT request's one task yields all its branches.
            return [[g for t in row for g in (t.result() if isinstance(t.result(), list)
                                              else [t.result()])] for row in tasks]

    async def _call(self, client: Any, sem: asyncio.Semaphore, req: Request, sample: int, *,
                    body: dict[str, Any] | None = None, raw: bool = False) -> Any:
        """One sample's Generation; or, with `body` and `raw` (CoT decoding's calls), that
        completions body sent with the same retries and its JSON answer returned as is."""
        chat = req.prompt.is_chat and body is None
        path = "/chat/completions" if chat else "/completions"
        body = body or request_body(req, self.served_model, sample, self.extra,
                                    self.spec.backend.chat_template_kwargs)
        s = self.settings
        last = ""
        for attempt in range(s.max_retries + 1):
            url = s.base_urls[next(self._next_url) % len(s.base_urls)] + path
            try:
                async with sem:
                    self.stats["calls"] += 1
                    gen = await self._try_once(client, url, body, None if raw else chat)
                return gen if raw else replace(gen, rendered_prompt=self.render(req.prompt))
            except RetryableError as exc:
                last = f"{url}: {exc.reason}"
                self.stats["retries"] += 1
                self.stats[exc.reason.split(" (")[0]] += 1
                if attempt < s.max_retries:
                    await asyncio.sleep(backoff_delay(attempt, s, exc.retry_after, self._rng))
        self.stats["retries"] -= 1  # the last failure was not followed by a retry
        raise BackendError(self.redact(f"openai backend gave up after {s.max_retries + 1} "
                                       f"tries: {last}"))

    async def _try_once(self, client: Any, url: str, body: dict[str, Any],
                        chat: bool | None) -> Any:
        """A Generation; the parsed JSON body as is where `chat` is None."""
        httpx = self.httpx
        try:
            resp = await client.post(url, json=body)
        except httpx.TimeoutException:
            raise RetryableError(f"timeout after {self.settings.timeout:g}s") from None
        except httpx.TransportError as exc:  # refused, reset, dropped, truncated mid-body
            raise RetryableError(f"connection error ({type(exc).__name__})") from None
        status = resp.status_code
        if status in _RETRY_STATUS or status >= 500:
            raise RetryableError(f"HTTP {status}",
                                 retry_after=parse_retry_after(resp.headers.get("retry-after")))
        if status >= 400:
            snippet = " ".join(resp.text[:200].split())
            raise BackendError(self.redact(f"openai backend: {url} answered HTTP {status}: "
                                           f"{snippet}"))
        try:
            data = json.loads(resp.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RetryableError("broken JSON body (truncated or not JSON)") from None
        return data if chat is None else parse_response(data, chat=chat)

    # ------------------------------------------------------------ CoT decoding (openai_cot.py)
    def check(self, requests: Sequence[Request]) -> None:
        super().check(requests)
        cot = [r for r in requests if r.params.cot_branches]
        if not cot:
            return
        if any(r.prompt.is_chat for r in cot):
            raise UserError("openai backend: CoT decoding takes text prompts (a server renders "
                            "chat out of sight, so its prompt ids are unknown): use chat: false")
        asyncio.run(self._probe_token_ids())

    async def _probe_token_ids(self) -> None:
        """Every server of the fleet must answer with token ids, or the run stops before it
        starts (one line)."""
        body = openai_cot.first_pass_body(self.served_model, "Hello", 2, self.extra)
        async with self.httpx.AsyncClient(timeout=self.settings.timeout,
                                          headers=self._headers()) as client:
            for base in self.settings.base_urls:
                try:
                    openai_cot.parse_first_pass(await self._try_once(
                        client, base + "/completions", body, None))
                except (openai_cot.NoTokenIds, RetryableError, BackendError, KeyError,
                        IndexError, TypeError, ValueError, AttributeError):
                    raise openai_cot.refusal(self.redact(base)) from None

    async def _cot(self, client: Any, sem: asyncio.Semaphore, req: Request) -> list[Generation]:
        p, m, x = req.params, self.served_model, self.extra
        k = p.cot_branches
        try:
            ids, top = openai_cot.parse_first_pass(await self._call(
                client, sem, req, 0, raw=True, body=openai_cot.first_pass_body(
                    m, req.prompt.text or "", max(k, p.first_token_topk, 2), x)))
            top = top[:k]
            cands = [openai_cot.parse_candidate(c) for c in await asyncio.gather(*[
                self._call(client, sem, req, 0, raw=True,
                           body=openai_cot.candidate_body(m, ids, tid, x)) for tid, _ in top])]
            first = {tid: (lp, text) for (tid, lp), (text, _) in zip(top, cands)}
            live = [b for b in range(len(top)) if not cands[b][1]]
            replies = dict(zip(live, await asyncio.gather(*[
                self._call(client, sem, req, 0, raw=True, body=openai_cot.branch_body(
                    m, ids, top[b][0], p, req.prompt.stop, x)) for b in live])))
            return [openai_cot.branch_generation(first, b, k, replies.get(b), len(ids),
                                                 self.render(req.prompt)) for b in range(k)]
        except openai_cot.NoTokenIds:
            raise openai_cot.refusal(self.redact(self.settings.base_urls[0])) from None
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            raise BackendError(f"openai backend: malformed CoT decoding answer "
                               f"({type(exc).__name__})") from None

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        from tunegap.types import SamplingParams

        req = Request(model=self.served_model, prompt=prompt,
                      params=SamplingParams(max_tokens=1, first_token_topk=k))
        return list(self.generate([req])[0][0].first_token_topk[:k])
