"""The per-item time limit: graders run in worker processes that can be killed.

A thread cannot be killed and signal.alarm only works on the main thread, so a CPU-bound sympy
call that never returns (math-verify on 10^{10^{10^{10}}}) is contained by a process: the parent
sends a worker a chunk of items and waits for each result with a deadline; when an item runs
past the limit the worker is killed, the item is recorded as a timeout, and a fresh worker takes
the rest of the chunk. Nothing here uses signals, so a pool works from any thread.

Workers are plain subprocesses (`python -m tunegap.grade.worker`, JSON lines over pipes), not
multiprocessing: that never re-imports the caller's __main__, so scripts need no main guard. A
worker says "ready" once its imports are done, so start-up time is never charged to an item.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tunegap.grade.base import TIMEOUT, Grade
from tunegap.grade.worker import EXTRACT, PARENT_ENV
from tunegap.types import AnswerFormat, Example

DEFAULT_LIMIT_S = 5.0
CHUNK_CHARS = 8 << 20
START_LIMIT_S = 120.0  # imports (sympy, math-verify) on a busy machine


@dataclass(frozen=True)
class Job:
    grader: str  # a registered grader name, or "module:function" (tests, plug-ins)
    answer: str | None
    target: str
    example: Example


@dataclass(frozen=True)
class ExtractJob:
    extractor: str  # how a worker finds it: a built-in name, or "module:function"
    text: str
    example: Example
    answer_format: AnswerFormat | None = None  # what the prompt asked for (strict reads it)


class WorkerDied(RuntimeError):
    pass


_spawner_lock = threading.Lock()
_spawner: ThreadPoolExecutor | None = None


def _spawn(argv: list[str], **kwargs: Any) -> subprocess.Popen:
    """Popen from a thread that lives as long as the process: a worker asks the kernel to kill
    it when the thread that started it ends (PR_SET_PDEATHSIG, grade/worker.py), and the pool's
    own threads end after every grade_many."""
    global _spawner
    if threading.current_thread() is threading.main_thread():
        return subprocess.Popen(argv, **kwargs)
    with _spawner_lock:
        if _spawner is None:  # one thread, never shut down (it idles between spawns)
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grader-spawner")
        spawner = _spawner
    return spawner.submit(subprocess.Popen, argv, **kwargs).result()


class _Worker:
    def __init__(self, warm: Sequence[str] = ()) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
                   **{PARENT_ENV: str(os.getpid())})
        # Its own session: a Ctrl-C reaches the run only, which stops its workers itself
        # (GraderPool.grade_many) instead of each printing a KeyboardInterrupt traceback.
        self.proc = _spawn([sys.executable, "-m", "tunegap.grade.worker", *warm],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                           start_new_session=True)
        self._buf = b""
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        if self.readline(START_LIMIT_S) != "ready":
            self.kill()
            raise WorkerDied("grader worker did not start")

    def send(self, obj: Any) -> None:
        self.proc.stdin.write((json.dumps(obj) + "\n").encode())
        self.proc.stdin.flush()

    def readline(self, timeout: float) -> str | None:
        """One line, or None when `timeout` seconds pass first; WorkerDied on EOF."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self._sel.select(left):
                return None
            data = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not data:
                raise WorkerDied("grader worker exited")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        self._close_pipes()

    def _close_pipes(self) -> None:
        self._sel.close()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass

    def stop(self) -> None:
        try:
            self.proc.stdin.close()  # EOF: the worker's loop ends
            self.proc.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(5)
        self._close_pipes()


class GraderPool:
    """`grade_many(jobs)` → one Grade per job, each under `limit_s` seconds of wall time."""

    def __init__(self, workers: int | None = None, limit_s: float = DEFAULT_LIMIT_S,
                 chunk: int = 64, warm: Sequence[str] = ()) -> None:
        self.warm = tuple(w for w in warm if w == "math-verify")  # the only slow starter
        self.size = workers or max(1, min(2, os.cpu_count() or 1))
        self.limit_s = limit_s
        self.chunk = chunk
        self._idle: list[_Worker] = []
        self._started: list[_Worker] = []  # every worker, for stopping them all on an interrupt
        self._stopping = False
        self._lock = threading.Lock()
        self.timeouts = 0

    def _get(self) -> _Worker:
        with self._lock:
            if self._stopping:
                raise WorkerDied("the pool is stopping")
            if self._idle:
                return self._idle.pop()
        worker = _Worker(self.warm)
        with self._lock:
            self._started.append(worker)
        return worker

    def _stop_all(self) -> None:
        """Kill every worker now: their threads end at once instead of finishing their chunks."""
        with self._lock:
            self._stopping = True
            started, self._started, self._idle = self._started, [], []
        for w in started:
            if w.proc.poll() is None:
                w.proc.kill()

    def _put(self, w: _Worker) -> None:
        with self._lock:
            self._idle.append(w)

    def _run_chunk(self, jobs: Sequence[Job]) -> list[Grade]:
        payload = [[j.grader, j.answer, j.target, j.example.to_dict()] for j in jobs]
        out: list[Grade] = []
        worker: _Worker | None = None
        while len(out) < len(payload):
            worker = worker or self._get()  # a replacement starts only when items remain
            try:
                worker.send(payload[len(out):])
            except OSError:  # it died while idle (e.g. killed for memory): use a fresh one
                worker.kill()
                worker = self._get()
                worker.send(payload[len(out):])
            while len(out) < len(payload):
                try:
                    line = worker.readline(self.limit_s)
                except WorkerDied:  # e.g. out of memory: this item is an error
                    out.append(Grade(None, "error"))
                    worker.kill()
                    worker = None
                    break
                if line is None:
                    out.append(TIMEOUT)
                    with self._lock:
                        self.timeouts += 1
                    worker.kill()  # the stuck item dies with it; a fresh worker goes on
                    worker = None
                    break
                correct, status, canonical = json.loads(line)
                out.append(Grade(correct, status, canonical))
        if worker is not None:
            self._put(worker)
        return out

    def _chunks(self, jobs: Sequence[Job]) -> list[Sequence[Job]]:
        """At most `chunk` jobs and about CHUNK_CHARS characters of text per chunk (a chunk
        travels as one JSON line; a few multi-megabyte outputs must not make it huge)."""
        chunks, start, size = [], 0, 0
        for i, job in enumerate(jobs):
            size += len(job.answer or "")
            if i + 1 - start >= self.chunk or size >= CHUNK_CHARS or i + 1 == len(jobs):
                chunks.append(jobs[start : i + 1])
                start, size = i + 1, 0
        return chunks

    def extract_many(self, jobs: Sequence[ExtractJob]) -> list[tuple[str | None, str]]:
        """(answer, status) per job: extraction under the same limit as grading; status is
        ok | missing | too-long | error | timeout, and nothing raises."""
        # An extraction has no target: that slot carries the answer format to the worker.
        grades = self.grade_many([Job(EXTRACT + j.extractor, j.text,
                                      j.answer_format.to_json() if j.answer_format else "",
                                      j.example) for j in jobs])
        return [(g.canonical if g.status == "ok" else None, g.status) for g in grades]

    def grade_many(self, jobs: Sequence[Job]) -> list[Grade]:
        chunks = self._chunks(jobs)
        if not chunks:
            return []
        ex = ThreadPoolExecutor(max_workers=min(self.size, len(chunks)))
        try:
            results = list(ex.map(self._run_chunk, chunks))
        except BaseException:  # Ctrl-C (KeyboardInterrupt) in the waiting thread
            self._stop_all()
            raise
        finally:
            ex.shutdown(wait=True, cancel_futures=True)
        return [g for part in results for g in part]

    def grade(self, grader: str, answer: str | None, target: str, example: Example) -> Grade:
        return self.grade_many([Job(grader, answer, target, example)])[0]

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            w.stop()

    def __enter__(self) -> GraderPool:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
