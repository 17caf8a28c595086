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
  timeout                seconds per call, in all: connect, send and every byte of the answer
                         (default 120); a body over 64 MiB is a failed try too
  auth_env               env var holding "user:password" for HTTP basic auth (credentials
                         in a base_url are refused: they would be stored with the config)
  max_retries            retries per call after the first try (default 6)
  backoff, backoff_max   first and largest backoff in seconds (default 0.5, 20)
  retry_after_max        cap on a server's Retry-After, seconds (default 60)
  extra_body             dict merged into every request body (e.g. {"top_k": 1}); note that
                         llama-cpp-python's server applies repeat_penalty 1.1 by default: send
                         {"repeat_penalty": 1.0} for the plain greedy/sampling other engines do

The API key is read from the environment at call time and only ever put in the Authorization
header: never in the Request (its key), results, logs or error messages (an error body that
echoes it, in any encoding, is redacted before it is cut: backends/http_limits.py).

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
import itertools
import json
import os
import random
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from tunegap.backends import openai_cot
from tunegap.backends.base import Backend, Capabilities
from tunegap.backends.http_limits import (
    BodyTooLarge,
    CallTimeout,
    error_snippet,
    post_bounded,
    redact_secret,
)
from tunegap.backends.openai_wire import (  # noqa: F401  (re-exported: tests, openai_cot)
    _RETRY_STATUS,
    OPTIONS,
    ClientSettings,
    RetryableError,
    backoff_delay,
    parse_response,
    parse_retry_after,
    request_body,
)
from tunegap.config import ModelSpec
from tunegap.errors import BackendError, UserError
from tunegap.errors import redact as redact_url_credentials
from tunegap.types import Generation, Prompt, Request, TokenCandidate


def _import_httpx():
    try:
        import httpx
    except ImportError:
        raise UserError("backend 'openai' needs httpx: pip install 'tunegap[openai]'") from None
    return httpx


class OpenAIBackend(Backend):
    Retryable: ClassVar[type[Exception]] = RetryableError  # a failed try (openai_cot.py)
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

    def _secrets(self) -> list[str]:
        """What must never be printed: the API key and the basic-auth password (and pair)."""
        out = [os.environ.get(self.settings.api_key_env) or ""]
        auth = os.environ.get(self.settings.auth_env or "") or ""
        out += [auth, auth.partition(":")[2]]
        return [s for s in out if s]

    def redact(self, text: str) -> str:
        """A message that is printed or stored never carries the API key or the basic-auth
        password in any encoding (a 401 body may echo them) or the credentials of a URL."""
        return redact_url_credentials(redact_secret(text, self._secrets()))

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.settings.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _auth(self) -> tuple[str, str] | None:
        """HTTP basic auth from `auth_env` ("user:password"), never from the URL or config."""
        if not self.settings.auth_env:
            return None
        value = os.environ.get(self.settings.auth_env)
        if not value or ":" not in value:
            raise UserError(f"environment variable {self.settings.auth_env} must hold "
                            "user:password", field="backend.options.auth_env")
        user, _, password = value.partition(":")
        return user, password

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        out: list[list[Generation]] = [[] for _ in requests]
        for i, gens in self.stream(requests):
            out[i] = gens
        return out

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, list[Generation]]]:
        """Every request as soon as all its samples are back, across the whole run (at most
        `batch_size` requests and `concurrency` calls in flight). When a call gives up, every request that had finished
        is handed over before the error: paid calls are stored, and a resume sends only the
        rest."""
        if not requests:
            return
        loop = asyncio.new_event_loop()
        agen = self._stream(requests)
        try:
            while True:
                try:
                    item = loop.run_until_complete(agen.__anext__())
                except StopAsyncIteration:
                    return
                yield item
        finally:
            loop.run_until_complete(agen.aclose())
            loop.close()

    async def _stream(self, requests: Sequence[Request]
                      ) -> AsyncIterator[tuple[int, list[Generation]]]:
        s = self.settings
        limits = self.httpx.Limits(max_connections=s.concurrency,
                                   max_keepalive_connections=s.concurrency)
        sem = asyncio.Semaphore(s.concurrency)
        # Requests in flight: backend.batch_size (never one task per request of a whole run);
        # calls in flight: `concurrency`.
        window = self.spec.backend.batch_size
        async with self.httpx.AsyncClient(timeout=s.timeout, limits=limits,
                                          headers=self._headers(), auth=self._auth()) as client:
            todo = iter(range(len(requests)))
            running: dict[asyncio.Future, int] = {}

            def admit() -> None:
                for i in itertools.islice(todo, window - len(running)):
                    req = requests[i]
                    running[asyncio.ensure_future(self._request(client, sem, req))] = i

            admit()
            try:
                while running:
                    done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    failed = None
                    for task in sorted(done, key=running.__getitem__):
                        i = running.pop(task)
                        if task.exception() is not None:
                            failed = failed or task.exception()
                        else:
                            yield i, task.result()
                    if failed is not None:
                        raise failed
                    admit()
            finally:  # an error, or the consumer stopped: no call keeps running
                for task in running:
                    task.cancel()
                await asyncio.gather(*running, return_exceptions=True)

    async def _request(self, client: Any, sem: asyncio.Semaphore,
                       req: Request) -> list[Generation]:
        """Every sample of one request (a CoT request: its branches, openai_cot.py); when one
        gives up, its siblings are stopped too."""
        if req.params.cot_branches:
            return await self._cot(client, sem, req)
        calls = [asyncio.ensure_future(self._call(client, sem, req, k))
                 for k in range(req.params.samples)]
        try:
            return list(await asyncio.gather(*calls))
        except BaseException:
            for call in calls:
                call.cancel()
            await asyncio.gather(*calls, return_exceptions=True)
            raise

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
            # The whole call (connect, send, every byte of the body) under one deadline.
            resp = await post_bounded(client, url, body, total_s=self.settings.timeout)
        except (httpx.TimeoutException, CallTimeout):
            raise RetryableError(f"timeout after {self.settings.timeout:g}s") from None
        except BodyTooLarge as exc:
            raise RetryableError(f"body too large ({exc})") from None
        except httpx.TransportError as exc:  # refused, reset, dropped, truncated mid-body
            raise RetryableError(f"connection error ({type(exc).__name__})") from None
        status = resp.status
        if status in _RETRY_STATUS or status >= 500:
            raise RetryableError(f"HTTP {status}",
                                 retry_after=parse_retry_after(resp.headers.get("retry-after")))
        if status >= 400:
            snippet = error_snippet(resp.content, self._secrets())
            raise BackendError(self.redact(f"openai backend: {url} answered HTTP {status}: "
                                           f"{snippet}"))
        try:
            data = json.loads(resp.content)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise RetryableError("broken JSON body (truncated or not JSON)") from None
        except RecursionError:
            raise RetryableError("JSON body nested too deeply") from None
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
        await openai_cot.probe_token_ids(self)

    async def _cot(self, client: Any, sem: asyncio.Semaphore, req: Request) -> list[Generation]:
        return await openai_cot.cot_request(self, client, sem, req)

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        from tunegap.types import SamplingParams

        req = Request(model=self.served_model, prompt=prompt,
                      params=SamplingParams(max_tokens=1, first_token_topk=k))
        return list(self.generate([req])[0][0].first_token_topk[:k])
