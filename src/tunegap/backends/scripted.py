"""The scripted backend: answers come from a function or a file of recorded outputs; no model
runs. For tests of logic, and for replaying outputs recorded elsewhere through tunegap's
extraction, grading and statistics.

Where the answers come from (first that applies):
  - `responder=` given to the constructor (tests that build the backend themselves);
  - `backend.options.responder: "module:function"`, a plug-in called as
    `function(request, sample_index)` → text, or (text, token_margins) to script CoT decoding's
    confidence;
  - `backend.options.replay: file.jsonl`, rows `{"prompt": ..., "outputs": [text, ...]}`: the
    outputs recorded for that prompt (its text, or for chat prompts the `render` below), sample
    i gets `outputs[i]`;
  - otherwise every answer is "I cannot tell. The answer is <sample index>."
Nothing is kept at module level: each backend holds its own responder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import ClassVar

from tunegap.backends.base import Backend, Capabilities
from tunegap.config import ModelSpec
from tunegap.errors import BackendError, UserError
from tunegap.types import Generation, Prompt, Request

Responder = Callable[[Request, int], "str | tuple[str, tuple]"]


def echo_sample_index(req: Request, sample_index: int) -> str:
    return f"I cannot tell. The answer is {sample_index}."


def plugin_responder(ref: str) -> Responder:
    module, _, attr = ref.partition(":")
    try:
        fn = getattr(import_module(module), attr) if attr else None
    except (ImportError, AttributeError):
        fn = None
    if not callable(fn):
        raise UserError(f"scripted responder '{ref}' is not an importable module:function",
                        field="backend.options.responder")
    return fn


class Replay:
    """Recorded outputs by prompt."""

    def __init__(self, path: str, render: Callable[[Prompt], str]) -> None:
        self.path, self.render = Path(path), render
        self.outputs: dict[str, list[str]] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(f"{path}: cannot read ({exc.strerror})",
                            field="backend.options.replay") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                prompt, outputs = row["prompt"], row["outputs"]
            except (ValueError, KeyError, TypeError):
                raise UserError(f"{path}, row {n}: expected a JSON object with 'prompt' and "
                                "'outputs'", field="backend.options.replay") from None
            if not isinstance(prompt, str) or not (isinstance(outputs, list)
                                                   and all(isinstance(o, str) for o in outputs)):
                raise UserError(f"{path}, row {n}: 'prompt' must be text and 'outputs' a list of "
                                "texts", field="backend.options.replay")
            self.outputs[prompt] = outputs

    def __call__(self, req: Request, sample_index: int) -> str:
        recorded = self.outputs.get(self.render(req.prompt), [])
        if sample_index >= len(recorded):
            raise BackendError(f"{self.path}: no recorded output {sample_index} for the prompt "
                               f"{self.render(req.prompt)[:60]!r}")
        return recorded[sample_index]


class ScriptedBackend(Backend):
    name: ClassVar[str] = "scripted"
    capabilities: ClassVar[Capabilities] = Capabilities(
        chat_template=True, sampling=True, n_per_request=True, cot_decoding=True
    )
    options: ClassVar[frozenset[str]] = frozenset({"responder", "replay"})

    def __init__(self, spec: ModelSpec, responder: Responder | None = None) -> None:
        super().__init__(spec)
        opts = spec.backend.options
        if responder is None and "responder" in opts:
            responder = plugin_responder(str(opts["responder"]))
        if responder is None and "replay" in opts:
            responder = Replay(str(opts["replay"]), self.render)
        self.responder: Responder = responder or echo_sample_index

    def generate(self, requests: Sequence[Request]) -> list[list[Generation]]:
        out = []
        for req in requests:
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

    def render(self, prompt: Prompt) -> str:
        if prompt.text is not None:
            return prompt.text
        return "".join(f"<{m.role}>{m.content}\n" for m in prompt.messages or ()) + "<assistant>"
