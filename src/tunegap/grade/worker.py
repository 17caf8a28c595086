"""A grader worker process (started by grade/limits.py): JSON lines in, JSON lines out.

In: a list of [grader, answer, target, example dict] per line. Out: [correct, status, canonical] per item.
An item whose grader is "extract:NAME" is an extraction instead: `answer` holds the output text,
`target` the answer format the prompt asked for (AnswerFormat JSON, or ""), and the reply is
[None, extraction status, extracted answer] (see tunegap.extract.safe_extract).
The parent owns the time limit; this process only grades, and is killed when an item runs long.
"""

from __future__ import annotations

import json
import sys

MEMORY_LIMIT = 4 << 30  # a worker building a giant number fails instead of swapping the host


EXTRACT = "extract:"


def _extraction(name: str):
    from tunegap.extract import safe_extract
    from tunegap.grade.base import Grade
    from tunegap.types import AnswerFormat

    def run(text, answer_format, example):
        fmt = AnswerFormat.from_json(answer_format) if answer_format else None
        answer, status = safe_extract(name, text, example, fmt)
        return Grade(None, status, answer)

    return run


def _resolve(name: str):
    """`name` is the registry's ref (GRADERS.ref / EXTRACTORS.ref): a built-in's name, or the
    "module:attr" of one registered in the parent, which the registries load as a plug-in."""
    if name.startswith(EXTRACT):
        return _extraction(name[len(EXTRACT):])
    from tunegap.grade import grade_now

    return lambda a, t, e: grade_now(name, a, t, e)


PARENT_ENV = "TUNEGAP_GRADER_PARENT"  # the PID of the run that started this worker
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _kernel_kills_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when the thread that started it ends: the kernel does
    it, so it works while C code holds the interpreter lock (math-verify on 10^{10^{10^{10}}}),
    when no Python thread can run. The parent starts workers from a thread that lives as long
    as the process (grade/limits.py)."""
    import signal

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _exit_with_parent(poll_s: float = 0.2) -> None:
    """A worker busy on one item never reads its closed stdin: if the run that started it is
    killed (even by SIGKILL), the worker ends too, so no grader outlives its run at 100 % CPU.
    On Linux the kernel kills it (even inside C code); elsewhere, or as a second guard, a
    watchdog thread notices the new parent."""
    import os
    import threading
    import time

    parent = int(os.environ.get(PARENT_ENV) or os.getppid())
    _kernel_kills_with_parent()
    if os.getppid() != parent:  # the run died before the kernel was asked to watch it
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def main() -> None:
    _exit_with_parent()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    from tunegap.grade import grade_now
    from tunegap.types import Example

    for name in sys.argv[1:]:  # warm up (imports, parser tables): not charged to an item
        try:
            grade_now(name, "1", "1", Example("warmup", "0", "", "1", "latex"))
        except Exception:  # noqa: BLE001, S110  (a broken warm-up shows on the first real item)
            pass

    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        for grader, answer, target, ex in json.loads(line):
            try:
                g = _resolve(grader)(answer, target, Example(**ex))
                result = [g.correct, g.status, g.canonical]
            except Exception:  # noqa: BLE001  (MemoryError included: a bad item is an error, not a crash)
                result = [None, "error", None]
            out.write(json.dumps(result) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
