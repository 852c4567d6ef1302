"""``winset sensitivity``: which inputs move the forecast most."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from winset.cli import (
    JsonOption,
    ModelOption,
    ParamOption,
    RoundsOption,
    ScenarioArgument,
    SeedOption,
    VariantOption,
    console,
    handles_input_errors,
    parse_params,
    print_json,
)

__all__ = ["register"]


def _fmt(value: float) -> str:
    return f"{value:,.4g}"


def register(app: typer.Typer) -> None:
    """Add the ``sensitivity`` command to ``app``."""

    @app.command()
    @handles_input_errors
    def sensitivity(
        scenario: ScenarioArgument,
        model: ModelOption = "compromise",
        variant: VariantOption = None,
        rounds: RoundsOption = None,
        param: ParamOption = None,
        samples: Annotated[
            int, typer.Option("--samples", help="Sobol base sample size (a power of two).")
        ] = 512,
        no_sobol: Annotated[
            bool, typer.Option("--no-sobol", help="Skip the Sobol indices.")
        ] = False,
        top: Annotated[int, typer.Option("--top", help="Drivers to show per issue.")] = 10,
        seed: SeedOption = None,
        json_out: JsonOption = False,
    ) -> None:
        """Which inputs move the forecast most: one-at-a-time swings, Sobol indices."""
        from winset.analysis.sensitivity import sensitivity as analyse

        result = analyse(
            scenario,
            model,
            params=parse_params(param),
            variant=variant,
            rounds=rounds,
            seed=seed,
            samples=samples,
            sobol=not no_sobol,
        )
        if json_out:
            print_json(result.to_dict())
            return
        for issue, forecast in result.forecast.items():
            table = Table(
                title=f"{result.scenario}: {result.model}, top drivers of {issue} "
                f"(forecast {_fmt(forecast)})"
            )
            for col in ("actor", "input", "value", "moved to", "forecast", "swing", "elasticity"):
                table.add_column(col, justify="left" if col in ("actor", "input") else "right")
            for d in result.top(issue, top):
                table.add_row(
                    d.actor,
                    d.input,
                    _fmt(d.value),
                    f"{_fmt(d.low)}–{_fmt(d.high)}",
                    f"{_fmt(d.forecast_low)}–{_fmt(d.forecast_high)}",
                    _fmt(d.swing),
                    f"{d.elasticity:.3f}",
                )
            console.print(table)
            indices = [s for s in result.sobol if s.issue == issue][:top]
            if indices:
                st = Table(title=f"Sobol indices for {issue} ({result.sobol_samples} base samples)")
                for col in ("uncertain value", "first order", "total"):
                    st.add_column(col, justify="left" if col == "uncertain value" else "right")
                for s in indices:
                    st.add_row(
                        s.name, f"{s.s1:.3f} ± {s.s1_conf:.3f}", f"{s.st:.3f} ± {s.st_conf:.3f}"
                    )
                console.print(st)
        for note in result.notes:
            console.print(f"[dim]{note}[/dim]")
