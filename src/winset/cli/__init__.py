"""The ``winset`` command: a thin layer over the services (:mod:`winset.study`).

One module per command, each registered here explicitly. Every command accepts the same inputs
a notebook would pass to the services, prints a rich table for people or JSON for machines, and
turns bad input into one line per problem on stderr with exit status 2.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer 0.20 and later carry their own copy of click
    from typer._click import exceptions as clicks
except ImportError:  # pragma: no cover - older typer, with click itself
    from click import exceptions as clicks  # type: ignore[no-redef]

from winset._version import __version__
from winset.cli.backtest import backtest
from winset.cli.convert import convert, template
from winset.cli.report import report
from winset.cli.run import run
from winset.cli.scenarios import models, scenarios, validate
from winset.cli.sensitivity import sensitivity
from winset.cli.store import runs, show, store_app
from winset.cli.twolevel import twolevel

__all__ = ["app", "main"]


class _OneLineErrors(TyperGroup):
    """The command group, with usage errors in one line.

    An unknown option or a value of the wrong type is one line on stderr and exit status 2,
    not a framed help screen.
    """

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
        standalone_mode: bool = True, **extra: Any,
    ) -> Any:  # fmt: skip
        try:
            code = super().main(
                args=args, prog_name=prog_name, complete_var=complete_var,
                standalone_mode=False, **extra,
            )  # fmt: skip
        except clicks.NoArgsIsHelpError:
            code = 0  # the help has been printed
        except clicks.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "winset"
            message = " ".join(exc.format_message().split())
            typer.echo(f"{where}: {message} (see {where} --help)", err=True)
            code = 2
        except typer.Abort:
            typer.echo("interrupted; nothing was written", err=True)
            code = 130
        except clicks.ClickException as exc:
            typer.echo(f"winset: {' '.join(exc.format_message().split())}", err=True)
            code = exc.exit_code
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    name="winset",
    help="Analyse multi-party negotiations: bargaining models, ratification, backtests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"winset {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """winset: stakeholder bargaining models and two-level ratification."""


for command in (run, validate, scenarios, models, runs, show, report, sensitivity, twolevel):
    app.command()(command)
app.command()(backtest)
app.command()(__import__("winset.cli.serve", fromlist=["serve"]).serve)
app.command()(convert)
app.command()(template)
app.add_typer(store_app)


def main() -> None:
    """Console entry point."""
    app()
