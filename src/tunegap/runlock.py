"""One writer per run directory: an OS-level lock (flock) held by `tunegap run`, `grade`,
`report` and `import` while they write. The kernel drops it when the process dies, even by
SIGKILL, so a killed run never leaves the directory locked."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tunegap.errors import UserError

LOCK_NAME = ".tunegap.lock"


@contextmanager
def run_lock(run_dir: Path) -> Iterator[None]:
    """Hold the run directory's lock (creating the directory); a second holder gets a one-line
    error naming the PID that has it."""
    run_dir = Path(run_dir)
    ensure_run_dir(run_dir)
    path = run_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UserError(f"cannot write the run directory ({exc.strerror})", file=str(run_dir)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise UserError(f"the run directory is in use by PID {holder} (another tunegap run, "
                        "grade or report): wait for it to finish, or use another --out",
                        file=str(run_dir)) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def ensure_run_dir(run_dir: Path) -> None:
    """The run directory exists and is writable, or a one-line error says why not."""
    if run_dir.exists() and not run_dir.is_dir():
        raise UserError("the run directory is a file, not a directory", file=str(run_dir))
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the run directory ({exc.strerror})",
                        file=str(run_dir)) from None
    if not os.access(run_dir, os.W_OK | os.X_OK):
        raise UserError("the run directory is not writable", file=str(run_dir))
