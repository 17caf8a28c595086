"""Label sets: more than one set of right answers for the same benchmark items.

The same outputs are graded once per label set; nothing is regenerated. A label set maps every
item id of the benchmark's test set to a `Label`:

- `unchanged`: the official target (possibly restated, e.g. in other units, then converted
  back to the form the item's question asks for; `note` says so);
- `relabelled`: a new target, answer type and (for decimals) tolerance limits;
- `na`: the right response is to abstain; target "N/A", answer type "none" (the `unanswerable`
  grader judges it);
- `excluded`: the corrected copy drops or does not cover the item; it is reported as excluded,
  never silently dropped.

What the wiring calls:

- `LABEL_SETS`: benchmark → the names it has (`official` first).
- `label_set(benchmark, name, data_dir, examples=None) -> LabelSet`: `examples` are the
  benchmark's official test items when the caller already has them (else they are loaded from
  `data_dir`). Bad rows are a UserError naming file, row and field.
- `LabelSet.counts()` → {"unchanged", "relabelled", "na", "excluded", "question_changed",
  "within_official_limits"} (the last: relabelled decimals whose new value lies inside the
  official row's own tolerance, i.e. changes of rounding that the official grading would not
  notice).
- `relabel(example, label) -> Example | None`: the item under the label (None when excluded);
  a relabelled decimal carries the set's limits in `meta`, as the `medcalc` grader reads them.

The sets:

- GSM8K `platinum` (GSM8K-Platinum, DIR/gsm8k_platinum/gsm8k_platinum_test.jsonl; see
  ../shared/data/SOURCES.md): each Platinum row is matched to the GSM8K test item with exactly
  the same question text; GSM8K items without a Platinum row were removed as flawed (excluded);
  a Platinum final answer that differs from GSM8K's is a relabel (`cleaning_status` "revised").
- MedCalc-Bench `corrected` (physician-audited labels, DIR/medcalc_bench/corrected_v1_junzeye/
  medcalc_v1_corrected.csv): rows matched by `Unique ID` = v1.0 `Row Number` (and checked to be
  the same calculator and patient note); v1.0 rows the audit did not cover are excluded; "N/A"
  is an abstention. The audit restates gestational age in total days (its question differs);
  those labels are converted back to v1.0's (weeks, days) form. Integer rows keep the audit's
  Lower/Upper Limit (±5 %) in the label, but the v1.0 rule (a rounded match) is what the
  `medcalc` grader applies to integers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from tunegap.data.io import RowRef, bench_file, csv_rows, jsonl_rows, number_field, text_field
from tunegap.errors import UserError
from tunegap.types import Example

LabelKind = Literal["unchanged", "relabelled", "na", "excluded"]
NA = "N/A"
LABEL_SETS: dict[str, tuple[str, ...]] = {"gsm8k": ("official", "platinum"),
                                          "medcalc": ("official", "corrected")}
PLATINUM_DIR, PLATINUM_FILE = "gsm8k_platinum", "gsm8k_platinum_test.jsonl"
PLATINUM_STATUSES = ("consensus", "verified", "revised")
CORRECTED_DIR, CORRECTED_FILE = "medcalc_bench", "corrected_v1_junzeye/medcalc_v1_corrected.csv"
CORRECTED_FIELDS = ("Unique ID", "Calculator Name", "Question", "Patient Note",
                    "Ground Truth Answer", "Lower Limit", "Upper Limit")
_WEEKS_DAYS = re.compile(r"^\(\s*'(\d+) weeks?',\s*'(\d+) days?'\s*\)$")


@dataclass(frozen=True)
class Label:
    kind: LabelKind
    target: str | None = None  # None when excluded
    answer_type: str | None = None
    lower_limit: float | None = None  # tolerance of a numeric target, when the set gives one
    upper_limit: float | None = None
    question_changed: bool = False  # the set's question differs from the one the outputs answered
    within_official_limits: bool = False  # a relabel the official tolerance already accepted
    note: str | None = None


@dataclass(frozen=True)
class LabelSet:
    benchmark: str
    name: str
    source: str  # the file the labels come from ("" for official)
    labels: Mapping[str, Label]  # every official item id

    def counts(self) -> dict[str, int]:
        kinds = Counter(label.kind for label in self.labels.values())
        out = {kind: kinds.get(kind, 0) for kind in ("unchanged", "relabelled", "na", "excluded")}
        out["question_changed"] = sum(lb.question_changed for lb in self.labels.values())
        out["within_official_limits"] = sum(lb.within_official_limits
                                            for lb in self.labels.values())
        return out


def relabel(example: Example, label: Label) -> Example | None:
    """The item graded under `label`: its target, answer type and limits; None if excluded."""
    if label.kind == "excluded":
        return None
    if label.kind == "unchanged":
        return example
    meta = dict(example.meta)
    meta.pop("lower_limit", None)
    meta.pop("upper_limit", None)
    # Only decimals are graded by limits (integers by a rounded match, as v1.0 scores them).
    if label.answer_type == "decimal" and label.lower_limit is not None \
            and label.upper_limit is not None:
        meta.update(lower_limit=label.lower_limit, upper_limit=label.upper_limit)
    return replace(example, target=label.target or "", answer_type=label.answer_type or "none",
                   meta=meta)


def label_set(benchmark: str, name: str, data_dir: Path | None,
              examples: Sequence[Example] | None = None) -> LabelSet:
    names = LABEL_SETS.get(benchmark, ("official",))
    if name not in names:
        raise UserError(f"benchmark '{benchmark}' has no label set '{name}' "
                        f"(it has: {', '.join(names)})")
    if examples is None:
        examples = _official(benchmark, data_dir)
    if name == "official":
        return LabelSet(benchmark, name, "", {ex.id: Label("unchanged", ex.target, ex.answer_type)
                                              for ex in examples})
    if data_dir is None:
        raise UserError(f"the '{name}' labels of '{benchmark}' are read from the data "
                        f"directory: pass --data-dir DIR")
    if benchmark == "gsm8k":
        return _platinum(Path(data_dir), examples)
    return _medcalc_corrected(Path(data_dir), examples)


def _official(benchmark: str, data_dir: Path | None) -> list[Example]:
    if benchmark == "gsm8k":
        from tunegap.data import gsm8k
        return gsm8k.load_test(data_dir)
    if benchmark == "medcalc":
        from tunegap.data import medcalc
        return medcalc.load_test(data_dir)
    raise UserError(f"benchmark '{benchmark}' has only its official labels")


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip() == b.strip()


# ---------------------------------------------------------------- GSM8K-Platinum


def _platinum(data_dir: Path, examples: Sequence[Example]) -> LabelSet:
    from tunegap.data.gsm8k import parse_answer

    path = bench_file(data_dir, PLATINUM_DIR, PLATINUM_FILE)
    by_question: dict[str, Example] = {}
    for ex in examples:
        by_question.setdefault(ex.question.strip(), ex)
    labels: dict[str, Label] = {}
    for ref, row in jsonl_rows(path, required=("question", "answer", "cleaning_status")):
        question = text_field(row, "question", ref).strip()
        ex = by_question.get(question)
        if ex is None:
            raise ref.error("no GSM8K test item has this question", field="question")
        if ex.id in labels:
            raise ref.error(f"a second row for GSM8K item {ex.id}", field="question")
        status = row["cleaning_status"]
        if status not in PLATINUM_STATUSES:
            raise ref.error(f"unknown status {str(status)[:40]!r} (known: "
                            f"{', '.join(PLATINUM_STATUSES)})", field="cleaning_status")
        parsed = parse_answer(text_field(row, "answer", ref))
        if parsed is None:
            raise ref.error("no final answer after '####'", field="answer")
        target = parsed[1]
        _check_number(target, ref, "answer")
        same = _same_number(target, ex.target)
        labels[ex.id] = Label("unchanged" if same else "relabelled", target, ex.answer_type,
                              note=None if same else f"GSM8K-Platinum {status}: {ex.target} → "
                              f"{target}")
    for ex in examples:
        labels.setdefault(ex.id, Label("excluded", note="removed by GSM8K-Platinum as flawed"))
    return LabelSet("gsm8k", "platinum", str(path), {ex.id: labels[ex.id] for ex in examples})


def _check_number(text: str, ref: RowRef, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ref.error(f"the final answer must be a number (got {text[:40]!r})",
                        field=field) from None
    if not math.isfinite(value):
        raise ref.error("the final answer must be a finite number", field=field)
    return value


# ---------------------------------------------------------------- MedCalc-Bench corrected


def _medcalc_corrected(data_dir: Path, examples: Sequence[Example]) -> LabelSet:
    path = bench_file(data_dir, CORRECTED_DIR, CORRECTED_FILE)
    by_row = {ex.meta.get("row_number"): ex for ex in examples}
    labels: dict[str, Label] = {}
    for ref, row in csv_rows(path, required=CORRECTED_FIELDS):
        number = number_field(row, "Unique ID", ref)
        ex = by_row.get(int(number)) if number.is_integer() else None
        if ex is None:
            raise ref.error(f"no MedCalc-Bench v1.0 row {row['Unique ID']!r}", field="Unique ID")
        if ex.id in labels:
            raise ref.error(f"a second row for v1.0 row {int(number)}", field="Unique ID")
        if text_field(row, "Calculator Name", ref).strip() != ex.meta.get("calculator_name"):
            raise ref.error(f"not the calculator of v1.0 row {int(number)} "
                            f"({ex.meta.get('calculator_name')})", field="Calculator Name")
        if text_field(row, "Patient Note", ref).strip() != (ex.context or ""):
            raise ref.error(f"not the patient note of v1.0 row {int(number)}",
                            field="Patient Note")
        question_changed = text_field(row, "Question", ref).strip() != ex.question
        labels[ex.id] = _corrected_label(ref, row, ex, question_changed)
    for ex in examples:
        labels.setdefault(ex.id, Label("excluded", note="not covered by the physician audit"))
    return LabelSet("medcalc", "corrected", str(path), {ex.id: labels[ex.id] for ex in examples})


def _corrected_label(ref: RowRef, row: dict, ex: Example, question_changed: bool) -> Label:
    target = text_field(row, "Ground Truth Answer", ref).strip()
    if target.upper() == NA:
        return Label("na", NA, "none", question_changed=question_changed,
                     note="the audit expects an abstention")
    kind = ex.answer_type
    if kind == "weeks_days":
        return _gestational_age(ref, target, ex, question_changed)
    if kind == "date":
        new = _date(target, ref)
        same = new == _date(ex.target, None)
        return Label("unchanged" if same else "relabelled", target, "date",
                     question_changed=question_changed)
    value = number_field(row, "Ground Truth Answer", ref)
    lo = number_field(row, "Lower Limit", ref)
    hi = number_field(row, "Upper Limit", ref)
    if lo > hi:
        raise ref.error(f"Lower Limit {lo} is above Upper Limit {hi}", field="Lower Limit")
    if not lo <= value <= hi:
        raise ref.error(f"the answer {target} lies outside its limits [{lo}, {hi}]",
                        field="Ground Truth Answer")
    if float(ex.target) == value:
        return Label("unchanged", ex.target, kind, ex.meta.get("lower_limit"),
                     ex.meta.get("upper_limit"), question_changed=question_changed)
    within = (kind == "decimal"
              and ex.meta.get("lower_limit", math.inf) <= value <= ex.meta.get("upper_limit", -1))
    return Label("relabelled", target, kind, lo, hi, question_changed=question_changed,
                 within_official_limits=within, note=f"v1.0 {ex.target} → {target}")


def _date(text: str, ref: RowRef | None) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y")
    except ValueError:
        if ref is None:
            raise
        raise ref.error(f"a date answer must read MM/DD/YYYY (got {text[:40]!r})",
                        field="Ground Truth Answer") from None


def _gestational_age(ref: RowRef, target: str, ex: Example, question_changed: bool) -> Label:
    """The audit gives gestational age in total days; v1.0's question asks (weeks, days)."""
    match = _WEEKS_DAYS.match(target)
    if match:
        weeks, days = int(match.group(1)), int(match.group(2))
        restated = False
    else:
        try:
            total = float(target)
        except ValueError:
            total = math.nan
        if not (total.is_integer() and total >= 0):
            raise ref.error(f"gestational age must be whole days or ('W weeks', 'D days') "
                            f"(got {target[:40]!r})", field="Ground Truth Answer")
        weeks, days = divmod(int(total), 7)
        restated = True
    converted = f"('{weeks} weeks', '{days} days')"
    official = _WEEKS_DAYS.match(ex.target)
    same = official is not None and (int(official.group(1)), int(official.group(2))) == (weeks,
                                                                                        days)
    note = f"given as {target} days, converted to (weeks, days)" if restated else None
    return Label("unchanged" if same else "relabelled", converted, "weeks_days",
                 question_changed=question_changed, note=note)
