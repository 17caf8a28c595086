"""Weights identified by their content: a file's sha256, hashed once and cached.

Size and modification time are not enough (a swapped file can keep both: `cp -p`, `touch -r`),
and hashing a multi-gigabyte checkpoint on every run is too slow. So the sha256 is cached under
the file's stat signature (device, inode, size, mtime and ctime in nanoseconds): a file that is
replaced or rewritten gets a new inode or ctime, which no user command can set back, and is
hashed again; an untouched file is hashed once per machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

CACHE_NAME = "weights-sha256.json"
_memo: dict[str, tuple[tuple[int, ...], str]] = {}  # this process: no file read per call
_lock = threading.Lock()


def _signature(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _read_cache(cache: Path) -> dict:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}  # a missing or damaged cache only costs a re-hash
    return data if isinstance(data, dict) else {}


def _write_cache(cache: Path, data: dict) -> None:
    """Atomically, and silently on failure (a read-only home still runs, hashing each time)."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{cache.name}.", dir=cache.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, cache)
    except OSError:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass


def file_sha256(path: Path, cache_dir: Path) -> str:
    """The sha256 of `path`'s content, from the cache when its stat signature is unchanged."""
    key = str(Path(path).resolve())
    sig = _signature(Path(key).stat())
    with _lock:
        got = _memo.get(key)
        if got is not None and got[0] == sig:
            return got[1]
    cache = cache_dir / CACHE_NAME
    entry = _read_cache(cache).get(key)
    if isinstance(entry, dict) and tuple(entry.get("stat", ())) == sig and entry.get("sha256"):
        digest = str(entry["sha256"])
    else:
        digest = _hash_file(Path(key))
        if _signature(Path(key).stat()) == sig:  # not changed while it was read
            data = _read_cache(cache)  # re-read: another process may have added entries
            data[key] = {"stat": list(sig), "sha256": digest}
            _write_cache(cache, data)
    with _lock:
        _memo[key] = (sig, digest)
    return digest
