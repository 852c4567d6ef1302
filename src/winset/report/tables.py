"""Rich tables for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from winset.results import RunResult

__all__ = ["render_result"]


def _fmt(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def render_result(console: Console, result: RunResult, cached: bool = False) -> None:
    """Print a run's forecast (and its rounds, if any) as tables."""
    prov = result.provenance
    title = f"{result.scenario}: {prov.model}"
    if prov.variant != "default":
        title += f" ({prov.variant})"
    table = Table(title=title)
    table.add_column("issue")
    table.add_column("forecast", justify="right")
    table.add_column("unit")
    if result.distribution:
        for col in ("mean", "p10", "p50", "p90"):
            table.add_column(col, justify="right")
    for issue, value in result.forecast.items():
        row = [issue, _fmt(value), result.units.get(issue, "")]
        if result.distribution and issue in result.distribution:
            d = result.distribution[issue]
            row += [_fmt(d.mean), _fmt(d.p10), _fmt(d.p50), _fmt(d.p90)]
        table.add_row(*row)
    console.print(table)
    mc = result.extras.get("montecarlo")
    if mc:
        console.print(
            f"{mc['draws']:,} draws ({mc['distribution']}) of "
            f"{mc['uncertain_values']} uncertain input values"
        )
        if not mc["uncertain_values"]:
            console.print(
                "[yellow]the scenario gives no uncertainty ranges, so every draw is the same; "
                "add `range: \\[low, high]` to the values you are unsure of[/yellow]"
            )
    if result.rounds:
        rt = Table(title="Rounds (median / weighted mean)")
        rt.add_column("round", justify="right")
        for issue in result.issues:
            rt.add_column(f"{issue} median", justify="right")
            rt.add_column(f"{issue} mean", justify="right")
        for r in result.rounds:
            cells = [str(r.round)]
            for issue in result.issues:
                cells += [_fmt(r.issues[issue].median), _fmt(r.issues[issue].mean)]
            rt.add_row(*cells)
        console.print(rt)
    params = ", ".join(f"{k}={v}" for k, v in prov.parameters.items()) or "none"
    origin = "from the run store" if cached else "computed"
    console.print(
        f"[dim]run {result.run_id} ({origin}); parameters: {params}; seed: {prov.seed}; "
        f"input {prov.input_hash[:12]}; winset {prov.package_version}[/dim]"
    )
