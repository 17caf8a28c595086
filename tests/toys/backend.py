"""A toy backend: reads "What is A + B?" from the prompt and answers it, exactly on an instruct
model, off by one on odd sums on a base model."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from tunegap.backends.base import Backend, Capabilities
from tunegap.errors import BackendError
from tunegap.types import Generation, Request

_SUM = re.compile(r"What is (\d+) \+ (\d+)\?")


class ToyBackend(Backend):
    name: ClassVar[str] = "toy"
    capabilities: ClassVar[Capabilities] = Capabilities(chat_template=True)
    options: ClassVar[frozenset[str]] = frozenset({"offset"})

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        out = []
        for req in requests:
            text = req.prompt.text or req.prompt.messages[-1].content
            a, b = map(int, _SUM.findall(text)[-1])  # the item's question comes last
            total = a + b
            if self.spec.kind == "base" and total % 2:
                total += int(self.spec.backend.options.get("offset", 1))
            out.append([Generation(text=f"Adding them. The answer is {total}.",
                                   finish_reason="stop")])
        return out


class StreamingToyBackend(ToyBackend):
    """Yields its answers one at a time, last request first (the runner must map indices), and
    fails after $TOY_FAIL_AFTER of them when that is set: a run killed mid-stream."""

    name: ClassVar[str] = "toy-stream"

    def stream(self, requests: Sequence[Request]) -> Iterator[tuple[int, list[Generation]]]:
        fail_after = int(os.environ.get("TOY_FAIL_AFTER", "-1"))
        for n, i in enumerate(reversed(range(len(requests)))):
            if n == fail_after:
                raise BackendError("the toy engine stopped")
            yield i, self.generate([requests[i]])[0]
