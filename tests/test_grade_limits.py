"""The per-item time limit: from a worker thread, a grader that never returns is cut off,
recorded as a timeout, and the items after it are still graded."""

from __future__ import annotations

import threading
import time

from tunegap.grade.limits import GraderPool, Job
from tunegap.types import Example

LATEX = Example("math500", "p", "q", "5", "latex")
LIMIT = 2.0
SLACK = 2.5  # killing and replacing a worker, on a shared 2-core machine


def spin_forever(answer, target, example):  # a CPU-bound grader that never returns
    while True:
        pass


def _in_thread(fn):
    box: dict = {}

    def target():
        t0 = time.perf_counter()
        box["result"] = fn()
        box["seconds"] = time.perf_counter() - t0

    th = threading.Thread(target=target)
    th.start()
    th.join(60)
    assert not th.is_alive(), "grading hung past the limit"
    return box["result"], box["seconds"]


def test_pathological_math_verify_times_out_from_thread():
    with GraderPool(workers=1, limit_s=LIMIT, warm=("math-verify",)) as pool:
        pool.grade("math-verify", "5", "5", LATEX)  # worker started and warm: time items only
        jobs = [
            Job("math-verify", "10^{10^{10^{10}}}", "5", LATEX),
            Job("math-verify", "5", "5", LATEX),
            Job("math-standard", "{" * 10000 + "1" + "}" * 10000, "1", LATEX),
            Job("math-standard", r"\dfrac{1}{4}", r"\frac{1}{4}", LATEX),
        ]
        grades, seconds = _in_thread(lambda: pool.grade_many(jobs))
    assert grades[0].status == "timeout" and grades[0].correct is None
    assert grades[1].correct is True  # the run goes on, on a fresh worker
    assert grades[2].status == "ok" and grades[2].correct is False  # fails fast, no hang
    assert grades[3].correct is True
    assert pool.timeouts == 1
    assert seconds < LIMIT + SLACK, seconds


def test_spinning_grader_is_killed_each_time():
    with GraderPool(workers=2, limit_s=1.0) as pool:
        spin = "tests.test_grade_limits:spin_forever"
        jobs = [Job(spin, "1", "1", LATEX), Job("numeric", "1", "1", Example("g", "1", "q", "1")),
                Job(spin, "1", "1", LATEX)]
        t0 = time.perf_counter()
        grades = pool.grade_many(jobs)
        seconds = time.perf_counter() - t0
    assert [g.status for g in grades] == ["timeout", "ok", "timeout"]
    assert grades[1].correct is True
    assert seconds < 2 * 1.0 + 2 * SLACK, seconds
