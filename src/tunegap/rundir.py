"""A run directory as one object: its store, its lock, its meta, its reuse keys and the
resolved config it was run with. `tunegap run`, `grade`, `report` and `import` (runner.py,
importing/build.py) are short compositions of its stages; nothing else opens a store, names a
meta key or sets a reuse key.

Refusals come before anything is written: `RunDir.existing` checks a stored run (a store, a
config, generations) before the lock is taken, and a new run's models are checked before its
directory is made (runner.py).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tunegap import reuse
from tunegap.config import RunConfig
from tunegap.errors import UserError
from tunegap.fs_faults import fault_message
from tunegap.resolved import Resolved, resolve
from tunegap.runlock import ensure_run_dir, run_lock
from tunegap.store import Store

if TYPE_CHECKING:
    from rich.console import Console

    from tunegap.results import Results

STORE_NAME = "tunegap.sqlite"
# Names the report writers give their files; a killed writer may leave ".<name>.*" behind.
REPORT_NAMES = ("results.json", "items.jsonl", "samples.jsonl", "tables.md", "report.html",
                "tables", "plots", "browser")


class Meta:
    """The store's meta keys: every one a stage reads or writes, in one place."""

    CONFIG = "config"  # the RunConfig (graders resolved) the run was last run or graded with
    COUNTS = "counts"  # plan items, unique requests, requests sent by the last attempt
    DATA_FILES = "data_files"  # the benchmark files read, with their sha256
    CHANGED_MODELS = "changed_models"  # models whose fingerprint changed since the last run
    FINGERPRINTS = "fingerprints"  # model name → fingerprint, as last run
    PROVENANCE = "provenance"  # where the generations come from (a run, or an import's files)
    PLAN_DIGEST = "plan_digest"  # sha256 of the stored plan rows
    SUMMARY = "summary"  # the terminal summary stored with the report
    REPORTED_ATTEMPT = "reported_attempt"  # the attempt the report on disk names
    SCORED = reuse.SCORED  # reuse key of the stored grades
    REPORTED = reuse.REPORTED  # reuse key of the report files


class RunDir:
    """One run directory. Open it with `RunDir.existing` (a stored run) or `RunDir(path)` (a
    new or resumed run), write under `with run.writing():`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._store: Store | None = None

    # -- opening --------------------------------------------------------------------------
    @property
    def store_path(self) -> Path:
        return self.path / STORE_NAME

    def has_store(self) -> bool:
        return self.store_path.is_file()

    @classmethod
    def existing(cls, path: Path | str, *, to: str) -> RunDir:
        """A stored run with generations, checked before any lock is taken: a refusal writes
        nothing. `to` names what the caller is about to do ("report", "grade")."""
        run = cls(path)
        if not run.has_store():
            raise UserError("not a tunegap run directory (no tunegap.sqlite)", file=str(run.path))
        try:
            run.stored_resolved()  # a run directory with no (valid) config is refused here
            if run.store.sample_count() == 0:
                raise UserError(f"the run has no generations yet: nothing to {to}",
                                file=str(run.path))
        except BaseException:
            run.close()  # a refusal leaves the directory as it was (no -wal/-shm files)
            raise
        return run

    @property
    def store(self) -> Store:
        """The run's store, opened on first use; an unwritable or damaged one is a one-line
        error naming the file."""
        if self._store is None:
            ensure_run_dir(self.path)
            path = self.store_path
            if path.is_file() and not os.access(path, os.R_OK | os.W_OK):
                raise UserError("the run store is read-only (its file mode or attributes forbid "
                                "writing): make it writable, or copy the run directory",
                                file=str(path))
            try:
                store = Store(path)
                # A store damaged in its middle pages opens fine and fails at the first read of
                # them, after this command has written to it: checked before anything is
                # written (every page is read once: about 1 s per 400 MB).
                problem = store.db.execute("PRAGMA quick_check(1)").fetchone()[0]
                if problem != "ok":
                    store.close()
                    raise UserError(f"the run store is damaged ({problem}): restore it from a "
                                    "copy, or start a new run directory", file=str(path))
            except sqlite3.Error as exc:
                raise UserError(fault_message(exc) or f"not a tunegap store ({exc})",
                                file=str(path)) from None
            self._store = store
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @contextmanager
    def writing(self) -> Iterator[RunDir]:
        """Hold the directory's lock (one writer at a time); the store is closed after."""
        try:
            with run_lock(self.path):
                yield self
        finally:
            self.close()

    # -- meta -----------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        return self.store.get_meta(key, default)

    def set(self, key: str, value: Any) -> None:
        self.store.set_meta(key, value)

    def stored_resolved(self) -> Resolved:
        """The resolved config the directory was last run (or re-graded) with."""
        raw = self.get(Meta.CONFIG)
        if raw is None:
            raise UserError("the run directory holds no run (no config stored)",
                            file=str(self.store_path))
        try:
            config = RunConfig.model_validate(raw)
        except ValidationError as exc:
            raise UserError(f"the stored config does not validate ({exc.errors()[0]['msg']})",
                            file=str(self.store_path)) from None
        return resolve(config)

    def record_config(self, resolved: Resolved) -> None:
        self.set(Meta.CONFIG, resolved.dump())

    def provenance(self) -> dict[str, Any]:
        return self.get(Meta.PROVENANCE) or {
            "source": "tunegap run", "changed_models": self.get(Meta.CHANGED_MODELS, []),
            "data_files": self.get(Meta.DATA_FILES, [])}

    def note_changed_models(self, resolved: Resolved, console: Console) -> None:
        """A model whose weights, template or engine options changed since the stored run gets
        new request keys, so its outputs are generated anew: say so now, and in the report."""
        now = {m.name: m.fingerprint() for m in resolved.models}
        before = self.get(Meta.FINGERPRINTS, {})
        changed = sorted(n for n, fp in now.items() if n in before and before[n] != fp)
        if changed:
            console.print(f"changed since the last run (outputs generated anew): "
                          f"{', '.join(changed)}", markup=False, highlight=False)
        self.set(Meta.CHANGED_MODELS, changed)
        self.set(Meta.FINGERPRINTS, {**before, **now})

    def set_plan(self, rows: list[dict[str, Any]]) -> str:
        """Store the plan rows (skipped when unchanged: rewriting costs seconds at scale and
        changes nothing); returns their digest."""
        plan = reuse.plan_digest(rows)
        if self.get(Meta.PLAN_DIGEST) != plan:
            self.store.replace_plan(rows)
            self.set(Meta.PLAN_DIGEST, plan)
        return plan

    # -- scoring --------------------------------------------------------------------------
    def scoring_key(self, resolved: Resolved, plan: str) -> str | None:
        """The reuse key grades of this run and plan get (None: never kept, e.g. plug-ins)."""
        return reuse.scoring_key(resolved, plan, self.store.sample_count())

    def scores_current(self, key: str | None, sent: int) -> bool:
        """Whether the stored grades can be kept as they are: nothing generated, the same
        scoring key (scorers, plan, code), no stored timeout."""
        return (sent == 0 and key is not None and self.get(Meta.SCORED) == key
                and not self.store.has_status("timeout"))

    def score(self, resolved: Resolved, *, key: str | None = None,
              limit_s: float | None = None) -> None:
        """Extract and grade every stored generation. The reuse keys are cleared first, so a
        scorer killed midway leaves no stale key; `key` is set when it finishes."""
        from tunegap.grade.limits import DEFAULT_LIMIT_S  # the scorers load only to score
        from tunegap.scoring import score_store

        self.set(Meta.SCORED, None)
        self.set(Meta.REPORTED, None)
        score_store(self.store, resolved, limit_s=limit_s or DEFAULT_LIMIT_S)
        self.set(Meta.SCORED, key)

    # -- reporting ------------------------------------------------------------------------
    def report_key(self, resolved: Resolved, scoring: str | None) -> str | None:
        return reuse.report_key(resolved, scoring, {
            k: self.get(k) for k in (Meta.COUNTS, Meta.DATA_FILES, Meta.CHANGED_MODELS,
                                     Meta.PROVENANCE)})

    def kept_report(self, resolved: Resolved, scoring: str | None) -> dict[str, Any] | None:
        """The stored summary when the report on disk was made from these very grades, config
        and code (and every report file is there); None when it must be written anew."""
        reported = self.report_key(resolved, scoring)
        summary = self.get(Meta.SUMMARY)
        if (reported is not None and self.get(Meta.REPORTED) == reported and summary is not None
                and reuse.report_files_present(self.path)):
            return summary
        return None

    def results(self, resolved: Resolved, *, attempt: Mapping[str, Any] | None = None
                ) -> Results:
        """The analysis of the stored records (no file written)."""
        from tunegap.results import build_results

        return build_results(self.store.records(), resolved, self.path,
                             planned=self.store.plan_counts(), counts=self.get(Meta.COUNTS, {}),
                             provenance=self.provenance(),
                             attempt=attempt if attempt is not None else self.store.last_attempt())

    def report(self, resolved: Resolved, *, key: str | None = None) -> Results:
        """records → Results → report files, in one read of the store: the one place that hands
        store records to the analysis and the report writers. `key` (the report's reuse key) is
        set when done."""
        from tunegap.report import report_run

        if self.store.sample_count() == 0:
            raise UserError("the run has no generations yet: nothing to report",
                            file=str(self.path))
        self.set(Meta.REPORTED, None)  # a writer killed from here on leaves no stale key
        self.clean_temporaries()
        results = report_run(self.store.records(full=True), resolved, self.path,
                             planned=self.store.plan_counts(), counts=self.get(Meta.COUNTS, {}),
                             provenance=self.provenance(), attempt=self.store.last_attempt())
        self.set(Meta.SUMMARY, results.summary())
        self.set(Meta.REPORTED_ATTEMPT, results.attempt)
        self.set(Meta.REPORTED, key)
        return results

    def clean_temporaries(self) -> None:
        """Remove what a killed report writer left behind (.results.json.xxxx, .plots.old, ...)."""
        for entry in self.path.iterdir():
            name = entry.name
            if name.startswith(".") and any(name.startswith(f".{r}.") for r in REPORT_NAMES):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
