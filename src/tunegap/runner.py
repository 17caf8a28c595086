"""The commands as compositions of a run directory's stages (rundir.py):

    run     resolve → plan → generate (generation.py) → score → report
    grade   stored run → score under more scorers → report
    report  stored run → report

Generation is the only expensive stage and the only one that touches a model; a re-run skips
every stored (request key, sample) and loads no model when nothing is missing. Scoring and the
report are skipped when what is stored is current (reuse.py says when): a finished re-run then
only reads the stored summary.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from tunegap.data.files import data_files
from tunegap.errors import UserError
from tunegap.fs_faults import one_line_faults
from tunegap.plan import build_plan, plan_rows, unique_requests
from tunegap.progress_lines import stage
from tunegap.resolved import Resolved, resolve
from tunegap.rundir import STORE_NAME, Meta, RunDir

# The analysis (scipy), the report writers (matplotlib), the scorers and the engines load
# inside the functions that use them: a re-run with nothing to do needs none of them.
if TYPE_CHECKING:
    from tunegap.config import ModelSpec, RunConfig
    from tunegap.results import Results

# A day per item: beyond it a limit only hides a grader that never returns (inf would hang).
MAX_TIME_LIMIT_S = 86400.0

__all__ = ["MAX_TIME_LIMIT_S", "STORE_NAME", "Outcome", "execute", "regrade", "report", "run"]


def preflight_models(resolved: Resolved) -> None:
    """Before a new run directory is made: every backend is known and every local or
    packaged weights file is there (a typo would otherwise leave an empty run behind)."""
    from tunegap.backends import backend_entry
    from tunegap.models import check_model_ref

    specs = [(f"pairs.{i}.{side}", getattr(p, side))
             for i, p in enumerate(resolved.pairs) for side in ("base", "instruct")]
    if resolved.llm_extractor is not None and "llm" in resolved.extractors:
        specs.append(("llm_extractor", resolved.llm_extractor))
    for where, spec in specs:
        entry = backend_entry(spec.backend.type)
        entry.load_class()
        if entry.local_weights:
            check_model_ref(spec.backend.model, field=f"{where}.backend.model")


def check_scoring(resolved: Resolved, items) -> None:
    """Before any generation: names are known, and every benchmark has a grader that can judge
    its answers (otherwise its cells would stay empty after the expensive part)."""
    from tunegap.grade import applies
    from tunegap.scoring import check_scorers

    graders = resolved.graders
    check_scorers(resolved.extractors, graders)
    judged: dict[str, bool] = {}
    for item in items:
        ex = item.example
        if not judged.get(ex.benchmark):
            judged[ex.benchmark] = any(applies(g, ex) for g in graders)
    for name, ok in judged.items():
        if not ok:
            own = ", ".join(resolved.benchmark(name).graders)
            raise UserError(f"no configured grader ({', '.join(graders)}) can judge {name}'s "
                            f"answers: add one of {own} to graders (or leave graders unset)",
                            field="graders")


@dataclass
class Outcome:
    """What a run leaves: its directory, the terminal summary (Results.summary()), and the
    Results, which is None when the caller did not need it and the stored report was current."""

    run_dir: Path
    summary: dict[str, Any]
    results: Results | None


def run(config: RunConfig, *, argv: Sequence[str] | None = None, progress: bool = True,
        console: Console | None = None) -> Results:
    """Run (or resume) an evaluation and write its report. Returns the results."""
    outcome = execute(config, argv=argv, progress=progress, console=console, need_results=True)
    assert outcome.results is not None
    return outcome.results


def execute(config: RunConfig, *, argv: Sequence[str] | None = None, progress: bool = True,
            console: Console | None = None, need_results: bool = True) -> Outcome:
    """`run`, for callers that may not need the Results (the command line prints the
    summary): a finished run whose stored report is current is not analysed again."""
    from tunegap.generation import generate_missing

    console = console or Console(stderr=True)
    resolved = resolve(config)
    items = build_plan(resolved)  # loads data; a bad file fails here, before anything is written
    check_scoring(resolved, items)
    run_dir = RunDir(resolved.run_dir)
    if not run_dir.has_store():
        preflight_models(resolved)  # nothing is created for a run that cannot start
    with one_line_faults(run_dir.path), run_dir.writing():
        run_dir.note_changed_models(resolved, console)
        run_dir.set(Meta.DATA_FILES, data_files(resolved.benchmark_objects(), resolved.data_dir))
        run_dir.record_config(resolved)
        attempt = run_dir.store.begin_attempt(list(argv if argv is not None else sys.argv))
        plan = run_dir.set_plan(plan_rows(items))
        groups = unique_requests(items)
        sent = generate_missing(run_dir.store, attempt, groups, console=console,
                                progress=progress)
        counts = {"plan_items": len(items),
                  "unique_requests": sum(len(v) for v in groups.values()),
                  "requests_sent_last_attempt": sent}
        return _scored_and_reported(run_dir, resolved, plan, sent, attempt, counts,
                                    need_results, console if progress else None)


def _scored_and_reported(run_dir: RunDir, resolved: Resolved, plan: str, sent: int,
                         attempt: int, counts: dict[str, int], need_results: bool,
                         lines: Console | None = None) -> Outcome:
    """Score, finish the attempt, report: each step skipped when what is stored is current.
    `lines` (the progress console) gets a start and an end line per stage."""
    scoring = run_dir.scoring_key(resolved, plan)
    fresh = run_dir.scores_current(scoring, sent)
    if not fresh:
        run_dir.set(Meta.COUNTS, counts)
        with stage(lines, f"grading {run_dir.store.sample_count()} samples"):
            run_dir.score(resolved, key=scoring)
    # Generation and grading are done: the attempt is finished; its report follows
    # (a kill while writing it is repaired by the next run or `tunegap report`).
    run_dir.store.finish_attempt(attempt)
    summary = run_dir.kept_report(resolved, scoring) if fresh else None
    if summary is not None:
        # The report on disk was made from these very grades, config and code: keep it; it
        # names the attempt it comes from (this one changed nothing).
        results = (run_dir.results(resolved, attempt=run_dir.get(Meta.REPORTED_ATTEMPT))
                   if need_results else None)
        return Outcome(run_dir.path, summary, results)
    run_dir.set(Meta.COUNTS, counts)  # the report about to be written names this attempt
    with stage(lines, "writing the report"):
        results = run_dir.report(resolved, key=run_dir.report_key(resolved, scoring))
    return Outcome(run_dir.path, results.summary(), results)


def report(path: Path) -> Results:
    """Rebuild every report file of a stored run; no model is loaded."""
    with one_line_faults(Path(path)):
        run_dir = RunDir.existing(path, to="report")
        with run_dir.writing():
            return run_dir.report(run_dir.stored_resolved())


def regrade(path: Path, extractors: list[str] | None = None, graders: list[str] | None = None,
            *, llm_model: str | None = None, time_limit: float | None = None) -> Results:
    """Re-extract and re-grade a stored run under the union of its and the new scorers, then
    rebuild its report; no evaluated model is loaded, generations are never written."""
    from tunegap.scoring import check_scorers

    if not (Path(path) / STORE_NAME).is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(path))
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT_S:  # nan, inf: refused
        raise UserError(f"must be a number of seconds above 0 and at most {MAX_TIME_LIMIT_S:g} "
                        f"(got {time_limit:g})", field="--time-limit")
    check_scorers(extractors or [], graders or [])
    with one_line_faults(Path(path)):  # a full disk or a damaged store: one line
        run_dir = RunDir.existing(path, to="grade")
        with run_dir.writing():
            resolved = run_dir.stored_resolved().with_scorers(
                extractors or [], graders or [], _llm_extractor_spec(llm_model))
            run_dir.record_config(resolved)
            # No key: the next `tunegap run` scores again under its own config.
            run_dir.score(resolved, limit_s=time_limit)
            return run_dir.report(resolved)


def _llm_extractor_spec(llm_model: str | None) -> ModelSpec | None:
    """The `--llm-model` of `tunegap grade`: a llama.cpp model for the llm extractor."""
    if not llm_model:
        return None
    from tunegap.config import BackendSpec, ModelSpec

    return ModelSpec(name="llm-extractor", kind="instruct",
                     backend=BackendSpec(type="llamacpp", model=llm_model))
