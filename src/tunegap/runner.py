"""plan → generate → extract → grade → report, with progress and resume.

Generation is the only expensive stage and the only one that touches a model. The backend streams
each request's generations as they finish (`Backend.stream`); they are written to the store in
groups of a batch (or every few seconds); a re-run skips every (request key, sample) already stored,
and loads no model at all when nothing is missing.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tunegap import reuse
from tunegap.config import ModelSpec, RunConfig
from tunegap.data.files import data_files
from tunegap.errors import UserError
from tunegap.plan import build_plan, plan_rows, unique_requests
from tunegap.runlock import ensure_run_dir, run_lock
from tunegap.store import Store
from tunegap.types import Generation, Request

# The analysis (scipy), the report writers (matplotlib), the scorers and the engines load
# inside the functions that use them: a re-run with nothing to do needs none of them.
if TYPE_CHECKING:
    from tunegap.results import Results

STORE_NAME = "tunegap.sqlite"
SAVE_EVERY_S = 5.0  # finished generations wait at most this long (or a batch) to be stored


# Names the report writers give their files; a killed writer may leave ".<name>.*" behind.
REPORT_NAMES = ("results.json", "items.jsonl", "samples.jsonl", "tables.md", "report.html",
                "tables", "plots", "browser")


def open_store(run_dir: Path, *, must_exist: bool = False) -> Store:
    """The run's store; a missing (when it must exist), unwritable or damaged one is a
    one-line error naming the file."""
    path = Path(run_dir) / STORE_NAME
    if must_exist and not path.is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run_dir))
    ensure_run_dir(Path(run_dir))
    try:
        return Store(path)
    except sqlite3.Error as exc:
        raise UserError(f"the run store is damaged or not a tunegap store ({exc})",
                        file=str(path)) from None


def stored_config(store: Store) -> RunConfig:
    """The typed config a run directory was last run (or re-graded) with."""
    raw = store.get_meta("config")
    if raw is None:
        raise UserError("the run directory holds no run (no config stored)", file=str(store.path))
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as exc:
        raise UserError(f"the stored config does not validate ({exc.errors()[0]['msg']})",
                        file=str(store.path)) from None


def clean_temporaries(run_dir: Path) -> None:
    """Remove what a killed report writer left behind (.results.json.xxxx, .plots.old, ...)."""
    for entry in Path(run_dir).iterdir():
        name = entry.name
        if name.startswith(".") and any(name.startswith(f".{r}.") for r in REPORT_NAMES):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _provenance(store: Store) -> dict[str, Any]:
    return store.get_meta("provenance") or {
        "source": "tunegap run", "changed_models": store.get_meta("changed_models", []),
        "data_files": store.get_meta("data_files", [])}


def report_store(store: Store, run_dir: Path, config: RunConfig | None = None) -> Results:
    """records → Results → report files. The only place that hands store records to the
    analysis and the report writers."""
    from tunegap.report import report_run

    config = config or stored_config(store)
    if store.sample_count() == 0:
        raise UserError("the run has no generations yet: nothing to report", file=str(run_dir))
    store.set_meta(reuse.REPORTED, None)  # a writer killed from here on leaves no stale key
    clean_temporaries(Path(run_dir))
    results = report_run(store.records(full=True), config, run_dir, planned=store.plan_counts(),
                         counts=store.get_meta("counts", {}), provenance=_provenance(store),
                         attempt=store.last_attempt())
    store.set_meta("summary", results.summary())
    return results


def _note_changed_models(store: Store, config: RunConfig, console: Console) -> None:
    """A model whose weights, template or engine options changed since the stored run gets new
    request keys, so its outputs are generated anew: say so now, and in the report."""
    now = {m.name: m.fingerprint() for p in config.pairs for m in (p.base, p.instruct)}
    before = store.get_meta("fingerprints", {})
    changed = sorted(n for n, fp in now.items() if n in before and before[n] != fp)
    if changed:
        console.print(f"changed since the last run (outputs generated anew): {', '.join(changed)}",
                      markup=False, highlight=False)
    store.set_meta("changed_models", changed)
    store.set_meta("fingerprints", {**before, **now})


def preflight_models(config: RunConfig) -> None:
    """Before a new run directory is made: every backend is known and every local or
    packaged weights file is there (a typo would otherwise leave an empty run behind)."""
    from tunegap.backends import backend_entry
    from tunegap.models import check_model_ref

    specs = [(f"pairs.{i}.{side}", getattr(p, side))
             for i, p in enumerate(config.pairs) for side in ("base", "instruct")]
    if config.llm_extractor is not None and "llm" in config.extractors:
        specs.append(("llm_extractor", config.llm_extractor))
    for where, spec in specs:
        entry = backend_entry(spec.backend.type)
        entry.load_class()
        if entry.local_weights:
            check_model_ref(spec.backend.model, field=f"{where}.backend.model")


def _progress(console: Console, enabled: bool):
    if not enabled:
        return nullcontext(None)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def _generate_model(store: Store, attempt: int, model: ModelSpec, requests: Sequence[Request],
                    progress, console: Console) -> int:
    """Generate the missing samples of one model. Returns how many requests were sent."""
    keys = [r.key for r in requests]  # Request.key hashes the request anew on every call
    stored = store.stored_samples(keys)
    missing = [r for r, key in zip(requests, keys)
               if any((key, i) not in stored for i in range(r.params.samples))]
    if not missing:
        return 0
    from tunegap.backends import load_backend

    backend = load_backend(model)
    finished: list[tuple[Request, list[Generation]]] = []

    def save() -> None:  # one transaction per group: a kill loses only what was in flight
        store.log_requested(attempt, [r for r, _ in finished])
        store.save_generations(attempt, finished)
        finished.clear()

    try:
        backend.check(missing)
        group = max(1, model.backend.batch_size)
        task = progress.add_task(f"{model.name:>24}", total=len(missing)) if progress else None
        saved_at = time.monotonic()
        try:
            for i, gens in backend.stream(missing):
                finished.append((missing[i], gens))
                if progress is not None:
                    progress.advance(task, 1)
                if len(finished) >= group or time.monotonic() - saved_at > SAVE_EVERY_S:
                    save()
                    saved_at = time.monotonic()
        finally:
            if finished:  # an error or Ctrl-C keeps what had finished
                save()
    finally:
        backend.close()
    return len(missing)


def check_scoring(extractors: Sequence[str], graders: Sequence[str], items) -> None:
    """Before any generation: names are known, and every benchmark has a grader that can judge
    its answers (otherwise its cells would stay empty after the expensive part)."""
    from tunegap.data import get_benchmark
    from tunegap.grade import applies
    from tunegap.scoring import check_scorers

    check_scorers(extractors, graders)
    judged: dict[str, bool] = {}
    for item in items:
        ex = item.example
        if not judged.get(ex.benchmark):
            judged[ex.benchmark] = any(applies(g, ex) for g in graders)
    for name, ok in judged.items():
        if not ok:
            own = ", ".join(get_benchmark(name).graders)
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


def _scored_and_reported(store: Store, run_dir: Path, config: RunConfig, plan: str,
                         sent: int, attempt: int, counts: dict[str, int],
                         need_results: bool) -> Outcome:
    """Score, finish the attempt, report: each step skipped when what is stored is current
    (reuse.py says when). A re-run that generated nothing then only reads the stored summary."""
    from tunegap.scoring import score_store

    scoring = reuse.scoring_key(config, plan, store.sample_count())
    fresh = (sent == 0 and scoring is not None and store.get_meta(reuse.SCORED) == scoring
             and not store.has_status("timeout"))
    if not fresh:
        store.set_meta("counts", counts)
        store.set_meta(reuse.SCORED, None)  # a scorer killed from here on leaves no stale key
        store.set_meta(reuse.REPORTED, None)
        score_store(store, config)
        store.set_meta(reuse.SCORED, scoring)
    # Generation and grading are done: the attempt is finished; its report follows
    # (a kill while writing it is repaired by the next run or `tunegap report`).
    store.finish_attempt(attempt)

    def key() -> str | None:
        return reuse.report_key(config, scoring, {
            k: store.get_meta(k) for k in ("counts", "data_files", "changed_models",
                                           "provenance")})

    summary = store.get_meta("summary")
    if (fresh and (reported := key()) is not None and store.get_meta(reuse.REPORTED) == reported
            and summary is not None and reuse.report_files_present(run_dir)):
        # The report on disk was made from these very grades, config and code: keep it; it
        # names the attempt it comes from (this one changed nothing).
        results = None
        if need_results:
            from tunegap.results import build_results

            results = build_results(store.records(), config, run_dir,
                                    planned=store.plan_counts(),
                                    counts=store.get_meta("counts", {}),
                                    provenance=_provenance(store),
                                    attempt=store.get_meta("reported_attempt"))
        return Outcome(run_dir, summary, results)
    store.set_meta("counts", counts)  # the report about to be written names this attempt
    reported = key()
    results = report_store(store, run_dir, config)
    store.set_meta("reported_attempt", results.attempt)
    store.set_meta(reuse.REPORTED, reported)
    return Outcome(run_dir, results.summary(), results)


def execute(config: RunConfig, *, argv: Sequence[str] | None = None, progress: bool = True,
            console: Console | None = None, need_results: bool = True) -> Outcome:
    """`run`, for callers that may not need the Results (the command line prints the
    summary): a finished run whose stored report is current is then not analysed again."""
    console = console or Console(stderr=True)
    config = config.model_copy(update={"graders": config.resolved_graders()})
    items = build_plan(config)  # loads data; a bad file fails here, before anything is written
    check_scoring(config.extractors, config.graders, items)
    run_dir = config.run_dir
    if not (run_dir / STORE_NAME).exists():
        preflight_models(config)  # nothing is created for a run that cannot start
    with run_lock(run_dir):
        store = open_store(run_dir)
        try:
            _note_changed_models(store, config, console)
            store.set_meta("data_files", data_files(config.all_benchmarks, config.data_dir))
            store.set_meta("config", config.model_dump(mode="json"))
            attempt = store.begin_attempt(list(argv if argv is not None else sys.argv))
            rows = plan_rows(items)
            plan = reuse.plan_digest(rows)
            if store.get_meta("plan_digest") != plan:  # rewriting an unchanged plan costs
                store.replace_plan(rows)                # seconds at scale and changes nothing
                store.set_meta("plan_digest", plan)
            groups = unique_requests(items)
            sent = 0
            with _progress(console, progress) as bar:
                for _fingerprint, pairs in groups.items():
                    model = pairs[0][0]
                    sent += _generate_model(store, attempt, model, [r for _, r in pairs], bar,
                                            console)
            counts = {"plan_items": len(items),
                      "unique_requests": sum(len(v) for v in groups.values()),
                      "requests_sent_last_attempt": sent}
            return _scored_and_reported(store, run_dir, config, plan, sent, attempt, counts,
                                        need_results)
        finally:
            store.close()


def report(run_dir: Path) -> Results:
    """Rebuild every report file of a stored run; no model is loaded."""
    run_dir = Path(run_dir)
    if not (run_dir / STORE_NAME).is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run_dir))
    store = open_store(run_dir, must_exist=True)
    try:
        config = stored_config(store)
        if store.sample_count() == 0:  # checked before the lock: a refusal writes nothing
            raise UserError("the run has no generations yet: nothing to report",
                            file=str(run_dir))
        with run_lock(run_dir):
            return report_store(store, run_dir, config)
    finally:
        store.close()
