"""The two layouts every prompt family shares; the families decide only the words.

chat: an optional system turn, one user/assistant turn pair per exemplar, the item as the last
user turn. text: a header paragraph, one block per exemplar, the item's block left open for the
model to complete.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tunegap.types import Example, Message, Prompt


def worked_json(ex: Example) -> str:
    """An exemplar's reply in the paper's JSON answer format."""
    return json.dumps({"step_by_step_thinking": (ex.solution or "").strip(), "answer": ex.target},
                      ensure_ascii=False)


def chat_prompt(shots: Sequence[tuple[str, str]], question: str, *,
                system: str | None = None) -> Prompt:
    messages = [Message("system", system)] if system is not None else []
    for user, assistant in shots:
        messages += [Message("user", user), Message("assistant", assistant)]
    messages.append(Message("user", question))
    return Prompt(messages=tuple(messages))


def text_prompt(header: str, shots: Sequence[str], open_block: str,
                stops: Sequence[str]) -> Prompt:
    blocks = [f"{header}\n", *(f"{shot}\n" for shot in shots), open_block]
    return Prompt(text="\n".join(blocks), stop=tuple(stops))
