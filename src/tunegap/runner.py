"""plan → generate → extract → grade → report, with progress and resume.

Generation is the only expensive stage and the only one that touches a model. Every batch is
written to the store as it arrives; a re-run skips every (request key, sample) already stored,
and loads no model at all when nothing is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tunegap.backends import load_backend
from tunegap.config import ModelSpec, RunConfig
from tunegap.errors import UserError
from tunegap.grade import applies
from tunegap.plan import build_plan, plan_rows, unique_requests
from tunegap.report import write_report
from tunegap.results import Results, build_results
from tunegap.scoring import check_scorers, score_store
from tunegap.store import Store
from tunegap.types import Request

STORE_NAME = "tunegap.sqlite"


def open_store(run_dir: Path) -> Store:
    return Store(Path(run_dir) / STORE_NAME)


def stored_config(store: Store) -> RunConfig:
    """The typed config a run directory was last run (or re-graded) with."""
    raw = store.get_meta("config")
    if raw is None:
        raise UserError("the run directory holds no run (no config stored)", file=str(store.path))
    return RunConfig.model_validate(raw)


def report_store(store: Store, run_dir: Path, config: RunConfig | None = None) -> Results:
    """records → Results → report files. The only place that hands store records to the
    analysis and the report writers."""
    config = config or stored_config(store)
    results = build_results(store.records(), config, run_dir, planned=store.plan_counts(),
                            counts=store.get_meta("counts", {}),
                            provenance=store.get_meta("provenance"))
    write_report(results, store.records(full=True))
    return results


def _progress(console: Console, enabled: bool):
    if not enabled:
        return nullcontext(None)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


def _generate_model(store: Store, attempt: int, model: ModelSpec, requests: Sequence[Request],
                    progress, console: Console) -> int:
    """Generate the missing samples of one model. Returns how many requests were sent."""
    stored = store.stored_samples(r.key for r in requests)
    missing = [r for r in requests if any((r.key, i) not in stored for i in range(r.params.samples))]
    if not missing:
        return 0
    backend = load_backend(model)
    try:
        backend.check(missing)
        size = max(1, model.backend.batch_size)
        task = progress.add_task(f"{model.name:>24}", total=len(missing)) if progress else None
        for start in range(0, len(missing), size):
            batch = missing[start : start + size]
            store.log_requested(attempt, batch)
            outputs = backend.generate(batch)
            store.save_generations(attempt, list(zip(batch, outputs)))
            if progress is not None:
                progress.advance(task, len(batch))
    finally:
        backend.close()
    return len(missing)


def check_scoring(extractors: Sequence[str], graders: Sequence[str], items) -> None:
    """Before any generation: names are known, and every benchmark has a grader that can judge
    its answers (otherwise its cells would stay empty after the expensive part)."""
    from tunegap.data import get_benchmark

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


def run(config: RunConfig, *, argv: Sequence[str] | None = None, progress: bool = True,
        console: Console | None = None) -> Results:
    """Run (or resume) an evaluation and write its report. Returns the results."""
    console = console or Console(stderr=True)
    config = config.model_copy(update={"graders": config.resolved_graders()})
    items = build_plan(config)  # loads data; a bad file fails here, before anything is written
    check_scoring(config.extractors, config.graders, items)
    run_dir = config.run_dir
    store = open_store(run_dir)
    try:
        store.set_meta("config", config.model_dump(mode="json"))
        attempt = store.begin_attempt(list(argv if argv is not None else sys.argv))
        store.replace_plan(plan_rows(items))
        groups = unique_requests(items)
        sent = 0
        with _progress(console, progress) as bar:
            for _fingerprint, pairs in groups.items():
                model = pairs[0][0]
                sent += _generate_model(store, attempt, model, [r for _, r in pairs], bar, console)
        store.set_meta("counts", {"plan_items": len(items),
                                  "unique_requests": sum(len(v) for v in groups.values()),
                                  "requests_sent_last_attempt": sent})
        score_store(store, config.extractors, config.graders)
        results = report_store(store, run_dir, config)
        store.finish_attempt(attempt)
        return results
    finally:
        store.close()


def report(run_dir: Path) -> Results:
    """Rebuild every report file of a stored run; no model is loaded."""
    store = open_store(run_dir)
    try:
        return report_store(store, Path(run_dir))
    finally:
        store.close()
