"""MATH-500 (Lightman et al. 2023): 500 MATH test problems; answers are LaTeX strings.

Local layout: DIR/math500/test.jsonl (openai/prm800k's math_splits/test.jsonl), rows
{"problem", "solution", "answer", "subject", "level", "unique_id"}.
Hub: HuggingFaceH4/MATH-500, split test, the same fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.data.hub import hub_rows
from tunegap.data.io import RowRef, bench_file, int_field, jsonl_rows, require_dir, text_field
from tunegap.types import Example

HUB_ID = "HuggingFaceH4/MATH-500"
FIELDS = ("problem", "solution", "answer", "subject", "level", "unique_id")


def to_examples(rows: Iterable[tuple[RowRef, dict]]) -> list[Example]:
    examples, seen = [], set()
    for ref, row in rows:
        unique_id = text_field(row, "unique_id", ref)
        if unique_id in seen:
            raise ref.error(f"duplicate unique_id '{unique_id}'", field="unique_id")
        seen.add(unique_id)
        level = int_field(row, "level", ref)
        if not 1 <= level <= 5:
            raise ref.error(f"level must be 1-5 (got {level})", field="level")
        subject = text_field(row, "subject", ref)
        examples.append(Example(
            benchmark="math500", id=f"math500-{unique_id}",
            question=text_field(row, "problem", ref), target=text_field(row, "answer", ref),
            answer_type="latex", solution=text_field(row, "solution", ref),
            meta={"unique_id": unique_id, "subject": subject, "level": level,
                  "category": subject},
        ))
    return examples


def load_hub(source: str = HUB_ID) -> list[Example]:
    return to_examples(hub_rows(source, split="test", benchmark="math500",
                                local_hint="math500/test.jsonl", required=FIELDS))


def load_test(data_dir: Path | None) -> list[Example]:
    if data_dir is None:
        return load_hub()
    path = bench_file(require_dir(data_dir, benchmark="math500"), "math500", "test.jsonl")
    return to_examples(jsonl_rows(path, required=FIELDS))


BENCHMARK = Benchmark(
    title="Math-500",
    answer_type="latex",
    importer_tasks=("minerva_math500", "hendrycks_math500", "math500"),
    name="math500",
    description="MATH-500 (500 MATH test problems, LaTeX answers, levels 1-5, 7 subjects)",
    settings=("zeroshot_cot",),
    prompt_family="latex_cot",
    load_test=load_test,
    expected_size=500,
    load_hub=load_hub,
    hub_id=HUB_ID,
    local_files=("math500/test.jsonl",),
    graders=("math-standard", "math-verify"),
)
