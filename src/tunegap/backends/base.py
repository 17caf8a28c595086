"""The Backend protocol: one small interface every engine implements.

A backend is bound to one model. `generate` takes a batch of Requests and returns, for each, its
`params.n` Generations. Capabilities are declared up front so that a run asking for something an
engine cannot do fails before any generation starts (`check`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import ClassVar

from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.types import Generation, Prompt, Request, TokenCandidate


@dataclass(frozen=True)
class Capabilities:
    chat_template: bool = False  # can render chat messages
    first_token_topk: bool = False  # top-k log-probs of the first generated token
    sampling: bool = False  # temperature/top_p sampling with seeds
    n_per_request: bool = False  # n > 1 in one request
    batching: bool = False  # several sequences decoded together
    cot_decoding: bool = False  # SamplingParams.cot_branches: top-k first tokens, greedy after

    def describe(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class Backend(ABC):
    name: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

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
            if req.params.cot_branches and not caps.cot_decoding:
                raise UserError(f"backend '{self.name}' cannot do CoT decoding")

    @abstractmethod
    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        """For each request, `params.samples` generations in sample-index order.

        Plain requests: `n` samples (sample i seeded with `seed + i` when a seed is given).
        `cot_branches=k` requests: the k CoT-decoding branches, ranked by first-token log-prob,
        each with `first_token_topk` (its forced token first) and `token_margins` filled in.
        """

    def first_token_topk(self, prompt: Prompt, k: int) -> list[TokenCandidate]:
        raise UserError(f"backend '{self.name}' cannot return first-token log-probs")

    def render(self, prompt: Prompt) -> str | None:
        """The exact text the model sees for this prompt, where the backend can tell."""
        return prompt.text

    def close(self) -> None:  # noqa: B027 - optional hook, a no-op by default
        """Release the model (memory, threads, connections)."""
