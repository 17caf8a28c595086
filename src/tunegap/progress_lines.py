"""Progress that reaches a log: plain lines when stderr is not a terminal.

A bar redrawn in place is invisible in a file (a 44-minute run into a log showed nothing), so
off a terminal `PlainProgress` stands in for rich's Progress (same add_task/advance): one line
when a task starts, one every `every_s` seconds from a heartbeat thread (even while one long
generation holds everything up), and one when it ends. `stage()` frames the stages after
generation (grading, the report) with a start and an end line, and the same heartbeat between.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from rich.console import Console

EVERY_S = 10.0  # a log gets a line at least this often while work runs


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclass
class _Task:
    description: str
    total: int | None
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        if self.total:
            share = f"{self.done}/{self.total} ({100 * self.done / self.total:.0f} %)"
        else:
            return f"{self.description.strip()}: running, {_clock(elapsed)} elapsed"
        return f"{self.description.strip()}: {share}, {_clock(elapsed)} elapsed"


class PlainProgress:
    """rich.progress.Progress's add_task/advance, written as plain lines (for logs)."""

    def __init__(self, console: Console, every_s: float = EVERY_S) -> None:
        self.console = console
        self.every_s = every_s
        self._tasks: dict[int, _Task] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _print(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)
        file = self.console.file
        if hasattr(file, "flush"):
            file.flush()

    def _beat(self) -> None:
        while not self._stop.wait(self.every_s):
            with self._lock:
                lines = [t.line() for t in self._tasks.values()
                         if t.total is None or t.done < t.total]
            for text in lines:
                self._print(text)

    def __enter__(self) -> PlainProgress:
        self._thread = threading.Thread(target=self._beat, name="progress-lines", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
        with self._lock:
            unfinished = [t.line() for t in self._tasks.values()
                          if t.total is not None and t.done < t.total]
        for text in unfinished:  # where a failing or interrupted stage stopped
            self._print(f"{text} (stopped)")

    def add_task(self, description: str, total: int | None = None) -> int:
        with self._lock:
            task_id = len(self._tasks)
            self._tasks[task_id] = task = _Task(description, total)
            text = task.line()
        self._print(text)
        return task_id

    def advance(self, task_id: int, advance: int = 1) -> None:
        with self._lock:
            task = self._tasks[task_id]
            task.done += advance
            ended = task.total is not None and task.done >= task.total
            text = task.line() if ended else None
        if text:
            self._print(text)


def progress_display(console: Console, enabled: bool):
    """What generation reports progress through: rich's bar on a terminal, plain lines in a
    log, nothing with --no-progress."""
    if not enabled:
        return nullcontext(None)
    if console.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)
    return PlainProgress(console)


@contextmanager
def stage(console: Console | None, what: str, every_s: float = EVERY_S) -> Iterator[None]:
    """One line when a stage (grading, the report) starts, one every `every_s` seconds while it
    runs, one when it ends; nothing when console is None (--no-progress)."""
    if console is None:
        yield
        return
    lines = PlainProgress(console, every_s)
    with lines:
        task = lines.add_task(what, None)
        yield
        lines._tasks[task].total = 0  # finished: the heartbeat stops naming it
    lines._print(f"{what.strip()}: done in {_clock(time.monotonic() - lines._tasks[task].started)}")
