"""``winset backtest``: score the models against recorded outcomes of DEU-format tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from winset.cli import JsonOption, SeedOption, console, handles_input_errors, print_json
from winset.errors import InputError, Problem

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``backtest`` command to ``app``."""

    @app.command()
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
        report: Annotated[
            Path | None, typer.Option("--report", help="Write an HTML page with plots.")
        ] = None,
        json_out: JsonOption = False,
    ) -> None:
        """Every model's errors on real decisions, with intervals; the best model."""
        from winset.backtest.deu import read_deu
        from winset.backtest.evaluate import backtest as run_backtest

        if fit is not None and cv:
            raise InputError(Problem("", "--cv", "use --fit TRAIN.csv or --cv, not both"))
        if resamples < 1:
            raise InputError(Problem("", "--bootstrap", f"{resamples} must be at least 1"))
        data = read_deu(eval_file)
        train = read_deu(fit) if fit is not None else None
        result = run_backtest(data, train, cv=cv, resamples=resamples, seed=seed or 0)
        if report is not None:
            from winset.backtest.report import backtest_html

            text = backtest_html(result)
            tmp = report.with_name(report.name + ".part")
            try:
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(report)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise InputError(Problem(str(report), "", f"cannot be written ({exc})")) from None
        if json_out:
            print_json(result.to_dict())
            return
        table = Table(
            title=f"{eval_file.name}: {result.n_issues} issues, {result.n_proposals} proposals "
            f"(95% intervals: {resamples:,} resamples of proposals)"
        )
        for col in ("model", "MAE", "RMSE", "MdAE", "scored"):
            table.add_column(col)
        for name in sorted(result.models, key=lambda k: (result.models[k].mae, k)):
            m = result.models[name]
            style = "bold" if name == result.best else None
            table.add_row(
                name,
                f"{m.mae:.2f} [{m.ci['mae'][0]:.1f}, {m.ci['mae'][1]:.1f}]",
                f"{m.rmse:.2f} [{m.ci['rmse'][0]:.1f}, {m.ci['rmse'][1]:.1f}]",
                f"{m.mdae:.2f} [{m.ci['mdae'][0]:.1f}, {m.ci['mdae'][1]:.1f}]",
                m.how,
                style=style,
            )
        console.print(table)
        console.print(
            f"best: [bold]{result.best}[/bold]; best linear combination of every fixed forecast, "
            f"fitted in sample on these outcomes: MAE {result.bound:.2f}"
        )
        for note in result.notes:
            console.print(note, style="dim")
        if result.skipped:
            console.print(
                f"skipped {len(result.skipped)} issue(s) without a recorded outcome: "
                + ", ".join(result.skipped),
                style="dim",
            )
        if report is not None:
            console.print(f"wrote {report}")
