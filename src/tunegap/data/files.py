"""The sha256 of every local file a run's benchmarks read, taken when the run starts, so the
report can say which data its numbers came from."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from tunegap.data import BENCHMARKS
from tunegap.data.base import Benchmark


def hash_path(path: Path) -> str | None:
    """A file's sha256; a folder's (GSM-Symbolic's templates) over names and contents."""
    h = hashlib.sha256()
    if path.is_file():
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    elif path.is_dir():
        for f in sorted(x for x in path.rglob("*") if x.is_file()):
            h.update(str(f.relative_to(path)).encode() + b"\0" + f.read_bytes())
    else:
        return None
    return h.hexdigest()


def data_files(benchmarks: Iterable[str | Benchmark], data_dir: Path | None) -> list[dict[str, str]]:
    """[{benchmark, file, sha256}] for the files each benchmark reads from `data_dir` (a
    benchmark by name, or the object itself: a perturbed set reads its source's files)."""
    out = []
    for item in dict.fromkeys(benchmarks):
        name = item.name if isinstance(item, Benchmark) else item
        bench = item if isinstance(item, Benchmark) else (
            BENCHMARKS[name] if BENCHMARKS.known(name) else None)
        if bench is None or not bench.needs_data_dir:
            out.append({"benchmark": name, "file": "(generated, no file)", "sha256": ""})
            continue
        for f in bench.local_files:
            rel = f.split(" (")[0]
            digest = hash_path(Path(data_dir) / rel) if data_dir else None
            out.append({"benchmark": name, "file": rel, "sha256": digest or "(not found)"})
    return out
