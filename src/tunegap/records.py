"""Per-sample records: the one typed shape of a run after grading.

The store reads a run into `SampleRecord`s (store.records); everything downstream — per-item
scores, paired statistics, tables, samples.jsonl — is a pure function of records and the typed
run config, and never reads the store itself. This module imports only value types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tunegap.types import AnswerFormat, Example, FinishReason, GradeStatus, SamplingParams

# What a grade says about a sample. `correct`/`wrong` are judgements; the rest are not:
# missing (no answer extracted), n/a (the grader does not apply to the item), timeout / error
# (the grader or extractor ran past its limit or failed), unparsable (the answer is not a value).
Outcome = Literal["correct", "wrong", "missing", "n/a", "timeout", "error", "unparsable"]
# Each outcome's one-letter code in report.html's sample data, and the word its page shows.
OUTCOME_CODE = {"correct": "c", "wrong": "w", "missing": "m", "n/a": "n", "timeout": "t",
                "error": "e", "unparsable": "u"}
OUTCOME_WORD = {"c": "right", "w": "wrong", "m": "missing", "n": "n/a", "t": "timeout",
                "e": "error", "u": "unparsable", ".": "not graded"}


@dataclass(frozen=True, slots=True)
class CellKey:
    """Where a sample belongs: one side of one pair on one benchmark × setting × decoding."""

    pair: str
    side: str  # base | instruct
    model: str
    benchmark: str
    setting: str
    decoding: str

    @property
    def id(self) -> str:
        return "|".join((self.pair, self.side, self.benchmark, self.setting, self.decoding))


@dataclass(frozen=True, slots=True)
class GradeRecord:
    correct: bool | None
    status: GradeStatus
    canonical: str | None = None  # the grader's normal form of the answer (maj@k votes on it)

    @property
    def outcome(self) -> str:
        if self.correct is not None and self.status == "ok":
            return "correct" if self.correct else "wrong"
        return self.status


@dataclass(frozen=True, slots=True)
class SampleRecord:
    cell: CellKey
    example: Example
    request_key: str
    sample_index: int
    samples: int  # how many samples the item's request yields (1 for greedy)
    ranked: bool  # CoT-decoding branches, in first-token rank order (not i.i.d. samples)
    output: str
    finish_reason: FinishReason
    completion_tokens: int
    token_margins: tuple[tuple[float, float, float], ...]
    answers: dict[str, str | None]  # extractor → answer
    answer_status: dict[str, str]  # extractor → ok | missing | timeout | error | ...
    # The reply shape the prompt asked for (None: a run planned before formats were stored).
    answer_format: AnswerFormat | None
    grades: dict[tuple[str, str], GradeRecord]  # (extractor, grader) → grade
    # Filled only by a full read (store.records(full=True)), for samples.jsonl and the viewer.
    params: SamplingParams | None = None
    prompt: dict[str, Any] | None = None
    rendered_prompt: str | None = None
    prompt_tokens: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def grade_of(rec: SampleRecord, extractor: str, grader: str) -> GradeRecord | None:
    return rec.grades.get((extractor, grader))
