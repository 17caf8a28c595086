"""extract → grade over a store's generations. Pure and re-runnable: never touches an evaluated
model (the `llm` extractor's auxiliary model is loaded only for texts it has not read yet).

Every extraction and every grade runs in a killable worker process under a per-item time limit
(grade/limits.py); no extractor or grader exception reaches this module. An extraction's status
(ok | missing | too-long | error | timeout) is stored with the answer; when it failed, each of
that sample's grades under that extractor carries the same status with correct=None. Items a
grader does not apply to are stored as "n/a", missing answers as "missing"; neither is sent to a
worker. Identical (grader, answer, target, item) questions are graded once.
"""

from __future__ import annotations

from collections.abc import Sequence

from tunegap.config import ModelSpec
from tunegap.errors import UserError
from tunegap.extract import EXTRACTORS, FAILED, check_extractor, is_batch
from tunegap.extract import llm as llm_extract
from tunegap.extract.reasoning import UNFINISHED, split_reasoning
from tunegap.grade import (
    GRADERS,
    MISSING,
    NOT_APPLICABLE,
    Grade,
    applies,
    get_grader,
    judges_missing,
    missing_requirements,
)
from tunegap.grade.limits import DEFAULT_LIMIT_S, ExtractJob, GraderPool, Job
from tunegap.resolved import Resolved, as_resolved
from tunegap.store import Store
from tunegap.types import AnswerFormat, Example, Request

# (request key, sample index, target, example, text to extract from, answer format)
Unit = tuple[str, int, str, Example, "str | None", AnswerFormat]


def _units(store: Store, resolved: Resolved) -> list[Unit]:
    """One unit per stored sample of the plan, from the store's typed records; an item planned
    in several cells is one unit. For a reasoning model the text is the answer after its
    thinking, or None when the thinking never closed."""
    reasoning = resolved.reasoning
    defaults: dict[str, AnswerFormat] = {}  # by benchmark, for rows stored without a format
    units, seen = [], set()
    for r in store.records():
        key = (r.request_key, r.sample_index, r.example.target)
        if key not in seen:
            seen.add(key)
            spec = reasoning.get(r.cell.model)
            text = r.output if spec is None else split_reasoning(
                r.output, spec.start, spec.end, starts_open=spec.starts_open).answer
            fmt = r.answer_format
            if fmt is None:
                if r.example.benchmark not in defaults:
                    defaults[r.example.benchmark] = _stored_before_formats(r.example)
                fmt = defaults[r.example.benchmark]
            units.append((r.request_key, r.sample_index, r.example.target, r.example, text, fmt))
    return units


def _stored_before_formats(example: Example) -> AnswerFormat:
    """A plan row written before answer formats were stored: the benchmark's default format
    (what `strict` read then), as its prompt family words a zero-shot prompt. The same for every
    item of a benchmark: the caller keeps one per benchmark."""
    from tunegap.data import BENCHMARKS
    from tunegap.prompts import FAMILIES

    if not BENCHMARKS.known(example.benchmark):
        return AnswerFormat()
    bench = BENCHMARKS[example.benchmark]
    return FAMILIES[bench.prompt_family].render(example, (), chat=False, setting="zeroshot_cot",
                                                json_answer=None).answer_format


def _llm_spec(spec: ModelSpec | None) -> ModelSpec:
    if spec is None:
        raise UserError("extractor 'llm' needs an auxiliary model: set `llm_extractor` in the "
                        "run config (a model spec) or pass --llm-model to `tunegap grade`")
    return spec


class _AuxiliaryModel:
    """The llm extractor's generate function: the backend loads on the first batch only (a
    re-grade whose texts are all cached never loads it)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec, self.backend = spec, None

    def __call__(self, requests: Sequence[Request]) -> list[str]:
        if self.backend is None:
            from tunegap.backends import load_backend

            self.backend = load_backend(self.spec)
        self.backend.check(requests)
        return [g[0].text if g else "" for g in self.backend.generate(requests)]

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()
            self.backend = None


Answers = dict[tuple[str, int, str], tuple[str | None, str]]


def extract_answers(store: Store, units: Sequence[Unit], extractors: Sequence[str],
                    llm_extractor: ModelSpec | None = None, pool: GraderPool | None = None,
                    llm_max_tokens: int = 64) -> Answers:
    """(key, sample, extractor) → (answer, status). Per-text extractors run in the pool's
    worker processes under its time limit; a text is extracted once however many cells plan
    it. Status: ok | missing | too-long | error | timeout."""
    answers: Answers = {}
    texts = list(dict.fromkeys(u[4] for u in units if u[4] is not None))
    for name in extractors:
        if is_batch(name):
            spec = _llm_spec(llm_extractor)
            model = _AuxiliaryModel(spec)
            ext = llm_extract.LLMExtractor(spec.fingerprint(), model, chat=spec.kind == "instruct",
                                           max_tokens=llm_max_tokens,
                                           batch_size=spec.backend.batch_size)
            try:
                found = llm_extract.extract_all(store, ext, texts)
            finally:
                model.close()
            for key, idx, _t, _ex, text, _fmt in units:
                got = None if text is None else found[text]
                answers[(key, idx, name)] = ((got, "ok" if got is not None else "missing")
                                             if text is not None else (None, UNFINISHED))
            continue
        # One job per distinct (text, item, answer format): strict reads the format.
        jobs: list[ExtractJob] = []
        index: dict[tuple[str, str, str, AnswerFormat], int] = {}
        ref = EXTRACTORS.ref(name)
        for _key, _idx, _t, ex, text, fmt in units:
            q = (text, ex.benchmark, ex.id, fmt)
            if text is not None and q not in index:
                index[q] = len(jobs)
                jobs.append(ExtractJob(ref, text, ex, fmt))
        results = pool.extract_many(jobs) if jobs else []
        for key, idx, _t, ex, text, fmt in units:
            answers[(key, idx, name)] = (results[index[(text, ex.benchmark, ex.id, fmt)]]
                                         if text is not None else (None, UNFINISHED))
    return answers


def check_scorers(extractors: Sequence[str], graders: Sequence[str]) -> None:
    """Every name is known and every grader's library is installed (checked before a run
    generates anything, and again before a re-grade)."""
    for name in extractors:
        check_extractor(name)
    for name in graders:
        get_grader(name)
        missing = missing_requirements(name)
        if missing:
            raise UserError(f"grader '{name}' needs {missing} (pip install 'tunegap[grading]')")


def _grade_cells(units, extractors, graders, answers: Answers):
    """Each (sample, extractor, grader) cell: a Grade already known (n/a, missing, or the
    extraction's failure status) or the index of a job; identical questions graded once."""
    cells: list[tuple[tuple[str, int, str, str, str], Grade | int]] = []
    jobs: list[Job] = []
    job_index: dict[tuple[str, str | None, str, str], int] = {}
    for key, idx, target, ex, _text, _fmt in units:
        ex_id = f"{ex.benchmark}/{ex.id}/{ex.answer_type}"
        for ename in extractors:
            answer, status = answers[(key, idx, ename)]
            for gname in graders:
                row_key = (key, idx, ename, gname, target)
                if not applies(gname, ex):
                    cells.append((row_key, NOT_APPLICABLE))
                elif status in FAILED:  # the extraction failed: its grades carry why
                    cells.append((row_key, Grade(None, status)))
                elif answer is None and not judges_missing(gname):
                    cells.append((row_key, MISSING))
                else:
                    q = (gname, answer, target, ex_id)
                    if q not in job_index:
                        job_index[q] = len(jobs)
                        jobs.append(Job(GRADERS.ref(gname), answer, target, ex))
                    cells.append((row_key, job_index[q]))
    return cells, jobs


def score_store(store: Store, resolved: Resolved, *, limit_s: float = DEFAULT_LIMIT_S,
                pool: GraderPool | None = None) -> int:
    """(Re-)extract and (re-)grade every stored generation of the current plan under the
    run's extractors (the by-side column's too) and graders.

    Returns the number of (sample, extractor, grader) grades written.
    """
    resolved = as_resolved(resolved)
    extractors = list(resolved.extractors_run)
    graders = list(resolved.graders)
    check_scorers(extractors, graders)
    units = _units(store, resolved)
    own_pool = pool is None
    if own_pool:
        pool = GraderPool(limit_s=limit_s, warm=tuple(graders))
    try:
        answers = extract_answers(store, units, extractors, resolved.llm_extractor, pool,
                                  resolved.llm_extractor_max_tokens)
        cells, jobs = _grade_cells(units, extractors, graders, answers)
        graded = pool.grade_many(jobs) if jobs else []
    finally:
        if own_pool:
            pool.close()
    grade_rows = []
    for (key, idx, ename, gname, target), g in cells:
        if isinstance(g, int):
            g = graded[g]
        correct = None if g.correct is None else int(g.correct)
        grade_rows.append((key, idx, ename, gname, target, correct, g.status, g.canonical))
    store.save_answers([(k, i, e, a, status) for (k, i, e), (a, status) in answers.items()])
    store.save_grades(grade_rows)
    return len(grade_rows)
