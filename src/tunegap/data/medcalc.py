"""MedCalc-Bench v1.0 (Khandekar et al. 2024): 1,047 patient notes × 55 clinical calculators.

Local layout: DIR/medcalc_bench/test_data.csv (the v1.0 release) and, for the one-shot setting,
DIR/medcalc_bench/one_shot_finalized_explanation.json (one worked exemplar per calculator id).
Hub: ncbi/MedCalc-Bench-v1.0, split test, the CSV's columns. The one-shot exemplars ship only
with the GitHub release, so one-shot always needs the local JSON.

Answer types follow the official scoring: decimal (right within the row's Lower/Upper Limit),
integer (rounded match), date (MM/DD/YYYY), and weeks_days for gestational age, whose rows say
"integer" but hold "('14 weeks', '1 days')".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tunegap.data.base import Benchmark
from tunegap.data.hub import hub_rows
from tunegap.data.io import (
    RowRef,
    bench_file,
    csv_rows,
    int_field,
    number_field,
    read_json,
    require_dir,
    text_field,
)
from tunegap.errors import UserError
from tunegap.types import Example

HUB_ID = "ncbi/MedCalc-Bench-v1.0"
SUBDIR, TEST_FILE = "medcalc_bench", "test_data.csv"
ONE_SHOT_FILE = "one_shot_finalized_explanation.json"
FIELDS = ("Row Number", "Calculator ID", "Calculator Name", "Category", "Output Type",
          "Patient Note", "Question", "Ground Truth Answer", "Lower Limit", "Upper Limit")
OUTPUT_TYPES = ("decimal", "integer", "date")
_WEEKS_DAYS = re.compile(r"^\(\s*'(\d+) weeks?',\s*'(\d+) days?'\s*\)$")
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


def _answer_type(row: dict[str, Any], ref: RowRef, target: str) -> str:
    kind = str(row["Output Type"]).strip().lower()
    if kind not in OUTPUT_TYPES:
        raise ref.error(f"unknown answer type '{row['Output Type']}' for calculator "
                        f"{row['Calculator ID']} (known: {', '.join(OUTPUT_TYPES)})",
                        field="Output Type")
    if kind == "integer" and _WEEKS_DAYS.match(target):
        return "weeks_days"  # Estimated Gestational Age: a (weeks, days) pair
    if kind == "date" and not _DATE.match(target):
        raise ref.error(f"a date answer must read MM/DD/YYYY (got {target!r})",
                        field="Ground Truth Answer")
    if kind in ("integer", "decimal"):
        number_field(row, "Ground Truth Answer", ref)
    return kind


def to_example(ref: RowRef, row: dict[str, Any]) -> Example:
    row_number = int_field(row, "Row Number", ref)
    calc_id = int_field(row, "Calculator ID", ref)
    target = str(row["Ground Truth Answer"]).strip()
    if not target:
        raise ref.error("must not be empty", field="Ground Truth Answer")
    answer_type = _answer_type(row, ref, target)
    meta: dict[str, Any] = {
        "calculator_id": calc_id,
        "calculator_name": text_field(row, "Calculator Name", ref).strip(),
        "category": text_field(row, "Category", ref).strip().lower(),
        "output_type": str(row["Output Type"]).strip().lower(),
        "row_number": row_number,
        "note_id": str(row.get("Note ID") or ""),
        "note_type": str(row.get("Note Type") or ""),
    }
    if answer_type == "decimal":
        lo = number_field(row, "Lower Limit", ref)
        hi = number_field(row, "Upper Limit", ref)
        if lo > hi:
            raise ref.error(f"Lower Limit {lo} is above Upper Limit {hi}", field="Lower Limit")
        meta.update(lower_limit=lo, upper_limit=hi)
    explanation = row.get("Ground Truth Explanation")
    return Example(
        benchmark="medcalc", id=f"medcalc-{row_number}",
        question=text_field(row, "Question", ref).strip(), target=target,
        answer_type=answer_type, context=text_field(row, "Patient Note", ref).strip(),
        solution=explanation.strip() if isinstance(explanation, str) and explanation.strip()
        else None,
        meta=meta,
    )


def to_examples(rows: Iterable[tuple[RowRef, dict]]) -> list[Example]:
    examples, seen = [], set()
    for ref, row in rows:
        ex = to_example(ref, row)
        if ex.id in seen:
            raise ref.error(f"duplicate Row Number {ex.meta['row_number']}", field="Row Number")
        seen.add(ex.id)
        examples.append(ex)
    return examples


def load_hub(source: str = HUB_ID) -> list[Example]:
    return to_examples(hub_rows(source, split="test", benchmark="medcalc",
                                local_hint=f"{SUBDIR}/{TEST_FILE}", required=FIELDS))


def load_test(data_dir: Path | None) -> list[Example]:
    if data_dir is None:
        return load_hub()
    path = bench_file(require_dir(data_dir, benchmark="medcalc"), SUBDIR, TEST_FILE)
    return to_examples(csv_rows(path, required=FIELDS))


# ---------------------------------------------------------------- one-shot exemplars


@functools.lru_cache(maxsize=4)
def _one_shot(path: str, _mtime_ns: int) -> dict[str, dict[str, str]]:
    """Calculator id → {"note", "thinking", "answer"}, every entry checked once."""
    raw = read_json(Path(path))
    if not isinstance(raw, dict):
        raise UserError("must be a JSON object keyed by calculator id", file=path)
    out = {}
    for key, entry in raw.items():
        response = entry.get("Response") if isinstance(entry, dict) else None
        note = entry.get("Patient Note") if isinstance(entry, dict) else None
        if not isinstance(note, str) or not note.strip():
            raise UserError("must be a non-empty string", file=path, field=f"{key}.Patient Note")
        if not isinstance(response, dict):
            raise UserError("must be an object", file=path, field=f"{key}.Response")
        texts = {}
        for name in ("step_by_step_thinking", "answer"):
            value = response.get(name)
            if isinstance(value, list):  # gestational age: ["34 weeks", "3 days"]
                value = str(tuple(value))
            texts[name] = "" if value is None or isinstance(value, bool) else str(value).strip()
            if not texts[name]:
                raise UserError("must not be empty", file=path, field=f"{key}.Response.{name}")
        out[str(key).strip()] = {"note": note.strip(), "thinking": texts["step_by_step_thinking"],
                                 "answer": texts["answer"]}
    return out


def one_shot_exemplar(example: Example, data_dir: Path | None) -> list[Example]:
    """The official exemplar of the item's calculator; it answers the item's own question."""
    if data_dir is None:
        raise UserError(f"MedCalc's one-shot exemplars ship with the GitHub release, not the hub: "
                        f"pass --data-dir DIR with {SUBDIR}/{ONE_SHOT_FILE}")
    path = bench_file(require_dir(data_dir, benchmark="medcalc"), SUBDIR, ONE_SHOT_FILE)
    if not path.is_file():
        raise UserError("data file not found (the one-shot exemplars)", file=str(path))
    calc = str(example.meta["calculator_id"])
    shot = _one_shot(str(path), path.stat().st_mtime_ns).get(calc)
    if shot is None:
        raise UserError(f"no one-shot exemplar for calculator {calc}", file=str(path), field=calc)
    return [Example(benchmark="medcalc", id=f"medcalc-oneshot-{calc}", question=example.question,
                    target=shot["answer"], answer_type=example.answer_type, context=shot["note"],
                    solution=shot["thinking"],
                    meta={"calculator_id": example.meta["calculator_id"]})]


BENCHMARK = Benchmark(
    title="MedCalc-Bench",
    answer_type=None,  # imported items need tunegap's copy (--data-dir) to be graded
    name="medcalc",
    description="MedCalc-Bench v1.0 test (1,047 notes, 55 calculators, 7 categories)",
    settings=("direct", "zeroshot_cot", "oneshot_cot"),
    prompt_family="medcalc",
    load_test=load_test,
    exemplars_for=one_shot_exemplar,
    expected_size=1047,
    load_hub=load_hub,
    hub_id=HUB_ID,
    local_files=(f"{SUBDIR}/{TEST_FILE}", f"{SUBDIR}/{ONE_SHOT_FILE} (one-shot)"),
    graders=("medcalc", "medcalc-official"),  # ours, and the official v1.0 scorer's verdict
)
