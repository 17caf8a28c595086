"""What every command prints through: the one console rule, the results summary, and the one
way a failure reaches the terminal (a single line on stderr and an exit code)."""

from __future__ import annotations

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


def print_results(results) -> None:
    """The paired summary every command that (re)builds a report ends with."""
    print_summary(results.summary(), results.run_dir)


def summary_tables(summary: dict) -> list:
    """A Results.summary() as tables of the one table model (report/table.py), one per pair
    and benchmark: each row readable in an 80-column terminal."""
    from tunegap.report.table import CI, Num, Table

    out = []
    for group in summary["tables"]:
        t = Table(slug="summary", title=f"{group['pair']} · {group['benchmark']} · grader "
                                        f"{group['grader']}",
                  columns=["setting", "decoding", "metric", "inst", "base", "Δ", "95% CI", "n"])
        for c in group["rows"]:
            mark = "*" if c["significant"] else ("?" if c["unresolved"] else "")
            t.rows.append([c["setting"], c["decoding"], c["metric"], Num(c["instruct"]),
                           Num(c["base"]), Num(c["delta"], mark), CI(c["ci_low"], c["ci_high"]),
                           c["n"]])
        out.append(t)
    return out


def print_summary(summary: dict, run_dir) -> None:
    """A Results.summary() (fresh, or as stored with a report that was kept) on stdout."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table as RichTable

    from tunegap.report.table import CI, LEGEND, Num, text

    out = stdout()
    if summary["caveat"]:
        out.print(f"[yellow]Caveat:[/yellow] {escape(summary['caveat'])}")
    if not summary["complete"]:
        out.print("[yellow]Incomplete:[/yellow] some cells have fewer scored items than planned; "
                  "Δ is over the items both sides have (see tables.md).", soft_wrap=True)
    out.print(escape(f"Extractor {summary['primary_extractor']}. {LEGEND} Every extractor × "
                     "grader is in tables.md."), soft_wrap=True)
    for t in summary_tables(summary):
        table = RichTable(title=escape(t.title), box=box.SIMPLE_HEAD, show_edge=False,
                          pad_edge=False)
        numeric = [any(isinstance(r[j], (Num, CI, int)) for r in t.rows)
                   for j in range(len(t.columns))]
        for col, num in zip(t.columns, numeric):
            table.add_column(col, justify="right" if num else "left")
        # A column with marks pads the unmarked numbers, so that the digits line up.
        marked = [any(isinstance(r[j], Num) and r[j].mark for r in t.rows)
                  for j in range(len(t.columns))]
        for r in t.rows:
            table.add_row(*(escape(text(c) + (" " if pad and isinstance(c, Num) and
                                              text(c) == text(Num(c.value)) else ""))
                            for c, pad in zip(r, marked)))
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
