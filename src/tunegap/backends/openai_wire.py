"""The OpenAI API's wire format and retry policy, without a client: the options a backend
reads (`ClientSettings`), one request body per sample, a response read into a Generation, and
when and how long to wait before a retry. backends/openai.py sends them."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass
from typing import Any

from tunegap.errors import UserError, has_url_credentials
from tunegap.types import Generation, Request, TokenCandidate

OPTIONS = frozenset({"base_url", "base_urls", "api_key_env", "concurrency", "timeout",
                     "max_retries", "backoff", "backoff_max", "retry_after_max", "extra_body",
                     "auth_env"})
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
    auth_env: str | None = None

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> ClientSettings:
        """Settings from backend.options (their names are checked by Backend.__init__)."""
        urls = opts.get("base_urls") or opts.get("base_url") or "http://127.0.0.1:8000/v1"
        urls = (urls,) if isinstance(urls, str) else tuple(urls)
        if not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://"))
                               for u in urls):
            raise UserError("base_url(s) must be http(s) URLs", field="backend.options.base_url")
        if any(has_url_credentials(u) for u in urls):
            # Credentials in a URL would be stored with the run's config and printed with it.
            raise UserError("base_url carries credentials (user:password@): put them in an "
                            "environment variable named by auth_env (basic auth) or api_key_env "
                            "(bearer key)", field="backend.options.base_url")
        kw = {k: opts[k] for k in ("api_key_env", "concurrency", "timeout", "max_retries",
                                   "backoff", "backoff_max", "retry_after_max", "auth_env")
              if k in opts}
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
