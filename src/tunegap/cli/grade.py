"""`tunegap grade RUN`: re-extract and re-grade a stored run, then rebuild its report.

No evaluated model is loaded; generations are read, never written. New extractors/graders are
added to the run's recorded config (so the report shows their columns); the configured ones stay.
The `llm` extractor loads its auxiliary model only for texts it has not read before.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tunegap.cli.options import csv
from tunegap.cli.output import print_results
from tunegap.errors import UserError

# A day per item: beyond it a limit only hides a grader that never returns (inf would hang).
MAX_TIME_LIMIT_S = 86400.0


def regrade(run_dir: Path, extractors: list[str] | None = None, graders: list[str] | None = None,
            *, llm_model: str | None = None, time_limit: float | None = None):
    """Python twin of the command; returns the rebuilt Results."""
    from tunegap.fs_faults import one_line_faults
    from tunegap.runlock import run_lock
    from tunegap.runner import STORE_NAME, open_store, stored_config
    from tunegap.scoring import check_scorers

    if not (Path(run_dir) / STORE_NAME).is_file():
        raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run_dir))
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT_S:  # nan, inf: refused
        raise UserError(f"must be a number of seconds above 0 and at most {MAX_TIME_LIMIT_S:g} "
                        f"(got {time_limit:g})", field="--time-limit")
    check_scorers(extractors or [], graders or [])
    with one_line_faults(run_dir):  # a full disk or a damaged store: one line, not a traceback
        store = open_store(Path(run_dir), must_exist=True)
        try:
            config = stored_config(store)
            if store.sample_count() == 0:  # checked before the lock: a refusal writes nothing
                raise UserError("the run has no generations yet: nothing to grade",
                                file=str(run_dir))
            with run_lock(Path(run_dir)):
                return _regrade_locked(store, config, run_dir, extractors, graders, llm_model,
                                       time_limit)
        finally:
            store.close()


def _regrade_locked(store, config, run_dir, extractors, graders, llm_model, time_limit):
    """Re-score the open, locked store under the union of its and the new scorers."""
    from tunegap import reuse
    from tunegap.config import BackendSpec, ModelSpec
    from tunegap.grade.limits import DEFAULT_LIMIT_S
    from tunegap.runner import report_store
    from tunegap.scoring import score_store

    update = {
        "extractors": list(dict.fromkeys([*config.extractors, *(extractors or [])])),
        "graders": list(dict.fromkeys([*(config.graders or []), *(graders or [])])),
    }
    spec = None
    if llm_model:
        spec = ModelSpec(name="llm-extractor", kind="instruct",
                         backend=BackendSpec(type="llamacpp", model=llm_model))
        update["llm_extractor"] = spec
    config = config.model_copy(update=update)
    store.set_meta("config", config.model_dump(mode="json"))
    store.set_meta(reuse.SCORED, None)  # the next `tunegap run` scores again under its config
    score_store(store, config, limit_s=time_limit or DEFAULT_LIMIT_S)
    return report_store(store, Path(run_dir), config)


RunArg = typer.Argument(..., help="a run directory")
ExtractorsOpt = typer.Option(None, "--extractors",
                             help="comma-separated: strict,flexible,boxed,json,llm")
GradersOpt = typer.Option(None, "--graders",
                          help="comma-separated: numeric,math-standard,math-verify,medcalc")
LlmOpt = typer.Option(None, "--llm-model", help="GGUF path or pypi:<package> for the llm "
                                                "extractor (llamacpp); else the run config's")
LimitOpt = typer.Option(None, "--time-limit", help="seconds per graded item (default 5)")


def grade(
    run_dir: Path = RunArg,
    extractors: str | None = ExtractorsOpt,
    graders: str | None = GradersOpt,
    llm_model: str | None = LlmOpt,
    time_limit: float | None = LimitOpt,
) -> None:
    """Re-extract and re-grade a stored run (no evaluated model is loaded); rebuild its report."""
    results = regrade(run_dir, csv(extractors), csv(graders), llm_model=llm_model,
                      time_limit=time_limit)
    print_results(results)
