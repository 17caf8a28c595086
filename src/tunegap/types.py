"""Core value types shared by every stage. Small, frozen, JSON-friendly."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

# How an item's target reads (the graders parse it accordingly).
AnswerType = Literal["number", "decimal", "integer", "latex", "date", "weeks_days", "none"]
# Why a generation ended: a stop string or end-of-generation token, the token budget, a
# backend failure, or not reported (imported generations).
FinishReason = Literal["stop", "length", "error", "unknown"]
# What a grade says beyond right/wrong. ok: judged; missing: no answer; unparsable: the answer
# is not a value; n/a: the grader does not apply to the item; timeout / error: the grader ran
# past its limit or failed; too-long / unfinished-reasoning: the extraction did not read the
# text (its status carries over to the grades).
GradeStatus = Literal["ok", "missing", "unparsable", "n/a", "timeout", "error", "too-long",
                      "unfinished-reasoning"]
# The reply shape a prompt asks for (AnswerFormat.style): "The answer is N.", \boxed{...}, a
# JSON object with an "answer" field, or the value alone.
AnswerStyle = Literal["answer_is", "boxed", "json", "bare"]


def canonical_json(obj: Any) -> str:
    """One spelling per value: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Example:
    """One benchmark item. `target` is always a string; `answer_type` says how to read it."""

    benchmark: str
    id: str
    question: str
    target: str
    answer_type: AnswerType = "number"
    context: str | None = None  # e.g. a patient note
    meta: dict[str, Any] = field(default_factory=dict)  # category, seed_id, perturbation, ...
    solution: str | None = None  # worked solution, used when the item serves as an exemplar

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Message:
    role: str  # system | user | assistant
    content: str


@dataclass(frozen=True)
class Prompt:
    """Either raw completion `text` or chat `messages` (rendered by the model's template)."""

    text: str | None = None
    messages: tuple[Message, ...] | None = None
    stop: tuple[str, ...] = ()
    # Chat-template variables this prompt sets (e.g. (("enable_thinking", False),)); they
    # override the model's own chat_template_kwargs.
    template_kwargs: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if (self.text is None) == (self.messages is None):
            raise ValueError("a Prompt has exactly one of `text` or `messages`")

    @property
    def is_chat(self) -> bool:
        return self.messages is not None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"stop": list(self.stop)}
        if self.text is not None:
            d["text"] = self.text
        else:
            d["messages"] = [{"role": m.role, "content": m.content} for m in self.messages or ()]
        if self.template_kwargs:  # only when set: every other prompt keeps its request key
            d["template_kwargs"] = dict(self.template_kwargs)
        return d


@dataclass(frozen=True)
class AnswerFormat:
    """What a prompt asked the model to end its reply with. The prompt family decides it when it
    renders the prompt; the plan hands it down with the request, and the `strict` extractor
    reads only this format. Not part of the request key: the prompt text already says it."""

    style: AnswerStyle = "answer_is"

    def to_json(self) -> str:
        return canonical_json({"style": self.style})

    @classmethod
    def from_json(cls, text: str) -> AnswerFormat:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class RenderedPrompt:
    """A prompt family's output: the prompt and the answer format it asks for."""

    prompt: Prompt
    answer_format: AnswerFormat


@dataclass(frozen=True)
class SamplingParams:
    """Decoding budget for one request. temperature 0 means greedy."""

    max_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0
    n: int = 1
    seed: int | None = None
    first_token_topk: int = 0  # >0: return the top-k log-probs of the first generated token
    # >0: CoT decoding (Wang & Zhou 2024): branch on the top-k first tokens, continue each
    # greedily; the request then yields `cot_branches` generations, in first-token rank order.
    cot_branches: int = 0

    @property
    def samples(self) -> int:
        """How many generations (sample indices) this request yields."""
        return self.cot_branches if self.cot_branches > 0 else self.n

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Request:
    """A model + prompt + params. Its `key` (sha256 of canonical JSON) is the cache key."""

    model: str  # the model's fingerprint (ModelSpec.fingerprint)
    prompt: Prompt
    params: SamplingParams

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "prompt": self.prompt.to_dict(), "params": self.params.to_dict()}

    @cached_property
    def key(self) -> str:
        # Hashed once per request (a plan of 2 M items asks for each key several times).
        return sha256_hex(canonical_json(self.to_dict()))


@dataclass(frozen=True)
class TokenCandidate:
    token: str
    logprob: float
    token_id: int | None = None


@dataclass(frozen=True)
class Generation:
    """One output for one request sample."""

    text: str
    finish_reason: FinishReason
    prompt_tokens: int = 0
    completion_tokens: int = 0
    rendered_prompt: str | None = None  # the exact text fed to the model, when known
    first_token_topk: tuple[TokenCandidate, ...] = ()
    # Per generated token: (char offset of the token in `text`, top-1 prob, top-2 prob); CoT
    # decoding's confidence is the mean top1 - top2 gap over the answer's tokens.
    token_margins: tuple[tuple[int, float, float], ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Generation:
        d = dict(d)
        d["first_token_topk"] = tuple(TokenCandidate(**c) for c in d.get("first_token_topk", ()))
        d["token_margins"] = tuple(tuple(m) for m in d.get("token_margins", ()))
        return cls(**d)
