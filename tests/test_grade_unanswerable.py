"""GSM-Plus "critical thinking" rows are scored as their own kind: right when the response
commits to no value (or says the question cannot be answered), wrong when it commits to one."""

import json

import pytest

from tests.helpers import RESPONDERS, SHARED_DATA, scripted_pair
from tunegap.config import RunConfig
from tunegap.grade import applies
from tunegap.grade.unanswerable import grade
from tunegap.runner import run
from tunegap.types import Example

NONE_ITEM = Example(benchmark="gsm_plus", id="x", question="q", target="None", answer_type="none")


@pytest.mark.parametrize("answer, right", [
    (None, True), ("None", True), ("none.", True), ("N/A", True), ("unknown", True),
    ("Cannot be determined", True), ("it can't be determined", True),
    ("not enough information", True), ("Insufficient data.", True),
    ("The question is unanswerable", True),
    ("0", False), ("42", False), ("$1,000", False), ("None of the 12 apples", False),
    ("12, but it cannot be determined", False), ("determined", False),
])
def test_unanswerable_grader(answer, right):
    assert grade(answer, "None", NONE_ITEM).correct is right


def test_applies_only_to_items_without_an_answer():
    number = Example(benchmark="gsm_plus", id="y", question="q", target="3", answer_type="number")
    assert applies("unanswerable", NONE_ITEM) and not applies("unanswerable", number)
    assert not applies("numeric", NONE_ITEM) and applies("numeric", number)


def test_critical_thinking_rows_scored_as_their_own_kind(tmp_path):
    """Real GSM-Plus rows through the pipeline: the instruct side declines to answer every
    question, the base side answers 7 everywhere."""
    src = SHARED_DATA / "gsm_plus" / "gsmplus_testmini.jsonl"
    if not src.is_file():
        pytest.skip(f"GSM-Plus is not at {src}")
    rows = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()[:16]]
    n_none = sum(r["perturbation_type"] == "critical thinking" for r in rows)
    assert 0 < n_none < len(rows)
    folder = tmp_path / "data" / "gsm_plus"
    folder.mkdir(parents=True)
    (folder / "gsmplus_testmini.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    RESPONDERS["scripted:ut-i"] = lambda req, i: "Some numbers are missing, so no answer exists."
    RESPONDERS["scripted:ut-b"] = lambda req, i: "Adding them up, the answer is 7."
    cfg = RunConfig.model_validate({
        "name": "ut", "out": str(tmp_path / "run"), "benchmarks": ["gsm_plus"],
        "data_dir": str(tmp_path / "data"), "settings": ["zeroshot_cot"],
        "extractors": ["flexible"],
        "pairs": [scripted_pair("ut-b", "ut-i")]})
    res = run(cfg, progress=False)
    cells = {(c.grader, c.side): c for c in res.cells}
    assert set(cells) == {(g, s) for g in ("numeric", "unanswerable")
                          for s in ("base", "instruct")}
    assert cells[("unanswerable", "instruct")].n == n_none
    assert cells[("unanswerable", "instruct")].accuracy == 100.0  # declined: right
    assert cells[("unanswerable", "base")].accuracy == 0.0  # committed to 7: wrong
    assert cells[("numeric", "base")].n == len(rows) - n_none  # numbers only
    assert cells[("numeric", "instruct")].missing == len(rows) - n_none
    assert res.primary_grader("gsm_plus") == "numeric"
