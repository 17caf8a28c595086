"""File-system and store faults as one-line errors.

A full disk, a read-only file or folder, a store damaged in its middle pages: none of these is a
bug in tunegap, and none deserves a traceback. `one_line_faults(where)` turns them into a
UserError naming the file (exit 2); what was stored before the fault stays (every store write is
one transaction), and a report set cut short stays marked (report/__init__.py).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tunegap.errors import UserError

# Errors that say something about the disk or a file's permissions, never about the code.
FS_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG,
             errno.EIO, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOTEMPTY, errno.ELOOP,
             errno.ENAMETOOLONG, errno.EMLINK, errno.ENOENT}


def fault_message(exc: BaseException) -> str | None:
    """What a file-system or store fault means for the user, or None when `exc` is not one."""
    if isinstance(exc, sqlite3.Error):
        text = str(exc)
        low = text.lower()
        if len(text) > 120:  # a decoding error quotes the stored text itself
            text = text[:100] + "…"
        if "disk is full" in low or "disk i/o" in low:
            return f"the disk is full or failing while writing the run store ({text}); the " \
                   "store keeps every finished transaction: free space and re-run to resume"
        if "readonly" in low or "read-only" in low or "unable to open" in low:
            return f"the run store cannot be written ({text}): check its permissions"
        if ("malformed" in low or "not a database" in low or "corrupt" in low
                or "could not decode" in low):
            return f"the run store is damaged ({text}): restore it from a copy, or start a " \
                   "new run directory"
        if "locked" in low or "busy" in low:
            return f"the run store is locked by another process ({text})"
        return f"the run store failed ({text})"
    if isinstance(exc, OSError) and exc.errno in FS_ERRNOS:
        name = f" {exc.filename}" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return f"no space left writing{name} ({exc.strerror}): free space and re-run"
        return f"cannot write{name} ({exc.strerror})"
    return None


@contextmanager
def one_line_faults(where: Path | str) -> Iterator[None]:
    """Inside: a disk or store fault becomes a UserError naming `where` (or the failing file)."""
    try:
        yield
    except UserError:
        raise
    except (OSError, sqlite3.Error) as exc:
        message = fault_message(exc)
        if message is None:
            raise
        raise UserError(message, file=str(where)) from None
