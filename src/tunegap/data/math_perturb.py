"""MATH-Perturb (Huang et al. 2025): 279 level-5 MATH problems, each perturbed two ways.

Local layout: DIR/math_perturb/math_perturb_hard.jsonl and math_perturb_simple.jsonl (the
release), rows {"problem_id", "problem", "answer", "level", "type", "original_split"}; `answer`
is a LaTeX string, an int or a float. The release has no originals: this project pairs each
problem_id with its original MATH problem in originals_matched_from_MATH.jsonl (a text-similarity
reconstruction, not the authors'; two matches are flagged ambiguous).

Three benchmarks share the problem ids, so original-vs-perturbed compares per problem and model:
math_perturb_hard, math_perturb_simple (seed_id → the original's id) and math_perturb_original.
Their one-shot setting shows the original problem with its MATH solution as the exemplar (the
MATH-Perturb paper's in-context-learning setting). There is no hub copy tunegap knows of.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from tunegap.data.base import Benchmark
from tunegap.data.io import (
    RowRef,
    bench_file,
    int_field,
    jsonl_rows,
    require_dir,
    scalar_text,
    text_field,
)
from tunegap.errors import UserError
from tunegap.types import Example

SUBDIR = "math_perturb"
ORIGINALS = "originals_matched_from_MATH.jsonl"
FIELDS = ("problem_id", "problem", "answer", "level", "type")
ORIGINAL_FIELDS = ("problem_id", "original_unique_id", "original_problem", "original_answer",
                   "type", "level")
EXPECTED = 279


def _root(data_dir: Path | None, name: str) -> Path:
    if data_dir is None:
        raise UserError(f"benchmark '{name}' has no Hugging Face hub copy that tunegap knows: pass "
                        f"--data-dir DIR with {SUBDIR}/ from the release "
                        "(github.com/Kaffaljidhmah2/MATH-Perturb)")
    return require_dir(data_dir, benchmark=name)


def _level(row: dict[str, Any], ref: RowRef) -> int:
    value = row.get("level")
    m = re.fullmatch(r"(?:Level\s*)?(\d)", str(value).strip())
    if not m:
        raise ref.error(f"level must read 'Level N' (got {value!r})", field="level")
    return int(m.group(1))


def _problem_id(row: dict[str, Any], ref: RowRef, seen: set[int]) -> int:
    pid = int_field(row, "problem_id", ref)
    if pid in seen:
        raise ref.error(f"duplicate problem_id {pid}", field="problem_id")
    seen.add(pid)
    return pid


def original_id(problem_id: int) -> str:
    return f"math_perturb_original-{problem_id}"


@functools.lru_cache(maxsize=8)
def _originals_cached(path: str, _mtime_ns: int) -> dict[int, tuple[RowRef, dict[str, Any]]]:
    out: dict[int, tuple[RowRef, dict[str, Any]]] = {}
    for ref, row in jsonl_rows(Path(path), required=ORIGINAL_FIELDS):
        pid = _problem_id(row, ref, set(out))
        for name in ("original_unique_id", "original_problem", "type"):
            text_field(row, name, ref)
        scalar_text(row, "original_answer", ref)
        out[pid] = (ref, row)
    return out


def originals(root: Path) -> dict[int, tuple[RowRef, dict[str, Any]]] | None:
    """problem_id → (where, row) of the matched original, or None when the file is absent."""
    path = bench_file(root, SUBDIR, ORIGINALS)
    if not path.is_file():
        return None
    return _originals_cached(str(path), path.stat().st_mtime_ns)


def _original_example(pid: int, ref: RowRef, row: dict[str, Any]) -> Example:
    subject = text_field(row, "type", ref)
    solution = row.get("original_solution")
    return Example(
        benchmark="math_perturb_original", id=original_id(pid),
        question=text_field(row, "original_problem", ref),
        target=scalar_text(row, "original_answer", ref), answer_type="latex",
        solution=solution if isinstance(solution, str) and solution.strip() else None,
        meta={"problem_id": pid, "unique_id": row["original_unique_id"], "subject": subject,
              "category": subject, "level": _level(row, ref),
              "original_split": row.get("original_split"),
              "match_ambiguous": bool(row.get("match_ambiguous")),
              "match_hand_checked": bool(row.get("match_hand_checked")),
              "match_score": row.get("match_score"), "reconstructed_pairing": True},
    )


def load_perturbed(data_dir: Path | None, kind: str) -> list[Example]:
    name = f"math_perturb_{kind}"
    root = _root(data_dir, name)
    path = bench_file(root, SUBDIR, f"math_perturb_{kind}.jsonl")
    found = originals(root)
    examples: list[Example] = []
    seen: set[int] = set()
    for ref, row in jsonl_rows(path, required=FIELDS):
        pid = _problem_id(row, ref, seen)
        subject = text_field(row, "type", ref)
        meta: dict[str, Any] = {
            "problem_id": pid, "seed_id": original_id(pid), "perturbation": kind,
            "subject": subject, "category": subject, "level": _level(row, ref),
            "original_split": row.get("original_split"), "has_original": found is not None,
        }
        if found is not None:
            if pid not in found:
                raise ref.error(f"problem_id {pid} has no original in "
                                f"{bench_file(root, SUBDIR, ORIGINALS)}", field="problem_id")
            o_ref, orig = found[pid]
            if orig["type"] != subject:
                raise ref.error(f"type '{subject}' differs from its original's '{orig['type']}' "
                                f"({o_ref.file}, line {o_ref.line})", field="type")
            meta.update(original_unique_id=orig["original_unique_id"],
                        original_answer=scalar_text(orig, "original_answer", o_ref),
                        match_ambiguous=bool(orig.get("match_ambiguous")),
                        match_hand_checked=bool(orig.get("match_hand_checked")))
        examples.append(Example(
            benchmark=name, id=f"{name}-{pid}", question=text_field(row, "problem", ref),
            target=scalar_text(row, "answer", ref), answer_type="latex", meta=meta,
        ))
    return examples


def load_original(data_dir: Path | None) -> list[Example]:
    root = _root(data_dir, "math_perturb_original")
    found = originals(root)
    if found is None:
        raise UserError("data file not found (the originals matched to MATH-Perturb)",
                        file=str(bench_file(root, SUBDIR, ORIGINALS)))
    return [_original_example(pid, ref, row) for pid, (ref, row) in found.items()]


def original_exemplar(example: Example, data_dir: Path | None) -> list[Example]:
    """The one-shot exemplar of a perturbed problem: its original, with the MATH solution."""
    found = originals(_root(data_dir, example.benchmark))
    pid = example.meta["problem_id"]
    if found is None or pid not in found:
        raise UserError(f"one-shot on {example.benchmark} needs the original of problem_id {pid}",
                        file=str(bench_file(Path(data_dir or "."), SUBDIR, ORIGINALS)))
    ref, row = found[pid]
    original = _original_example(pid, ref, row)
    if original.solution is None:
        raise ref.error("the one-shot exemplar needs the original's solution",
                        field="original_solution")
    return [original]


def _perturbed(kind: str, what: str) -> Benchmark:
    return Benchmark(
        name=f"math_perturb_{kind}",
        title=f"MATH-Perturb {kind.capitalize()}",
        answer_type="latex",
        description=f"MATH-Perturb {kind.capitalize()} (279 {what} perturbations of level-5 MATH)",
        settings=("zeroshot_cot", "oneshot_cot"),
        prompt_family="latex_cot",
        load_test=lambda data_dir: load_perturbed(data_dir, kind),
        exemplars_for=original_exemplar,
        expected_size=EXPECTED,
        local_files=(f"{SUBDIR}/math_perturb_{kind}.jsonl", f"{SUBDIR}/{ORIGINALS}"),
        graders=("math-standard", "math-verify"),
    )


HARD = _perturbed("hard", "hard")
SIMPLE = _perturbed("simple", "simple")
ORIGINAL = Benchmark(
    name="math_perturb_original",
    title="MATH-Perturb originals",
    answer_type="latex",
    description="the 279 MATH originals of MATH-Perturb (pairing reconstructed by this project)",
    settings=("zeroshot_cot",),
    prompt_family="latex_cot",
    load_test=load_original,
    expected_size=EXPECTED,
    local_files=(f"{SUBDIR}/{ORIGINALS}",),
    graders=("math-standard", "math-verify"),
)
BENCHMARKS = (HARD, SIMPLE, ORIGINAL)
