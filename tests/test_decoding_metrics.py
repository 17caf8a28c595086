"""Multi-sample strategies through the whole pipeline (scripted backend): pass@k, maj@k,
CoT-decoding selection, and the paper's asymmetric protocol compared in one column."""

import pytest

from tests.helpers import REQUESTED, RESPONDERS, scripted_pair
from tunegap.analysis.passk import pass_at_k
from tunegap.config import RunConfig
from tunegap.data.synthetic import load_test
from tunegap.runner import run

EXAMPLES = load_test()[:4]
TARGET = {e.question: e.target for e in EXAMPLES}


def _question(req):
    text = req.prompt.messages[-1].content if req.prompt.is_chat else req.prompt.text
    return next(q for q in TARGET if q in text.split("Question:")[-1] or q in text)


def config(out, decoding, settings=("zeroshot_cot",)) -> RunConfig:
    return RunConfig.model_validate({
        "name": "dec", "out": str(out), "limit": len(EXAMPLES), "benchmarks": ["synthetic"],
        "settings": list(settings), "decoding": decoding, "pairs": [scripted_pair()],
    })


def right_on(indices_by_item):
    """Responder: sample i of item j is right iff i in indices_by_item[j]; wrong answers vary."""
    def respond(req, i):
        q = _question(req)
        j = list(TARGET).index(q)
        ans = TARGET[q] if i in indices_by_item[j] else str(1000 + (i % 2))
        return f"Working. The answer is {ans}."
    return respond


def test_sampled_pass_at_k_and_majority_through_the_pipeline(tmp_path):
    right = [{0, 1, 2, 3, 4, 5}, {2}, set(), {0, 1, 2, 3}]  # out of n = 6
    RESPONDERS["scripted:i"] = right_on(right)
    RESPONDERS["scripted:b"] = right_on([set()] * 4)
    res = run(config(tmp_path / "r", [{"strategy": "sample", "n": 6, "temperature": 0.7}]),
              progress=False)
    cell = next(c for c in res.cells if c.side == "instruct" and c.extractor == "strict")
    assert cell.samples == 6 and cell.n == 4
    for k in range(1, 7):  # pass@k for every k <= n
        want = 100 * sum(pass_at_k(6, len(r), k) for r in right) / 4
        assert cell.metrics[f"pass@{k}"] == pytest.approx(want)
    assert cell.accuracy == pytest.approx(cell.metrics["pass@1"])
    # maj@6: item 0 (all right), item 3 (4 right of 6) win; item 1 (1 right) loses.
    assert cell.metrics["maj@6"] == pytest.approx(50.0)
    gap = res.gap(metric="pass@6", extractor="strict")[0]
    assert gap.base == 0.0 and gap.delta == pytest.approx(gap.instruct)


def test_same_seed_same_request_keys_and_no_regeneration(tmp_path):
    RESPONDERS["scripted:i"] = right_on([{0}] * 4)
    RESPONDERS["scripted:b"] = right_on([{1}] * 4)
    dec = [{"strategy": "sample", "n": 3, "temperature": 0.7, "seed": 11}]
    REQUESTED.clear()
    run(config(tmp_path / "r", dec), progress=False)
    first = list(REQUESTED)
    assert len(first) == 8
    REQUESTED.clear()
    run(config(tmp_path / "r", dec), progress=False)
    assert REQUESTED == []  # (key, sample index) already stored
    # another seed is another request
    run(config(tmp_path / "r", [{**dec[0], "seed": 12}]), progress=False)
    assert len(REQUESTED) == 8 and not set(REQUESTED) & set(first)


def _margins(text, answer_conf):
    """Token margins: one token per word; the answer word gets `answer_conf`, others 0.9."""
    out, pos = [], 0
    for word in text.split(" "):
        p1 = 0.5 + answer_conf / 2 if word.rstrip(".").isdigit() else 0.95
        out.append((pos, p1, p1 - (answer_conf if word.rstrip(".").isdigit() else 0.9)))
        pos += len(word) + 1
    return tuple(out)


def test_cot_decoding_ranked_pass_at_k_and_confidence_selection(tmp_path):
    # Branch 0 wrong with low confidence; branch 2 right with the highest confidence.
    conf = [0.1, 0.3, 0.8, 0.2]

    def respond(req, i):
        q = _question(req)
        ans = TARGET[q] if i == 2 else str(900 + i)
        text = f"Hmm. The answer is {ans}."
        return text, _margins(text, conf[i])

    RESPONDERS["scripted:b"] = respond
    RESPONDERS["scripted:i"] = right_on([{0}] * 4)
    res = run(config(tmp_path / "r", [{"strategy": "cot_decoding", "n": 4}]), progress=False)
    base = next(c for c in res.cells if c.side == "base" and c.extractor == "strict")
    assert base.accuracy == 0.0  # the top branch
    assert base.metrics["pass@1"] == 0.0 and base.metrics["pass@4"] == 100.0
    assert base.metrics["selected"] == 100.0
    inst = next(c for c in res.cells if c.side == "instruct" and c.extractor == "strict")
    assert inst.accuracy == 100.0 and inst.metrics["selected"] == 100.0


def test_paper_protocol_compares_two_strategies_in_one_column(tmp_path):
    RESPONDERS["scripted:b"] = lambda req, i: (f"The answer is {TARGET[_question(req)]}." if i == 3
                                               else "The answer is 1.", ())
    RESPONDERS["scripted:i"] = right_on([{0}, set(), set(), set()])
    dec = [{"strategy": "cot_decoding", "n": 5, "sides": ["base"], "group": "paper"},
           {"strategy": "sample", "n": 5, "temperature": 0.05, "sides": ["instruct"], "group": "paper"}]
    res = run(config(tmp_path / "r", dec), progress=False)
    g = res.gap(metric="pass@5", extractor="strict", decoding="paper")[0]
    assert (g.base, g.instruct, g.delta) == (100.0, 25.0, -75.0)
    with pytest.raises(Exception, match="two decodings"):
        config(tmp_path / "x", [dec[0], {**dec[0], "strategy": "greedy"}])


def test_json_answer_for_one_side_and_by_side_extractor_column(tmp_path):
    # The instruct side was asked for JSON and replies in it: strict reads the JSON answer
    # (the format its prompt asked for), not "The answer is" that follows it.
    RESPONDERS["scripted:i"] = lambda req, i: (
        f'{{"step_by_step_thinking": "add", "answer": "{TARGET[_question(req)]}"}} '
        "The answer is 0.")
    RESPONDERS["scripted:b"] = lambda req, i: f"so {TARGET[_question(req)]}"
    cfg = config(tmp_path / "r", [{"strategy": "greedy"}],
                 settings=[{"name": "zeroshot_cot", "json_answer": ["instruct"]}])
    cfg = cfg.with_overrides(extractor_by_side={"base": "flexible", "instruct": "strict"})
    res = run(cfg, progress=False)
    g = res.gap(extractor="by-side", metric="accuracy")[0]
    assert (g.instruct, g.base) == (100.0, 100.0)
    assert res.gap(extractor="strict", metric="accuracy")[0].base == 0.0
    import json as _json

    rows = [_json.loads(x) for x in (tmp_path / "r" / "samples.jsonl").read_text().splitlines()]
    inst = next(r for r in rows if r["side"] == "instruct")
    assert inst["prompt"]["messages"][0]["role"] == "system"
    assert "step_by_step_thinking" in inst["prompt"]["messages"][0]["content"]
    base = next(r for r in rows if r["side"] == "base")
    assert "step_by_step_thinking" not in base["prompt"]["text"]
