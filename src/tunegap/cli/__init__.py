"""The `tunegap` command line: builds the app and registers one module per command
(cli/<command>.py); every command prints through cli/output.py. Every command has a Python
twin in tunegap/__init__.py or in its own module (grade.regrade, perturb.write_variants)."""

from __future__ import annotations

import typer

from tunegap.cli import backends, data, grade, import_, output, perturb, plan, report, run

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Does instruction tuning make a model reason better, or only answer "
                       "better in its tuned format? Base vs instruct, same benchmarks, same budget.")

# Registration order is the order `tunegap --help` lists them in.
app.command(name="run")(run.run)
app.command(name="report")(report.report)
app.command(name="plan")(plan.plan)
app.command(name="grade")(grade.grade)
app.add_typer(data.data_app, name="data")
app.command(name="backends")(backends.backends)
app.command(name="perturb")(perturb.perturb)
app.add_typer(import_.import_app, name="import")


def main() -> None:
    """The console script: run the app with the shared one-line error handling."""
    output.run_app(app)
