"""The Backend interface: one small class every engine implements.

A backend is bound to one model. `generate` takes a batch of Requests and returns, for each, its
`params.samples` Generations; `stream` hands the runner each request's Generations as they are
ready. What every engine shares lives here, once:
  - the options check: a backend declares the `backend.options` it reads (`options`), and an
    unknown one is a one-line error naming them;
  - the capability check (`check`), before any generation starts, including a chat prompt sent
    to a model that renders chat itself but has no chat template;
  - chat rendering (`render`): the model's template (or the spec's override) with the spec's and
    the prompt's template variables; engines with a tokenizer override `apply_template`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.prompts.chat_template import render_chat
from tunegap.types import Generation, Message, Prompt, Request, TokenCandidate


@dataclass(frozen=True)
class Capabilities:
    chat_template: bool = False  # can render chat messages
    first_token_topk: bool = False  # top-k log-probs of the first generated token
    sampling: bool = False  # temperature/top_p sampling with seeds
    n_per_request: bool = False  # n > 1 samples of one request
    cot_decoding: bool = False  # SamplingParams.cot_branches: top-k first tokens, greedy after

    def describe(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def check_options(backend: str, options: Mapping[str, Any], known: frozenset[str]) -> None:
    unknown = sorted(set(options) - known)
    if unknown:
        raise UserError(f"unknown {backend} backend option(s): {', '.join(unknown)} "
                        f"(known: {', '.join(sorted(known)) or 'none'})", field="backend.options")


def apply_tokenizer_template(tokenizer: Any, template: str | None,
                             messages: Sequence[Message], variables: dict[str, Any]) -> str:
    """A transformers tokenizer's chat rendering (hf, vllm)."""
    return tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in messages], chat_template=template,
        tokenize=False, add_generation_prompt=True, **variables)


class Backend(ABC):
    name: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    options: ClassVar[frozenset[str]] = frozenset()  # the backend.options keys it reads
    # True where tunegap renders chat prompts itself (so the exact text is stored); False where
    # a server renders them out of sight (`render` gives None for chat then).
    renders_chat: ClassVar[bool] = False

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.template: str | None = spec.backend.chat_template  # engines fill in the model's
        self.bos_text = self.eos_text = ""  # what `bos_token` / `eos_token` render as
        check_options(self.name, spec.backend.options, self.options)

    def check(self, requests: Sequence[Request]) -> None:
        """Refuse, before generating anything, requests this backend cannot serve."""
        caps = self.capabilities
        for req in requests:
            if req.prompt.is_chat and not caps.chat_template:
                raise UserError(f"backend '{self.name}' cannot render chat prompts")
            if req.params.first_token_topk and not caps.first_token_topk:
                raise UserError(f"backend '{self.name}' cannot return first-token log-probs")
            if req.params.temperature > 0 and not caps.sampling:
                raise UserError(f"backend '{self.name}' cannot sample (temperature > 0)")
            if req.params.n > 1 and not caps.n_per_request:
                raise UserError(f"backend '{self.name}' cannot make n > 1 samples of a request")
            if req.params.cot_branches and not caps.cot_decoding:
                raise UserError(f"backend '{self.name}' cannot do CoT decoding")
        if self.renders_chat and self.template is None and any(r.prompt.is_chat
                                                               for r in requests):
            raise UserError(self._no_template())

    def _no_template(self) -> str:
        return (f"model '{self.spec.name}' ({self.spec.backend.model}) has no chat template: run "
                "its settings with chat: false, or set backend.chat_template")

    @abstractmethod
    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        """For each request, `params.samples` generations in sample-index order.

        Plain requests: `n` samples (sample i seeded with `seed + i` when a seed is given).
        `cot_branches=k` requests: the k CoT-decoding branches, ranked by first-token log-prob,
        each with `first_token_topk` (its forced token first) and `token_margins` filled in.
        """

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, list[Generation]]]:
        """(index into requests, its generations) for every request, as each is ready: what
        the runner stores as it goes. By default `generate` over consecutive chunks of
        `backend.batch_size` requests; an engine that refills finished sequence slots
        (llamacpp) yields each request as soon as it ends and never waits for a chunk."""
        size = self.spec.backend.batch_size
        for start in range(0, len(requests), size):
            chunk = self.generate(requests[start : start + size])
            yield from enumerate(chunk, start)

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        raise UserError(f"backend '{self.name}' cannot return first-token log-probs")

    def render(self, prompt: Prompt) -> str | None:
        """The exact text the model sees for this prompt, where the backend can tell."""
        if prompt.text is not None:
            return prompt.text
        if not self.renders_chat:
            return None
        if self.template is None:
            raise UserError(self._no_template())
        variables = {**self.spec.backend.chat_template_kwargs, **dict(prompt.template_kwargs)}
        return self.apply_template(prompt.messages or (), variables)

    def apply_template(self, messages: Sequence[Message], variables: dict[str, Any]) -> str:
        """`self.template` rendered for these messages, ending in the assistant's turn."""
        assert self.template is not None
        return render_chat(self.template, messages, bos_token=self.bos_text,
                           eos_token=self.eos_text, template_kwargs=variables)

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release the model (memory, threads, connections)."""
