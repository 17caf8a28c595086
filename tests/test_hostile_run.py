"""A run whose outputs are hostile finishes, and every sample is counted under its status
(issue 15, done-when 4): a 1 MB letter run after "The answer is 5", 10,000 nested brackets
(bare and as a JSON answer), 1e999999, an output over the length cap, and two plug-in
extractors, one that never returns on its input and one that raises on its input.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from tests.helpers import RESPONDERS, scripted_pair
from tunegap.config import RunConfig
from tunegap.extract import MAX_TEXT_CHARS
from tunegap.runner import run

OUTPUTS = [
    "The answer is 5" + "a" * 1_000_000,
    "[" * 10_000 + "]" * 10_000,
    '{"answer": ' + "[" * 10_000 + "5" + "]" * 10_000 + "}",
    "So the total is 1e999999. SPIN",
    "x" * (MAX_TEXT_CHARS + 1),
    "Step one. The answer is 3. BOOM",
]
SPIN = "tests.test_hostile_run:spin_on_marker"
BOOM = "tests.test_hostile_run:raise_on_marker"


def spin_on_marker(text, example, answer_format):  # a plug-in extractor that never returns on one input
    while "SPIN" in text:
        pass
    return None


def raise_on_marker(text, example, answer_format):  # a plug-in extractor that raises on one input
    if "BOOM" in text:
        raise RecursionError("deep")
    return "1"


def _responder():
    seen: dict[str, int] = {}

    def respond(req, i):
        prompt = req.prompt.text if req.prompt.text is not None else repr(req.prompt.messages)
        return OUTPUTS[seen.setdefault(prompt, len(seen)) % len(OUTPUTS)]
    return respond


def test_hostile_outputs_finish_and_are_counted(tmp_path):
    RESPONDERS["scripted:i"], RESPONDERS["scripted:b"] = _responder(), _responder()
    cfg = RunConfig.model_validate({
        "name": "hostile", "pairs": [scripted_pair()], "benchmarks": ["synthetic"],
        "settings": ["zeroshot_cot"], "limit": len(OUTPUTS), "out": str(tmp_path / "run"),
        "extractors": ["strict", "flexible", "boxed", "json", SPIN, BOOM],
        "graders": ["numeric", "math-standard"],
    })
    run(cfg, progress=False)

    db = sqlite3.connect(tmp_path / "run" / "tunegap.sqlite")
    answers = {(r[0], r[1], r[2]): (r[3], r[4]) for r in db.execute(
        "SELECT g.text, a.sample_index, a.extractor, a.answer, a.status FROM answers a "
        "JOIN generations g ON g.request_key = a.request_key AND g.sample_index = a.sample_index")}
    grades = db.execute("SELECT g.text, r.extractor, r.grader, r.correct, r.status, r.canonical "
                        "FROM grades r JOIN generations g ON g.request_key = r.request_key "
                        "AND g.sample_index = r.sample_index").fetchall()

    def status(text, extractor):
        return {s for (t, _i, e), (_a, s) in answers.items() if t == text and e == extractor}

    letters, nested, nested_json, huge, too_long, boom = OUTPUTS
    # "The answer is 5" then letters to the end of the text: the format, read at once
    # (the old pattern backtracked through every split of the letters: 19 s for 600 of them)
    assert status(letters, "strict") == status(letters, "flexible") == {"ok"}
    assert status(letters, "json") == status(letters, "boxed") == {"missing"}
    assert status(nested, "json") == {"missing"} and status(nested_json, "json") == {"ok"}
    assert status(huge, SPIN) == {"timeout"}
    assert status(boom, BOOM) == {"error"}
    for name in ("strict", "flexible", "boxed", "json", SPIN, BOOM):
        assert status(too_long, name) == {"too-long"}
    assert {a for (t, _i, e), (a, _s) in answers.items() if t == huge and e == "flexible"} \
        == {"1e999999"}

    by = Counter((t[:20], e, g, s) for t, e, g, _c, s, _k in grades)
    # A failed extraction gives each of its grades the same status, with no verdict.
    for t, e, _g, c, s, _k in grades:
        if (t, e) in {(huge, SPIN), (boom, BOOM)} or t == too_long:
            assert c is None and s == answers[(t, 0, e)][1]
    huge_numeric = [(c, s, k) for t, e, g, c, s, k in grades
                    if t == huge and e == "flexible" and g == "numeric"]
    assert huge_numeric and all(x == (0, "ok", "1e999999") for x in huge_numeric)
    assert by  # every sample has grades

    # The report's per-sample lines carry the same extraction statuses.
    lines = [json.loads(x) for x in (tmp_path / "run" / "samples.jsonl").read_text().splitlines()]
    seen = Counter(s for line in lines for s in (line.get("answer_status") or {}).values())
    assert {"ok", "missing", "timeout", "error", "too-long"} <= set(seen), seen
    print(f"\nextraction statuses in samples.jsonl: {dict(seen)}")
