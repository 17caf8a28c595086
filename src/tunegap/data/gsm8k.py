"""GSM8K (Cobbe et al. 2021): grade-school word problems; answer after '####'.

Local layout (the release's): DIR/gsm8k/test.jsonl and DIR/gsm8k/train.jsonl, rows
{"question", "answer"}; `answer` is a worked solution with <<a*b=c>> calculator notes.
Hub: openai/gsm8k, config "main", splits test/train, the same fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.data.hub import hub_rows
from tunegap.data.io import RowRef, bench_file, jsonl_rows, require_dir, text_field
from tunegap.types import Example

HUB_ID, HUB_CONFIG = "openai/gsm8k", "main"
FIELDS = ("question", "answer")
_CALC_NOTE = re.compile(r"<<[^<>]*>>")


def parse_answer(answer: str) -> tuple[str, str] | None:
    """Split a GSM8K answer into (worked solution without calculator notes, final number)."""
    if "####" not in answer:
        return None
    body, final = answer.rsplit("####", 1)
    final = final.strip().replace(",", "")
    if not final:
        return None
    return _CALC_NOTE.sub("", body).strip(), final


def to_examples(rows: Iterable[tuple[RowRef, dict]], split: str) -> list[Example]:
    examples = []
    for index, (ref, row) in enumerate(rows):
        question = text_field(row, "question", ref)
        parsed = parse_answer(text_field(row, "answer", ref))
        if parsed is None:
            raise ref.error("no final answer after '####'", field="answer")
        solution, final = parsed
        examples.append(Example(
            benchmark="gsm8k", id=f"gsm8k-{split}-{index}", question=question, target=final,
            answer_type="number", solution=solution, meta={"split": split, "index": index},
        ))
    return examples


def load_local(data_dir: Path, split: str) -> list[Example]:
    path = bench_file(require_dir(data_dir, benchmark="gsm8k"), "gsm8k", f"{split}.jsonl")
    return to_examples(jsonl_rows(path, required=FIELDS), split)


def load_hub(source: str = HUB_ID, split: str = "test") -> list[Example]:
    config = HUB_CONFIG if source == HUB_ID else None
    rows = hub_rows(source, split=split, config=config, benchmark="gsm8k",
                    local_hint="gsm8k/test.jsonl and gsm8k/train.jsonl", required=FIELDS)
    return to_examples(rows, split)


def load_test(data_dir: Path | None) -> list[Example]:
    return load_hub() if data_dir is None else load_local(data_dir, "test")


def load_exemplars(data_dir: Path | None) -> list[Example]:
    return load_hub(split="train") if data_dir is None else load_local(data_dir, "train")


BENCHMARK = Benchmark(
    title="GSM8K",
    importer_tasks=("gsm8k", "gsm8k_cot", "gsm8k_cot_zeroshot", "gsm8k_cot_llama",
                    "gsm8k_cot_self_consistency"),
    name="gsm8k",
    description="GSM8K test (1,319); few-shot exemplars from train (7,473)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=load_exemplars,
    expected_size=1319,
    load_hub=load_hub,
    hub_id=HUB_ID,
    local_files=("gsm8k/test.jsonl", "gsm8k/train.jsonl"),
)
