"""Fuzz (issue 15, done-when 2): random and adversarial strings up to 1 MB through every
extractor and every grader. Each returns a value or a status within the per-item limit, and
nothing raises. Seeded (derandomized) and bounded; the slowest case is printed at the end.

Extractors and the graders that are ours run in this process, so a catastrophic regex or a
quadratic scan would show here as a slow case, not be hidden by a worker's time limit;
math-verify (a third-party parser that can run for ever) runs through the GraderPool, where
its limit turns a hang into a "timeout" status.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunegap.extract import EXTRACTORS, safe_extract
from tunegap.grade import grade_now
from tunegap.grade.limits import DEFAULT_LIMIT_S, GraderPool, Job
from tunegap.types import Example

LIMIT_S = DEFAULT_LIMIT_S  # the per-item limit a run grants; in-process calls must stay under it
MB = 1_000_000
EXAMPLES = {
    "numeric": Example("gsm8k", "f", "q", "18", "number"),
    "math-standard": Example("math500", "f", "q", r"\frac{1}{2}", "latex"),
    "medcalc": Example("medcalc", "f", "q", "25.238", "decimal",
                       meta={"calculator_id": 2, "lower_limit": 23.9761, "upper_limit": 26.4999}),
    "medcalc-official": Example("medcalc", "g", "q", "3", "integer", meta={"calculator_id": 4}),
    "unanswerable": Example("gsm_plus", "f", "q", "None", "none"),
}
DATE = Example("medcalc", "d", "q", "08/23/2021", "date", meta={"calculator_id": 13})
EXTRACT_STATUSES = {"ok", "missing", "too-long", "error"}
GRADE_STATUSES = {"ok", "missing", "unparsable", "error"}

# Pieces models and adversaries repeat: each targets a known slow path of some reader.
PIECES = ["a", "ab ", "{", "}", "[", "]", '{"', '"answer": ', 'answer": ', "\\boxed{", "\\fbox{",
          "\\frac{1}{2}", "1", "1,111", "5 3/4 ", "\u2212", "-", "1e999999", "%", " out of ",
          "str(", "(", ")", "\\\\ ", "$", "=", "The answer is 5", "12/25/2023", "mL/min/1.73",
          " ", "\n", "\u00e9", "\u00b2", "0", "9" * 50, "\\", '"', "'", "**", ".", ",", "^",
          "weeks ", "1 days", "\\begin{pmatrix}", "&", "```json\n", "CURB-65 ", "x = "]

slowest: list[tuple[float, str, str]] = []
math_verify_inputs: list[str] = []


def _timed(what: str, text: str, fn):
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    slowest.append((seconds, what, f"{text[:40]!r}... ({len(text):,} chars)"))
    assert seconds < LIMIT_S, (what, len(text), seconds)
    return out


def check_everything(text: str) -> None:
    answers = {text}
    for name in EXTRACTORS:
        for ex in (EXAMPLES["numeric"], EXAMPLES["math-standard"], DATE):
            answer, status = _timed(f"extract:{name}", text,
                                    lambda n=name, e=ex: safe_extract(n, text, e))
            assert status in EXTRACT_STATUSES
            assert status != "error", (name, text[:80])  # nothing an extractor does raises
            assert (answer is None) == (status != "ok")
            if answer is not None:
                answers.add(answer)
    for answer in answers:
        for grader, ex in [*EXAMPLES.items(), ("medcalc", DATE), ("medcalc-official", DATE)]:
            g = _timed(grader, answer, lambda g=grader, e=ex, a=answer: grade_now(g, a, e.target, e))
            assert g.status in GRADE_STATUSES and g.correct in (True, False, None), g
            assert g.canonical is None or len(g.canonical) <= 256
    math_verify_inputs.append(text)


adversarial = st.builds(lambda pre, piece, n, post: pre + piece * n + post,
                        st.text(max_size=20), st.sampled_from(PIECES),
                        st.integers(0, 4000), st.text(max_size=20))
mixture = st.lists(st.sampled_from(PIECES), max_size=400).map("".join)


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(st.text(max_size=300), adversarial, mixture))
def test_fuzz_small_and_medium(text):
    check_everything(text)


BIG = {
    "letter run after an answer": "The answer is 5" + "a" * MB,
    "unclosed boxes": "\\boxed{" * (MB // 7),
    "nested brackets": "[" * 10_000 + "]" * 10_000,
    "json braces and quotes": '{"' * (MB // 2),
    "comma groups": "1,111" * (MB // 5),
    "mixed numbers": "5 3/4 " * (MB // 6),
    "answer keys": 'answer": ' * (MB // 9),
    "spaces after a number": "The answer is 5" + " " * MB + "x",
    "matrix rows": "\\begin{pmatrix}" + "1 \\\\ " * (MB // 6) + "\\end{pmatrix}",
    "digits": "9" * MB,
}


@pytest.mark.parametrize("name", list(BIG))
def test_fuzz_one_megabyte(name):
    check_everything(BIG[name])


def test_math_verify_contained():
    """math-verify on the fuzz inputs (a sample) and the big ones: a verdict or a timeout."""
    pytest.importorskip("math_verify")
    texts = math_verify_inputs[:30] + ["10^{10^{10^{10}}}", "\\frac{" * 5000]
    ex = EXAMPLES["math-standard"]
    with GraderPool(limit_s=3.0, warm=("math-verify",)) as pool:
        t0 = time.perf_counter()
        grades = pool.grade_many([Job("math-verify", t, ex.target, ex) for t in texts])
        seconds = time.perf_counter() - t0
    assert all(g.status in GRADE_STATUSES | {"timeout"} for g in grades)
    assert grades[-2].status == "timeout"
    slowest.append((seconds / len(texts), "math-verify (pool, mean)", f"{len(texts)} inputs"))


def test_print_slowest(capsys):
    assert slowest, "the fuzz tests ran nothing"
    slowest.sort(reverse=True)
    with capsys.disabled():
        print(f"\nfuzz: {len(slowest)} calls; slowest:")
        for seconds, what, text in slowest[:5]:
            print(f"  {seconds:6.3f} s  {what:<24} {text}")
