"""The scripted backend without module-level state: a responder plug-in, a replay file of
recorded outputs (one-line errors naming file and row), and the default answer."""

from __future__ import annotations

import json

import pytest

from tunegap.backends.scripted import ScriptedBackend
from tunegap.config import ModelSpec
from tunegap.errors import BackendError, UserError
from tunegap.types import Message, Prompt, Request, SamplingParams


def _spec(**options) -> ModelSpec:
    return ModelSpec.model_validate({"name": "s", "kind": "instruct", "backend": {
        "type": "scripted", "model": "s", "options": options}})


def _request(prompt: Prompt, n: int = 1) -> Request:
    return Request("s@1", prompt, SamplingParams(n=n, temperature=0.7 if n > 1 else 0.0))


TEXT = Prompt(text="Question: 2 + 2?\nAnswer:")
CHAT = Prompt(messages=(Message("user", "What is 3 + 4?"),))


def test_replay_answers_each_prompt_with_its_recorded_outputs(tmp_path):
    backend = ScriptedBackend(_spec())
    replay = tmp_path / "replay.jsonl"
    replay.write_text("\n".join(json.dumps(r) for r in (
        {"prompt": TEXT.text, "outputs": ["4", "four"]},
        {"prompt": backend.render(CHAT), "outputs": ["7"]})) + "\n")
    replaying = ScriptedBackend(_spec(replay=str(replay)))
    gens = replaying.generate([_request(TEXT, n=2), _request(CHAT)])
    assert [[g.text for g in row] for row in gens] == [["4", "four"], ["7"]]
    with pytest.raises(BackendError, match="no recorded output 1"):
        replaying.generate([_request(CHAT, n=2)])


@pytest.mark.parametrize("line, what", [
    ("not json", "row 2: expected a JSON object"),
    ('{"prompt": "x"}', "row 2: expected a JSON object"),
    ('{"prompt": 3, "outputs": ["a"]}', "row 2: 'prompt' must be text"),
])
def test_a_bad_replay_row_is_one_line_naming_file_and_row(tmp_path, line, what):
    replay = tmp_path / "r.jsonl"
    replay.write_text('{"prompt": "a", "outputs": ["b"]}\n' + line + "\n")
    with pytest.raises(UserError, match=what) as err:
        ScriptedBackend(_spec(replay=str(replay)))
    assert str(replay) in str(err.value) and "\n" not in err.value.one_line()


def test_responder_plugin_and_default_answer():
    plugged = ScriptedBackend(_spec(responder="tests.test_backend_scripted:shout"))
    assert plugged.generate([_request(TEXT)])[0][0].text == "QUESTION: 2 + 2?\nANSWER:"
    assert ScriptedBackend(_spec()).generate([_request(TEXT, n=2)])[0][1].text.endswith("is 1.")
    with pytest.raises(UserError, match="not an importable module:function"):
        ScriptedBackend(_spec(responder="tests.nowhere:x"))
    # Two backends keep their own responders: nothing is shared between instances.
    assert ScriptedBackend(_spec()).responder is not plugged.responder


def shout(req: Request, sample_index: int) -> str:
    return (req.prompt.text or "").upper()
