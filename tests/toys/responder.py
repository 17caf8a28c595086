"""A scripted backend's responder (`tests.toys.responder:answer`): answers the toy sums in the
toy extractor's format, exactly on the instruct model, off by one on odd sums on the base one."""

from __future__ import annotations

import re

_SUM = re.compile(r"What is (\d+) \+ (\d+)\?")


def answer(request, sample_index):
    prompt = request.prompt
    text = prompt.text or prompt.messages[-1].content
    a, b = map(int, _SUM.findall(text)[-1])  # the item's question comes last
    total = a + b + (1 if request.model.startswith("toy-base") and (a + b) % 2 else 0)
    return f"Adding them: ANSWER=<{total}> checked 1"
