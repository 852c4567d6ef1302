"""``winset report``: a self-contained HTML report of a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from winset.cli.common import (
    RemoveOption,
    ScenarioArgument,
    SeedOption,
    SetOption,
    StoreOption,
    err_console,
    handles_input_errors,
    open_store,
    say,
)

__all__ = ["report"]


@handles_input_errors
def report(
    scenario: ScenarioArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Models to include (default: all).")
    ] = None,
    seed: SeedOption = None,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", help="Interactive Plotly pictures (still works offline)."),
    ] = False,
    set_: SetOption = None,
    remove: RemoveOption = None,
    store: StoreOption = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not use the run store.")] = False,
) -> None:
    """Write a self-contained HTML report (works offline)."""
    from winset import study as services
    from winset.files import write_atomic
    from winset.report.html import build_report
    from winset.scenario.levers import Levers, parse_set
    from winset.seeds import check_seed, fresh_seed

    levers = Levers(values=tuple(parse_set(s) for s in set_ or ()), remove=tuple(remove or ()))
    the_study = services.Study(scenario, levers=levers)
    the_study.prepared()
    if seed is None:
        seed = fresh_seed()
        say(f"seed {seed} (drawn; repeat this report with --seed {seed})")
    check_seed(seed)
    if interactive:
        from winset.report.interactive import require_plotly

        require_plotly()
    run_store = open_store(store, no_store)
    if err_console.is_terminal:
        from rich.progress import Progress

        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("report", total=None)

            def step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            data = services.report_data(
                the_study, model or None, seed=seed, store=run_store, progress=step
            )
            bar.update(task, description="writing")
            html = build_report(data, interactive=interactive)
    else:
        data = services.report_data(the_study, model or None, seed=seed, store=run_store)
        html = build_report(data, interactive=interactive)
    write_atomic(output, html)
    typer.echo(f"wrote {output}")
