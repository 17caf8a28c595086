"""A scripted backend for unit tests of logic: answers come from a function, no model runs.

It records every request it was asked to generate, so tests can assert what was (not) requested.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from tunegap.backends.base import Backend, Capabilities
from tunegap.config import ModelSpec
from tunegap.types import Generation, Request

# A responder returns the text, or (text, token_margins) to script CoT-decoding confidence.
Responder = Callable[[Request, int], "str | tuple[str, tuple]"]

# Tests register responders by model name: backend.model = "scripted:<name>".
RESPONDERS: dict[str, Responder] = {}


def _echo_last_number(req: Request, sample_index: int) -> str:
    return f"I cannot tell. The answer is {sample_index}."


class ScriptedBackend(Backend):
    name: ClassVar[str] = "scripted"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, sampling=True, n_per_request=True, batching=True, cot_decoding=True
    )
    requested: ClassVar[list[str]] = []  # keys, across instances, for assertions

    def __init__(self, spec: ModelSpec) -> None:
        super().__init__(spec)
        self.responder = RESPONDERS.get(spec.backend.model, _echo_last_number)

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        out = []
        for req in requests:
            ScriptedBackend.requested.append(req.key)
            gens = []
            for i in range(req.params.samples):
                reply = self.responder(req, i)
                text, margins = reply if isinstance(reply, tuple) else (reply, ())
                gens.append(Generation(text=text, finish_reason="stop",
                                       completion_tokens=len(text.split()),
                                       rendered_prompt=self.render(req.prompt),
                                       token_margins=tuple(margins)))
            out.append(gens)
        return out

    def render(self, prompt) -> str:
        if prompt.text is not None:
            return prompt.text
        return "".join(f"<{m.role}>{m.content}\n" for m in prompt.messages or ()) + "<assistant>"
