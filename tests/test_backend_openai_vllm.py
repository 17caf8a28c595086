"""The `openai` backend against real vLLM OpenAI servers started here on 127.0.0.1 (the CPU build in
`make test`): the same greedy outputs, seeded samples, chat-template variables and CoT-decoding
branches as the offline engine on the same weights; two servers as one fleet; a server killed
mid-run and restarted, the run resumed with nothing generated twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest
import yaml

from tests.helpers import demo_config_dict
from tests.test_backend_vllm_engine import gsm8k_prompts, vllm_spec
from tests.vllm_models import converted, require_vllm
from tests.vllm_server import SERVED_NAME, VLLMServer, vllm_server
from tunegap.config import ModelSpec
from tunegap.types import Message, Prompt, Request, SamplingParams

pytestmark = [pytest.mark.vllm, pytest.mark.slow]

TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
            "{% endfor %}<|im_start|>assistant\n{% if prefix %}{{ prefix }}{% endif %}")
KWARGS = {"prefix": "The capital of France is"}
CHAT = Prompt(messages=(Message("user", "Tell me a fact."),))


def requests() -> list[Request]:
    greedy = [Request("m", Prompt(text=p, stop=("\n\nQuestion:",)), SamplingParams(max_tokens=32))
              for p in gsm8k_prompts(6)]
    seeded = Request("m", Prompt(text="Once upon a time"),
                     SamplingParams(max_tokens=12, temperature=1.0, n=3, seed=11))
    chat = [Request("m", CHAT, SamplingParams(max_tokens=8)),
            Request("m", Prompt(messages=CHAT.messages, template_kwargs=(("prefix", ""),)),
                    SamplingParams(max_tokens=8))]
    cot = Request("m", Prompt(text=gsm8k_prompts(1)[0]), SamplingParams(max_tokens=16,
                                                                         cot_branches=5))
    return [*greedy, seeded, *chat, cot]


def texts(gens) -> list[list[str]]:
    return [[g.text for g in row] for row in gens]


@pytest.fixture(scope="module")
def offline():
    """The offline engine's answers, computed first and the engine closed before any server."""
    require_vllm()
    from tunegap.backends.vllm import VLLMBackend

    b = VLLMBackend(vllm_spec(str(converted("smol")), chat_template=TEMPLATE,
                              chat_template_kwargs=KWARGS))
    try:
        return b.generate(requests())
    finally:
        b.close()


@pytest.fixture(scope="module")
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tmpl") / "chat.jinja"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def openai_spec(*urls: str, **options) -> ModelSpec:
    return ModelSpec.model_validate({"name": "smol", "kind": "instruct", "backend": {
        "type": "openai", "model": SERVED_NAME, "chat_template_kwargs": KWARGS,
        "options": {"base_urls": list(urls), "concurrency": 4, **options}}})


def test_served_equals_offline_then_fleet_of_two_equals_one(offline, template_file):
    from tunegap.backends.openai import OpenAIBackend

    model = converted("smol")
    with vllm_server(model, chat_template=template_file) as one:
        reqs = requests()
        backend = OpenAIBackend(openai_spec(one.base_url))
        backend.check(reqs)  # the token-id probe passes on vLLM
        served = backend.generate(reqs)
        with vllm_server(model, chat_template=template_file) as two:
            fleet = OpenAIBackend(openai_spec(one.base_url, two.base_url))
            both = fleet.generate(reqs)
    # greedy completions, seeded samples (sample i = seed + i), chat with the template's
    # variables (the second chat prompt turns the variable off and answers otherwise)
    assert texts(served) == texts(offline)
    assert texts(served)[7] != texts(served)[8]
    assert served[7][0].text.strip() and offline[7][0].rendered_prompt.endswith(KWARGS["prefix"])
    # CoT decoding: the same branches, first tokens, margins
    cot_served, cot_offline = served[-1], offline[-1]
    assert [g.first_token_topk[0].token_id for g in cot_served] == \
        [g.first_token_topk[0].token_id for g in cot_offline]
    for a, b in zip(cot_served, cot_offline):
        assert (a.text, a.completion_tokens, a.finish_reason) == (b.text, b.completion_tokens,
                                                                  b.finish_reason)
        assert [m[0] for m in a.token_margins] == [m[0] for m in b.token_margins]
        assert all(abs(x - y) < 1e-4 for ma, mb in zip(a.token_margins, b.token_margins)
                   for x, y in zip(ma[1:], mb[1:]))
    # two servers as one fleet: the same results, and both servers were used
    assert texts(both) == texts(served)
    assert fleet.stats["calls"] >= len(reqs)


def test_a_server_without_token_ids_is_refused_before_the_run():
    # llama-cpp-python's server is not installed here; a closed port stands in for any server
    # that cannot answer the token-id probe.
    from tests.llama_server import free_port
    from tunegap.backends.openai import OpenAIBackend
    from tunegap.errors import UserError

    b = OpenAIBackend(openai_spec(f"http://127.0.0.1:{free_port()}/v1", max_retries=0))
    cot = Request("m", Prompt(text="Q"), SamplingParams(max_tokens=4, cot_branches=2))
    with pytest.raises(UserError, match="CoT decoding needs a server that takes token ids"):
        b.check([cot])


def stored(db) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_server_killed_mid_run_then_restarted_resumes_nothing_twice(tmp_path, template_file):
    require_vllm()
    server = VLLMServer(converted("smol")).start()
    try:
        cfg = demo_config_dict(tmp_path / "run", limit=4, max_tokens=24, batch_size=1,
                               settings=["zeroshot_cot"])
        for side in ("base", "instruct"):
            cfg["pairs"][0][side]["backend"] = {
                "type": "openai", "model": SERVED_NAME, "batch_size": 1,
                "options": {"base_url": server.base_url, "concurrency": 1, "max_retries": 1,
                            "backoff": 0.1, "timeout": 30}}
        (tmp_path / "run.yaml").write_text(yaml.safe_dump(cfg))
        cmd = [sys.executable, "-m", "tunegap.cli", "run", str(tmp_path / "run.yaml"),
               "--no-progress"]
        db = tmp_path / "run" / "tunegap.sqlite"
        total = 2 * 4
        with open(tmp_path / "first.log", "w") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 300
        while stored(db) < 2 and proc.poll() is None and time.time() < deadline:
            time.sleep(0.1)
        server.stop(kill=True)  # mid-run: the server dies under the run's calls
        assert proc.wait(120) != 0, (tmp_path / "first.log").read_text()
        with sqlite3.connect(db) as conn:
            before = {(k, i): t for k, i, t in conn.execute(
                "SELECT request_key, sample_index, text FROM generations")}
            first_attempt = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
        assert 2 <= len(before) < total
        server.start()  # restarted on the same port
        resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                                 env={**os.environ})
        assert resumed.returncode == 0, resumed.stderr[-2000:]
    finally:
        server.stop()
    with sqlite3.connect(db) as conn:
        second = conn.execute("SELECT MAX(id) FROM attempts").fetchone()[0]
        asked_again = [r[0] for r in conn.execute(
            "SELECT request_key FROM requested WHERE attempt = ?", (second,))]
        after = {(k, i): t for k, i, t in conn.execute(
            "SELECT request_key, sample_index, text FROM generations")}
    assert second == first_attempt + 1
    assert not {k for k, _ in before} & set(asked_again)  # nothing generated twice
    assert len(asked_again) == total - len(before)
    assert all(after[key] == text for key, text in before.items()) and len(after) == total
