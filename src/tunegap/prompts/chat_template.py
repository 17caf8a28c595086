"""Render chat messages through a model's own Jinja chat template (sandboxed).

In-process backends (llama.cpp, transformers GGUF) render the template themselves so that the
exact text the model saw is stored with every sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from tunegap.types import Message


def _raise_exception(message: str) -> None:
    raise ValueError(message)


def render_chat(
    template: str,
    messages: Sequence[Message],
    *,
    bos_token: str = "",
    eos_token: str = "",
    add_generation_prompt: bool = True,
    template_kwargs: dict[str, Any] | None = None,
) -> str:
    """`template_kwargs`: extra template variables (e.g. enable_thinking), as transformers'
    apply_chat_template passes them."""
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise_exception
    return env.from_string(template).render(
        **(template_kwargs or {}),
        messages=[{"role": m.role, "content": m.content} for m in messages],
        bos_token=bos_token,
        eos_token=eos_token,
        add_generation_prompt=add_generation_prompt,
    )
