"""What every command prints through: the one console rule, the results summary, and the one
way a failure reaches the terminal (a single line on stderr and an exit code)."""

from __future__ import annotations

import math
import os
import sys

import typer
from rich.console import Console

from tunegap.errors import BackendError, UserError, printable, redact

# Piped or redirected output has no terminal width to fit: give wide tables room instead of
# rich's default of 80 columns, which truncates them. COLUMNS still wins when set.
PIPED_WIDTH = 160


def _console(stderr: bool) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty() or "COLUMNS" in os.environ:
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPED_WIDTH)


def stdout() -> Console:
    """The console for a command's output, built when the command runs (so the rule sees the
    stream and environment of this invocation, not of the import)."""
    return _console(stderr=False)


def stderr() -> Console:
    """The console for progress, warnings and errors."""
    return _console(stderr=True)


def fmt(x: float | None, sign: bool = False) -> str:
    """report.markdown.fmt's format, here so that printing a stored summary does not load the
    report package (and with it the analysis and scipy)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.2f}" if sign else f"{x:.2f}"


def print_results(results) -> None:
    """The paired summary every command that (re)builds a report ends with."""
    print_summary(results.summary(), results.run_dir)


def print_summary(summary: dict, run_dir) -> None:
    """A Results.summary() (fresh, or as stored with a report that was kept) on stdout."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    out = stdout()
    if summary["caveat"]:
        out.print(f"[yellow]Caveat:[/yellow] {escape(summary['caveat'])}")
    if not summary["complete"]:
        out.print("[yellow]Incomplete:[/yellow] some cells have fewer scored items than planned; "
                  "Δ is over the items both sides have (see tables.md).", soft_wrap=True)
    out.print(f"instruct − base, % (extractor {escape(summary['primary_extractor'])}); Δ with "
              "its paired 95 % CI; * significant (Holm), ? unresolved (|Δ| < minimum detectable "
              "effect); every extractor × grader is in tables.md", soft_wrap=True)
    # One table per pair and benchmark keeps each row readable in an 80-column terminal.
    for group in summary["tables"]:
        table = Table(title=f"{escape(group['pair'])} · {escape(group['benchmark'])} · grader "
                            f"{escape(group['grader'])}",
                      box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for col in ("setting", "decoding", "metric", "inst", "base", "Δ", "95% CI", "n"):
            table.add_column(col, justify="left" if col in ("setting", "decoding", "metric")
                             else "right")
        for c in group["rows"]:
            flag = "*" if c["significant"] else ("?" if c["unresolved"] else " ")
            table.add_row(*(escape(c[x]) for x in ("setting", "decoding", "metric")),
                          f"{c['instruct']:.1f}", f"{c['base']:.1f}",
                          f"{fmt(c['delta'], True)}{flag}",
                          f"[{fmt(c['ci_low'])}, {fmt(c['ci_high'])}]", str(c["n"]))
        out.print(table)
    out.print(f"Report: {run_dir / 'report.html'} · {run_dir / 'tables.md'} · "
              f"{run_dir / 'results.json'} · {run_dir / 'tables'}/ · {run_dir / 'plots'}/ · "
              f"{run_dir / 'samples.jsonl'}", soft_wrap=True)


def _click_message(exc: BaseException) -> str | None:
    """The message of a command-line usage error, from click or the click typer bundles
    (`typer._click`): matched by class name, since the two are different classes."""
    names = {c.__name__ for c in type(exc).__mro__}
    if "ClickException" in names:
        return exc.format_message()  # type: ignore[attr-defined]
    return None


def one_line(text: str) -> str:
    """One printable line: no escape sequences or credentials from a server reach the terminal."""
    return " ".join(redact(printable(text)).split())


def _fail(message: str, code: int) -> None:
    stderr().print(f"error: {one_line(message)}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


def run_app(app: typer.Typer) -> None:
    """Run the app; a known failure becomes one line on stderr and its exit code (UserError 2,
    BackendError its own, Ctrl-C 130, a usage error 2), anything else a traceback."""
    try:
        # Outside standalone mode typer does not raise an exit code, it returns it: Ctrl-C
        # inside a command comes back as 130 (typer turns KeyboardInterrupt into Exit(130)).
        code = app(standalone_mode=False)
    except UserError as exc:
        _fail(exc.one_line(), exc.exit_code)
    except BackendError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _interrupted()
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code)
    except Exception as exc:
        message = _click_message(exc)
        if message is None:
            if type(exc).__name__ == "Abort":  # click's Ctrl-C (or end of input) at a prompt
                _interrupted()
            raise
        _fail(f"{message} (see: tunegap --help)", 2)
    if code == INTERRUPTED:
        _interrupted()
    if isinstance(code, int) and code:
        sys.exit(code)


INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a Ctrl-C


def _interrupted() -> None:
    """One line and 130: a script or scheduler must not take an interrupted run for a finished
    one. What was stored before the interrupt stays; the same command resumes."""
    stderr().print("interrupted; re-run the same command to resume", markup=False,
                   highlight=False, soft_wrap=True)
    sys.exit(INTERRUPTED)
