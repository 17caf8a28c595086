"""llm: an auxiliary model reads the output and reports its first final answer (the paper's
extractor, in tunegap's words). It is a *batch* extractor: scoring.py hands it every text that
has no cached extraction yet, and the results are cached in the run store (`llm_answers`), keyed
by the extractor model's fingerprint, the prompt version and the text's hash, so a re-grade never
reloads the model for texts it has already read.

The auxiliary model is not shown the question, only the text. Its reply is parsed as JSON
{"answer": ...} (repaired when broken); anything else, "none" included, is a missing answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from tunegap.config import ModelSpec
from tunegap.extract.jsonfield import answer_field
from tunegap.extract.reasoning import split_reasoning
from tunegap.types import Message, Prompt, Request, SamplingParams, sha256_hex

PROMPT_VERSION = "llm-extract/1"
MAX_CHARS = 6000  # head of the text: the first final answer comes early; keeps the context small

INSTRUCTIONS = (
    "You are an answer-extraction system. You will see a piece of text written by another "
    "model. Find the FIRST final answer that the text gives and report it. Ignore any other "
    "questions, worked examples or answers that come after it. Copy the answer as written "
    "(a number, an expression, a date or a letter), without units or explanation. "
    'Reply with valid JSON only, exactly of the form {"answer": "..."}. '
    'If the text gives no final answer, reply {"answer": "none"}.'
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_answers (
  model TEXT NOT NULL, prompt_version TEXT NOT NULL, text_sha TEXT NOT NULL,
  raw TEXT NOT NULL, answer TEXT, PRIMARY KEY (model, prompt_version, text_sha));
"""


def build_prompt(text: str, *, chat: bool) -> Prompt:
    body = text[:MAX_CHARS]
    if chat:
        return Prompt(messages=(Message("system", INSTRUCTIONS),
                                Message("user", f"Text:\n<<<\n{body}\n>>>")))
    # A base model continues a pattern: open the JSON for it.
    return Prompt(text=f"{INSTRUCTIONS}\n\nText:\n<<<\n{body}\n>>>\n\nJSON: {{\"answer\": \"",
                  stop=("\n",))


def parse_reply(raw: str, *, chat: bool) -> str | None:
    """The answer in the auxiliary model's reply; None for "none", garbage or no JSON at all.
    A reply that thinks first (Qwen3 with thinking on) is read after its thinking only; one
    whose thinking never closes has no answer."""
    answer_span = split_reasoning(raw).answer
    if answer_span is None:
        return None
    reply = answer_span if chat else '{"answer": "' + answer_span
    return answer_field(reply)


class LLMExtractor:
    """Batch extraction through any backend. The backend is loaded on first need only."""

    def __init__(self, spec: ModelSpec, *, max_tokens: int = 64) -> None:
        self.spec = spec
        self.model = spec.fingerprint()
        self.chat = spec.kind == "instruct"
        self.max_tokens = max_tokens
        self._backend = None

    def request(self, text: str) -> Request:
        return Request(model=self.model, prompt=build_prompt(text, chat=self.chat),
                       params=SamplingParams(max_tokens=self.max_tokens, temperature=0.0))

    def run(self, texts: Sequence[str]) -> list[tuple[str, str | None]]:
        """(raw reply, answer) for each text, in order."""
        return [(raw, ans) for batch in self.batches(texts) for _t, raw, ans in batch]

    def batches(self, texts: Sequence[str]) -> Iterator[list[tuple[str, str, str | None]]]:
        """(text, raw reply, answer) a batch at a time, as the backend returns them."""
        if not texts:
            return
        if self._backend is None:
            from tunegap.backends import load_backend

            self._backend = load_backend(self.spec)
        requests = [self.request(t) for t in texts]
        self._backend.check(requests)
        size = max(1, self.spec.backend.batch_size)
        for start in range(0, len(requests), size):
            gens = self._backend.generate(requests[start : start + size])
            yield [(t, g[0].text if g else "", parse_reply(g[0].text if g else "", chat=self.chat))
                   for t, g in zip(texts[start : start + size], gens)]

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


# ---------------------------------------------------------------- cache in the run store


def _ensure(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA)


def cached(db: sqlite3.Connection, model: str, texts: Sequence[str]) -> dict[str, str | None]:
    """text sha → cached answer, for the texts this model has already read."""
    _ensure(db)
    want = {sha256_hex(t) for t in texts}
    rows = db.execute("SELECT text_sha, answer FROM llm_answers WHERE model = ? AND "
                      "prompt_version = ?", (model, PROMPT_VERSION)).fetchall()
    return {sha: ans for sha, ans in rows if sha in want}


def save(db: sqlite3.Connection, model: str, rows: Sequence[tuple[str, str, str | None]]) -> None:
    """rows: (text, raw reply, answer)."""
    _ensure(db)
    db.executemany("INSERT OR REPLACE INTO llm_answers VALUES (?,?,?,?,?)",
                   [(model, PROMPT_VERSION, sha256_hex(t), raw, ans) for t, raw, ans in rows])


def extract_all(db: sqlite3.Connection, extractor: LLMExtractor,
                texts: Sequence[str]) -> dict[str, str | None]:
    """text → answer for every text; only uncached texts reach the model."""
    unique = list(dict.fromkeys(texts))
    have = cached(db, extractor.model, unique)
    todo = [t for t in unique if sha256_hex(t) not in have]
    for batch in extractor.batches(todo):
        save(db, extractor.model, batch)  # as it arrives: a kill loses at most one batch
        have.update({sha256_hex(t): ans for t, _raw, ans in batch})
    return {t: have[sha256_hex(t)] for t in unique}
