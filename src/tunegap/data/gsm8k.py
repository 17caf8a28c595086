"""GSM8K (Cobbe et al. 2021): grade-school word problems; answer after '####'.

Local layout (the release's): DIR/gsm8k/test.jsonl and DIR/gsm8k/train.jsonl, rows
{"question", "answer"}; `answer` is a worked solution with <<a*b=c>> calculator notes.
"""

from __future__ import annotations

import re
from pathlib import Path

from tunegap.data.base import Benchmark
from tunegap.data.io import read_jsonl, require_dir, require_str
from tunegap.errors import UserError
from tunegap.types import Example

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


def _load(data_dir: Path | None, split: str) -> list[Example]:
    path = require_dir(data_dir, benchmark="gsm8k") / "gsm8k" / f"{split}.jsonl"
    examples = []
    for lineno, row in read_jsonl(path, required=("question", "answer")):
        question = require_str(row, "question", path=path, lineno=lineno)
        parsed = parse_answer(require_str(row, "answer", path=path, lineno=lineno))
        if parsed is None:
            raise UserError("no final answer after '####'", file=str(path), row=lineno, field="answer")
        solution, final = parsed
        examples.append(
            Example(
                benchmark="gsm8k",
                id=f"gsm8k-{split}-{lineno - 1}",
                question=question,
                target=final,
                answer_type="number",
                solution=solution,
                meta={"split": split, "index": lineno - 1},
            )
        )
    return examples


def load_test(data_dir: Path | None) -> list[Example]:
    return _load(data_dir, "test")


def load_exemplars(data_dir: Path | None) -> list[Example]:
    return _load(data_dir, "train")


BENCHMARK = Benchmark(
    name="gsm8k",
    description="GSM8K test (1,319); few-shot exemplars from train (7,473)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=load_exemplars,
    expected_size=1319,
)
