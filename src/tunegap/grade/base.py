"""What a grader returns, and the statuses every grader shares."""

from __future__ import annotations

from dataclasses import dataclass

from tunegap.types import GradeStatus


@dataclass(frozen=True)
class Grade:
    # None when the answer could not be judged (missing, timeout, not applicable)
    correct: bool | None
    status: GradeStatus = "ok"
    # The grader's normal form of the answer (e.g. "18" for "18.0"): maj@k votes on it, so
    # spellings of one value do not split the vote. None: the grader has none (vote on the text).
    canonical: str | None = None


MISSING = Grade(None, "missing")
# The grader does not apply to this item's answer type (e.g. numeric on a LaTeX answer): not
# wrong, just not a judgement; analysis leaves these out of the grader's accuracy.
NOT_APPLICABLE = Grade(None, "n/a")
TIMEOUT = Grade(None, "timeout")
