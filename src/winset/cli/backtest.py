"""``winset backtest``: score the models against recorded outcomes of DEU-format tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from winset.cli.common import (
    JsonOption,
    NoStoreOption,
    OutputOption,
    SeedOption,
    StoreOption,
    check_outputs,
    console,
    handles_input_errors,
    open_store,
    print_json,
    say,
    write_output,
)

__all__ = ["backtest"]


@handles_input_errors
def backtest(
    eval_file: Annotated[Path, typer.Argument(metavar="EVAL.csv", help="DEU-format table.")],
    fit: Annotated[
        Path | None,
        typer.Option("--fit", metavar="TRAIN.csv", help="Fit the fitted models on this table."),
    ] = None,
    cv: Annotated[
        bool, typer.Option("--cv", help="Leave-one-proposal-out cross-validation on EVAL.")
    ] = False,
    resamples: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples of proposals.")
    ] = 2000,
    seed: SeedOption = None,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Registry models to score (default: all)."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML page with plots.")
    ] = None,
    json_out: JsonOption = False,
    output: OutputOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Every model's errors on real decisions, with intervals; the best model."""
    from winset import study as services
    from winset.backtest.evaluate import BacktestSettings
    from winset.cli.render import render

    check_outputs(output, report)
    settings = BacktestSettings(
        cv=cv, resamples=resamples, seed=seed, models=tuple(model or ())
    ).checked(fit is not None)
    if seed is None:
        say(f"seed {settings.seed} (drawn; repeat with --seed {settings.seed})")
    done = services.backtest(eval_file, fit, settings, store=open_store(store, no_store))
    if report is not None:
        from winset.files import write_atomic
        from winset.report.backtest import backtest_html

        write_atomic(report, backtest_html(done.result))
    write_output(output, done.result)
    if json_out:
        print_json(done.result.to_dict())
        return
    render(console, done.result, cached=done.cached)
    if report is not None:
        console.print(f"wrote {report}")
