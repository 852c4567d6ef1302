"""The ``winset`` command: a thin layer over the services (:mod:`winset.study`).

One module per command, each registered here explicitly. Every command accepts the same inputs
a notebook would pass to the services, prints a rich table for people or JSON for machines, and
turns bad input into one line per problem on stderr with exit status 2.
"""

from __future__ import annotations

from typing import Annotated

import typer

from winset._version import __version__
from winset.cli.backtest import backtest
from winset.cli.convert import convert, template
from winset.cli.report import report
from winset.cli.run import run
from winset.cli.scenarios import models, scenarios, validate
from winset.cli.sensitivity import sensitivity
from winset.cli.store import runs, show
from winset.cli.twolevel import twolevel

__all__ = ["app", "main"]

app = typer.Typer(
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


def main() -> None:
    """Console entry point."""
    app()
