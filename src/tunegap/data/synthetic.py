"""tunegap's embedded GSM-style benchmark (no download): see templates/gsm_templates.py.

Items are drawn from the project's own templates (templates/library/*.tpl); each item's meta keeps
its template id and variable values, so the perturbation kinds can re-instantiate it exactly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.templates.gsm_templates import TEMPLATES, generate
from tunegap.types import Example

TEST_SIZE = 300
TEST_SEED = 20261122
EXEMPLAR_SEED = 7  # a different stream, so exemplars are never test items


def _examples(split: str, n: int, seed: int) -> list[Example]:
    return list(_drawn(split, n, seed))


@lru_cache(maxsize=4)  # a run loads the set several times (plan, perturbed sets, exemplars)
def _drawn(split: str, n: int, seed: int) -> tuple[Example, ...]:
    return tuple([
        Example(
            benchmark="synthetic",
            id=f"synthetic-{split}-{i}",
            question=p.question,
            target=str(p.answer),
            answer_type="integer",
            solution=p.solution,
            meta={"template": p.template, "steps": p.steps, "category": f"{p.steps}-step",
                  "values": p.values},
        )
        for i, p in enumerate(generate(n, seed))
    ])


def load_test(data_dir: Path | None = None) -> list[Example]:
    return _examples("test", TEST_SIZE, TEST_SEED)


def load_exemplars(data_dir: Path | None = None) -> list[Example]:
    # Small templates have few distinct draws: drop any exemplar that is also a test question.
    test_questions = {e.question for e in load_test()}
    return [e for e in _examples("train", 120, EXEMPLAR_SEED) if e.question not in test_questions]


BENCHMARK = Benchmark(
    title="tunegap GSM-style problems",
    name="synthetic",
    description=f"tunegap's own GSM-style problems ({len(TEMPLATES)} templates, 1-6 steps, "
                "answers computed)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=load_exemplars,
    needs_data_dir=False,
    expected_size=TEST_SIZE,
)
