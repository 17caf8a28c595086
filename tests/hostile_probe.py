"""Running the CLI as a hostile user would: in a subprocess with a memory cap and a time cap,
optionally interrupted like a Ctrl-C (SIGINT to the whole process group, as a terminal sends
it), and snapshots of a run directory to compare before and after."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import REPO

MEMORY_CAP = 4 << 30
TIME_CAP_S = 60.0


@dataclass(frozen=True)
class Probe:
    rc: int
    stdout: str
    stderr: str
    seconds: float

    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _limits(memory: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        # A shell's background job ignores SIGINT, and an ignored signal stays ignored across
        # exec: give the child the default, so Python turns SIGINT into KeyboardInterrupt.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    return apply


def start(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
          memory: int = MEMORY_CAP) -> subprocess.Popen:
    """`tunegap ARGS` started in its own process group (so a signal reaches its workers too).
    $TUNEGAP_PROBE_SRC names another source tree to probe (e.g. the code before a fix)."""
    src = os.environ.get("TUNEGAP_PROBE_SRC", str(REPO / "src"))
    full_env = {**os.environ, "PYTHONPATH": src + os.pathsep + str(REPO),
                "COLUMNS": "200", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "tunegap.cli", *args], cwd=cwd or REPO,
                            env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_limits(memory), start_new_session=True)


def finish(proc: subprocess.Popen, started: float, timeout: float = TIME_CAP_S) -> Probe:
    """Wait for `proc` (killing its group past `timeout`: then rc is -9)."""
    try:
        out, err = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    return Probe(proc.returncode, out, err, time.monotonic() - started)


def run_cli(args: list[str], *, timeout: float = TIME_CAP_S, **kw) -> Probe:
    """Run `tunegap ARGS` to its end under the memory and time caps."""
    started = time.monotonic()
    return finish(start(args, **kw), started, timeout)


def interrupt_when(args: list[str], ready: Callable[[], bool], *, timeout: float = TIME_CAP_S,
                   **kw) -> Probe:
    """Start `tunegap ARGS`, send SIGINT to its process group once `ready()` holds (polled),
    and wait for it to end."""
    started = time.monotonic()
    proc = start(args, **kw)
    while not ready() and proc.poll() is None and time.monotonic() - started < timeout:
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    return finish(proc, started, timeout)


def snapshot(run_dir: Path) -> dict[str, str]:
    """sha256 of every file under `run_dir` (SQLite's -wal/-shm side files left out: they are
    the database's, and change with a checkpoint)."""
    out = {}
    for p in sorted(Path(run_dir).rglob("*")):
        if p.is_file() and not p.name.endswith(("-wal", "-shm")):
            out[str(p.relative_to(run_dir))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
