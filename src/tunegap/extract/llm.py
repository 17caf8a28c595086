"""llm: an auxiliary model reads the output and reports its first final answer (the paper's
extractor, in tunegap's words). It is a *batch* extractor, and owns neither a model nor a table:
the scoring stage gives it a generate function (requests → reply texts, loading the model on
first need) and a cache (`AnswerCache`, the run store's `llm_answers`), keyed by the extractor
model's fingerprint, the prompt version and the text's hash, so a re-grade never reloads the
model for texts it has already read.

The auxiliary model is not shown the question, only the text. Its reply is parsed as JSON
{"answer": ...} (repaired when broken); anything else, "none" included, is a missing answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

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

# The auxiliary model, as the scoring stage hands it over: a batch of requests → one reply each.
Generate = Callable[[Sequence[Request]], list[str]]


class AnswerCache(Protocol):
    """Where read texts are kept (store.Store implements it), by text hash."""

    def llm_answers(self, model: str, version: str,
                    shas: set[str]) -> dict[str, str | None]: ...

    def save_llm_answers(self, model: str, version: str,
                         rows: Sequence[tuple[str, str, str | None]]) -> None:
        """rows: (text sha, raw reply, answer)."""
        ...


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
    """Batch extraction through a generate function. `model` is the auxiliary model's
    fingerprint (the cache key), `chat` whether it takes chat prompts (an instruct model)."""

    def __init__(self, model: str, generate: Generate, *, chat: bool, max_tokens: int = 64,
                 batch_size: int = 8) -> None:
        self.model, self.generate, self.chat = model, generate, chat
        self.max_tokens, self.batch_size = max_tokens, batch_size  # validated ≥ 1 (BackendSpec)

    def request(self, text: str) -> Request:
        return Request(model=self.model, prompt=build_prompt(text, chat=self.chat),
                       params=SamplingParams(max_tokens=self.max_tokens, temperature=0.0))

    def batches(self, texts: Sequence[str]) -> Iterator[list[tuple[str, str, str | None]]]:
        """(text, raw reply, answer) a batch at a time, as the model returns them."""
        for start in range(0, len(texts), self.batch_size):
            part = texts[start : start + self.batch_size]
            replies = self.generate([self.request(t) for t in part])
            yield [(t, raw, parse_reply(raw, chat=self.chat))
                   for t, raw in zip(part, replies, strict=True)]


def extract_all(cache: AnswerCache, extractor: LLMExtractor,
                texts: Sequence[str]) -> dict[str, str | None]:
    """text → answer for every text; only uncached texts reach the model."""
    unique = list(dict.fromkeys(texts))
    have = cache.llm_answers(extractor.model, PROMPT_VERSION, {sha256_hex(t) for t in unique})
    todo = [t for t in unique if sha256_hex(t) not in have]
    for batch in extractor.batches(todo):
        # Saved as it arrives: a kill loses at most one batch.
        cache.save_llm_answers(extractor.model, PROMPT_VERSION,
                               [(sha256_hex(t), raw, ans) for t, raw, ans in batch])
        have.update({sha256_hex(t): ans for t, _raw, ans in batch})
    return {t: have[sha256_hex(t)] for t in unique}
