"""GSM-Hard (Gao et al. 2023, PAL): GSM8K test questions with numbers swapped for larger ones.

Local layout: DIR/gsm_hard/gsmhardv2.jsonl, rows {"input", "code", "target"}; `target` is a
float (303 non-integers, 146 negatives). Hub: reasoning-machines/gsm-hard, split train (its only
split; it is the test set). Row order does not follow GSM8K and there is no id, so items get
no seed id. The community reports some nonsensical targets: treat it as a noisy benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tunegap.data import gsm8k
from tunegap.data.base import Benchmark
from tunegap.data.hub import hub_rows
from tunegap.data.io import (
    RowRef,
    bench_file,
    jsonl_rows,
    number_field,
    number_text,
    require_dir,
    text_field,
)
from tunegap.types import Example

HUB_ID, HUB_SPLIT = "reasoning-machines/gsm-hard", "train"
FIELDS = ("input", "target")


def to_examples(rows: Iterable[tuple[RowRef, dict]]) -> list[Example]:
    examples = []
    for index, (ref, row) in enumerate(rows):
        target = number_field(row, "target", ref)
        examples.append(Example(
            benchmark="gsm_hard", id=f"gsm_hard-{index}", question=text_field(row, "input", ref),
            target=number_text(target), answer_type="number",
            meta={"index": index, "integer_target": target.is_integer(),
                  "category": "integer" if target.is_integer() else "non-integer"},
        ))
    return examples


def load_hub(source: str = HUB_ID) -> list[Example]:
    return to_examples(hub_rows(source, split=HUB_SPLIT, benchmark="gsm_hard",
                                local_hint="gsm_hard/gsmhardv2.jsonl", required=FIELDS))


def load_test(data_dir: Path | None) -> list[Example]:
    if data_dir is None:
        return load_hub()
    path = bench_file(require_dir(data_dir, benchmark="gsm_hard"), "gsm_hard", "gsmhardv2.jsonl")
    return to_examples(jsonl_rows(path, required=FIELDS))


BENCHMARK = Benchmark(
    title="GSM-Hard",
    name="gsm_hard",
    description="GSM-Hard (1,319 GSM8K questions with large numbers; float targets; noisy)",
    settings=("zeroshot_cot", "fewshot_cot"),
    prompt_family="math_cot",
    load_test=load_test,
    load_exemplars=gsm8k.load_exemplars,  # few-shot exemplars from GSM8K train
    expected_size=1319,
    load_hub=load_hub,
    hub_id=HUB_ID,
    local_files=("gsm_hard/gsmhardv2.jsonl", "gsm8k/train.jsonl (few-shot)"),
)
