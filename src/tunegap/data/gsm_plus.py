"""GSM-Plus testmini (Li et al. 2024): 300 GSM8K test questions × 8 perturbation types.

Local layout: DIR/gsm_plus/gsmplus_testmini.jsonl, rows {"question", "solution", "answer",
"perturbation_type", "seed_question", "seed_solution", "seed_answer"}.
Hub: qintongli/GSM-Plus, split testmini, the same fields.

The "critical thinking" rows ask something the question cannot answer (answer "None"): they keep
answer_type "none", so number graders score them n/a and the analysis reads them as their own kind.
The seed id is the GSM8K test item the variant came from when DIR/gsm8k/test.jsonl is there to
match the seed question against (all 300 match exactly); otherwise a seed-group id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tunegap.data import gsm8k
from tunegap.data.base import Benchmark
from tunegap.data.hub import hub_rows
from tunegap.data.io import RowRef, bench_file, jsonl_rows, require_dir, text_field
from tunegap.types import Example

HUB_ID, HUB_SPLIT = "qintongli/GSM-Plus", "testmini"
FIELDS = ("question", "answer", "perturbation_type", "seed_question", "seed_answer")
UNANSWERABLE = "critical thinking"
TYPES = ("numerical substitution", "digit expansion", "integer-decimal-fraction conversion",
         "adding operation", "reversing operation", "problem understanding",
         "distraction insertion", UNANSWERABLE)
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:/\d+)?")


def to_examples(rows: Iterable[tuple[RowRef, dict]],
                gsm8k_ids: dict[str, str] | None = None) -> list[Example]:
    examples: list[Example] = []
    seeds: dict[str, int] = {}
    for index, (ref, row) in enumerate(rows):
        kind = text_field(row, "perturbation_type", ref).strip()
        if kind not in TYPES:
            raise ref.error(f"unknown perturbation type '{kind}' (known: {', '.join(TYPES)})",
                            field="perturbation_type")
        answer = text_field(row, "answer", ref).strip().replace(",", "")
        if kind == UNANSWERABLE:
            if answer != "None":
                raise ref.error(f"a '{UNANSWERABLE}' row must have answer \"None\"", field="answer")
            answer_type = "none"
        elif _NUMBER.fullmatch(answer):
            answer_type = "number"
        else:
            raise ref.error(f"answer must be a number (got {answer[:40]!r})", field="answer")
        seed_q = text_field(row, "seed_question", ref)
        seed_index = seeds.setdefault(seed_q.strip(), len(seeds))
        seed_id = (gsm8k_ids or {}).get(seed_q.strip(), f"gsm_plus-seed-{seed_index}")
        solution = row.get("solution")
        examples.append(Example(
            benchmark="gsm_plus", id=f"gsm_plus-{index}", question=text_field(row, "question", ref),
            target=answer, answer_type=answer_type,
            solution=solution if isinstance(solution, str) and solution.strip() else None,
            meta={"perturbation": kind, "category": kind, "seed_id": seed_id,
                  "seed_index": seed_index, "seed_question": seed_q,
                  "seed_answer": str(row["seed_answer"]).strip()},
        ))
    return examples


def _gsm8k_ids(data_dir: Path) -> dict[str, str] | None:
    """GSM8K test question → its example id, when the GSM8K release sits beside GSM-Plus."""
    path = Path(data_dir) / "gsm8k" / "test.jsonl"
    if not path.is_file():
        return None
    return {ex.question.strip(): ex.id for ex in gsm8k.load_local(data_dir, "test")}


def load_hub(source: str = HUB_ID) -> list[Example]:
    return to_examples(hub_rows(source, split=HUB_SPLIT, benchmark="gsm_plus",
                                local_hint="gsm_plus/gsmplus_testmini.jsonl", required=FIELDS))


def load_test(data_dir: Path | None) -> list[Example]:
    if data_dir is None:
        return load_hub()
    root = require_dir(data_dir, benchmark="gsm_plus")
    path = bench_file(root, "gsm_plus", "gsmplus_testmini.jsonl")
    return to_examples(jsonl_rows(path, required=FIELDS), _gsm8k_ids(root))


BENCHMARK = Benchmark(
    title="GSM-Plus",
    importer_tasks=("gsm_plus",),
    name="gsm_plus",
    description="GSM-Plus testmini (2,400 = 300 GSM8K seeds × 8 perturbation types)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=gsm8k.load_exemplars,  # few-shot exemplars from GSM8K train
    expected_size=2400,
    load_hub=load_hub,
    hub_id=HUB_ID,
    local_files=("gsm_plus/gsmplus_testmini.jsonl", "gsm8k/test.jsonl (seed ids)",
                 "gsm8k/train.jsonl (few-shot)"),
    graders=("numeric", "unanswerable"),
)
