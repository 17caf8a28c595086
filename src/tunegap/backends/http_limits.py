"""Bounds on one HTTP call, and what of its answer may be shown.

httpx's `timeout` bounds each network operation (connect, one read), not the call: a server
that drips one byte every half second never trips it. `post_bounded` puts the whole call —
connect, send, headers and every byte of the body — under one deadline, and stops reading a
body past `max_bytes` (a server streaming forever must not fill the memory either).

`redact_secret` removes a secret from text a server sent back, in every form a server may
echo it (as sent, JSON-escaped, URL-encoded, HTML-escaped, base64) and any fragment of it of
MIN_FRAGMENT characters or more; `error_snippet` redacts a body *before* cutting it, so a cut
cannot leave part of an echoed key behind.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tunegap.errors import redact

MAX_BODY_BYTES = 64 << 20  # far above any completion a benchmark asks for
MIN_FRAGMENT = 8  # an echoed piece of a key this long is redacted too
SNIPPET_CHARS = 200
MASK = "***"


class CallTimeout(Exception):
    """The whole call ran past its deadline."""


class BodyTooLarge(Exception):
    """The body went past max_bytes."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes


async def post_bounded(client: Any, url: str, body: dict[str, Any], *, total_s: float,
                       max_bytes: int = MAX_BODY_BYTES) -> Answer:
    """POST `body` as JSON and read the whole answer within `total_s` seconds in all.
    CallTimeout past the deadline, BodyTooLarge past `max_bytes`; httpx's own errors pass."""

    async def call() -> Answer:
        async with client.stream("POST", url, json=body) as resp:
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():  # decoded (gzip, ...) piece by piece
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge(f"body over {max_bytes >> 20} MiB")
                chunks.append(chunk)
            return Answer(resp.status_code, dict(resp.headers), b"".join(chunks))

    try:
        return await asyncio.wait_for(call(), total_s)
    except asyncio.TimeoutError:
        raise CallTimeout(f"no complete answer within {total_s:g}s") from None


def secret_forms(secret: str) -> list[str]:
    """The ways a server may write `secret` back: as sent and in each common encoding."""
    forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        urllib.parse.quote(secret),
        html.escape(secret),
        base64.b64encode(secret.encode()).decode(),
        base64.urlsafe_b64encode(secret.encode()).decode().rstrip("="),
        base64.b64encode(secret.encode()).decode().rstrip("="),
    }
    return sorted((f for f in forms if f), key=len, reverse=True)


def redact_secret(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of each secret, and every fragment of one of MIN_FRAGMENT
    characters or more, replaced by ***."""
    for secret in secrets:
        if not secret:
            continue
        forms = secret_forms(secret)
        for form in forms:
            text = text.replace(form, MASK)
        text = _mask_fragments(text, forms)
    return text


def _mask_fragments(text: str, forms: list[str]) -> str:
    """Runs of text made of overlapping MIN_FRAGMENT-grams of a secret's forms (a key cut or
    shortened by the server itself) become ***. A secret shorter than MIN_FRAGMENT is only
    ever masked whole."""
    grams = {f[i:i + MIN_FRAGMENT] for f in forms for i in range(len(f) - MIN_FRAGMENT + 1)}
    if not grams:
        return text
    covered = bytearray(len(text))
    for i in range(len(text) - MIN_FRAGMENT + 1):
        if text[i:i + MIN_FRAGMENT] in grams:
            covered[i:i + MIN_FRAGMENT] = b"\x01" * MIN_FRAGMENT
    if not any(covered):
        return text
    out, i = [], 0
    while i < len(text):
        if covered[i]:
            while i < len(text) and covered[i]:
                i += 1
            out.append(MASK)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def error_snippet(body: bytes, secrets: Iterable[str], limit: int = SNIPPET_CHARS) -> str:
    """The start of an error body for a one-line message. A JSON body is first read and written
    back unescaped (a key sent back as \\u0073\\u006b... reads as itself); then the secrets are
    redacted in the whole text, and only then is it cut to `limit` characters (and fragments
    the cut made are masked)."""
    text = body.decode("utf-8", errors="replace")
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    except (ValueError, RecursionError):
        pass
    secrets = [s for s in secrets if s]
    for secret in secrets:
        for form in secret_forms(secret):
            text = text.replace(form, MASK)
    text = redact(" ".join(text.split()))  # URL credentials
    return redact_secret(text[:limit], secrets)
