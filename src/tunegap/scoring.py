"""extract → grade over a store's generations. Pure and re-runnable: never touches a model."""

from __future__ import annotations

import json
from collections.abc import Sequence

from tunegap.extract import get_extractor
from tunegap.grade import get_grader
from tunegap.store import Store
from tunegap.types import Example


def score_store(store: Store, extractors: Sequence[str], graders: Sequence[str]) -> int:
    """(Re-)extract and (re-)grade every stored generation of the current plan.

    Returns the number of (sample, extractor, grader) grades written.
    """
    ext_fns = {name: get_extractor(name) for name in extractors}
    grade_fns = {name: get_grader(name) for name in graders}
    gens = store.generations()
    examples: dict[str, Example] = {}
    answer_rows: dict[tuple[str, int, str], str | None] = {}
    grade_rows = []
    done: set[tuple[str, int, str]] = set()  # (key, sample, target): one item is graded once
    for row in store.plan_rows():
        key, target = row["request_key"], row["target"]
        ex = examples.get(row["example_json"])
        if ex is None:
            ex = Example(**json.loads(row["example_json"]))
            examples[row["example_json"]] = ex
        idx = 0
        while (key, idx) in gens:
            if (key, idx, target) not in done:
                done.add((key, idx, target))
                text = gens[(key, idx)].text
                for ename, efn in ext_fns.items():
                    answer = answer_rows.get((key, idx, ename), ...)
                    if answer is ...:
                        answer = efn(text, ex)
                        answer_rows[(key, idx, ename)] = answer
                    for gname, gfn in grade_fns.items():
                        g = gfn(answer, target, ex)
                        correct = None if g.correct is None else int(g.correct)
                        grade_rows.append((key, idx, ename, gname, target, correct, g.status))
            idx += 1
    store.save_answers([(k, i, e, a) for (k, i, e), a in answer_rows.items()])
    store.save_grades(grade_rows)
    return len(grade_rows)
