"""A toy backend: reads "What is A + B?" from the prompt and answers it, exactly on an instruct
model, off by one on odd sums on a base model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from tunegap.backends.base import Backend, Capabilities
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
