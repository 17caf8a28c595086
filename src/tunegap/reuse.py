"""When a re-run may keep what is stored: the grades, and the report files.

A re-run that generates nothing would otherwise re-extract and re-grade every sample and rewrite
every report file, which at scale takes minutes and changes nothing. Each is kept only when a
key computed now equals the key stored when it was made:

- the scoring key: the scorers (extractors, graders, the llm extractor and the reasoning specs,
  through the pairs), the plan (every request key, target and item), the number of stored
  generations, and the code that scores (this package's source files and the versions of the
  libraries the graders call);
- the report key: the scoring key, the whole config and the run's meta the report shows.

Anything else is made anew: a plug-in extractor or grader ("module:function", or one registered
at run time: its code is not hashed), a stored timeout (a busy machine's timeout may pass now),
a store with no key (made by an older version, or a killed scoring or report writer, which
clears the key before it starts).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
SOURCE_SUFFIXES = (".py", ".json", ".yaml", ".yml", ".html", ".js", ".css", ".txt", ".jinja")
# Libraries whose version can change a grade or a figure.
LIBRARIES = ("math-verify", "latex2sympy2_extended", "sympy", "numpy", "scipy", "matplotlib")
# The report files a kept report must still have (a deleted one is rebuilt).
REPORT_FILES = ("results.json", "items.jsonl", "samples.jsonl", "tables.md", "report.html")
SCORED, REPORTED = "scored_key", "reported_key"
INCOMPLETE_MARK = "REPORT-INCOMPLETE.txt"  # = report.INCOMPLETE_NAME (reuse loads no report code)


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


@functools.cache
def source_digest() -> str:
    """sha256 over this package's source and data files and the graders' library versions."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    return h.hexdigest()


def plan_digest(rows: Iterable[Mapping[str, Any]]) -> str:
    """sha256 of the plan rows the store is given (request keys, targets, items)."""
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, default=str).encode() + b"\n")
    return h.hexdigest()


def _uses_plugins(resolved) -> bool:
    """A scorer whose code is not this package's: "module:function", or one registered at run
    time (register_grader / register_extractor), which reaches the workers by module path."""
    from tunegap.extract import EXTRACTORS
    from tunegap.grade import GRADERS

    extractors = list(resolved.extractors_run)
    graders = list(resolved.graders)
    return (any(":" in n for n in [*extractors, *graders])
            or any(EXTRACTORS.ref(n) != n for n in extractors)
            or any(GRADERS.ref(n) != n for n in graders))


def scoring_key(resolved, plan: str, samples: int) -> str | None:
    """The key of the stored grades of this run (a resolved.Resolved) and plan; None when they
    cannot be kept."""
    if _uses_plugins(resolved):
        return None
    dump = resolved.dump()
    scorers = {k: dump.get(k) for k in ("extractors", "extractor_by_side", "graders",
                                        "llm_extractor", "llm_extractor_max_tokens", "pairs")}
    return _digest({"scorers": scorers, "plan": plan, "samples": samples,
                    "code": source_digest()})


def report_key(resolved, scoring: str | None, meta: Mapping[str, Any]) -> str | None:
    """The key of the report files made from these grades under this config and meta."""
    if scoring is None:
        return None
    return _digest({"scoring": scoring, "config": resolved.dump(),
                    "meta": dict(meta)})


def report_files_present(run_dir: Path) -> bool:
    """Every report file is there and the set is not marked incomplete (a killed writer)."""
    run_dir = Path(run_dir)
    return (all((run_dir / name).is_file() for name in REPORT_FILES)
            and not (run_dir / INCOMPLETE_MARK).exists())
