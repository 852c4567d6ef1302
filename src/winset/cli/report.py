"""``winset report``: a self-contained HTML (or PDF) report of a scenario, to brief from."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from winset.cli.common import (
    IssueOption,
    NoStoreOption,
    RemoveOption,
    ScaleOption,
    ScenarioArgument,
    SeedOption,
    SetOption,
    SheetOption,
    StoreOption,
    UnitOption,
    err_console,
    handles_input_errors,
    open_store,
    read_input,
    say,
)

__all__ = ["report"]


@handles_input_errors
def report(
    scenario: ScenarioArgument,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="File to write: .html, or .pdf (needs a PDF engine)."),
    ] = Path("report.html"),
    model: Annotated[
        list[str] | None, typer.Option("--model", "-m", help="Models to include (default: all).")
    ] = None,
    seed: SeedOption = None,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", help="Interactive Plotly charts (still works offline)."),
    ] = False,
    sobol: Annotated[
        bool,
        typer.Option("--sobol", help="Also estimate Sobol indices (needs the sensitivity extra)."),
    ] = False,
    all_draws: Annotated[
        bool,
        typer.Option("--all-draws", help="Draw every model, not only the first (slower)."),
    ] = False,
    set_: SetOption = None,
    remove: RemoveOption = None,
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Write a self-contained report to brief from (HTML that works offline, or PDF).

    With --set or --remove, the report shows the what-if beside the baseline.
    """
    from winset import study as services
    from winset.errors import InputError, Problem
    from winset.report.html import build_report
    from winset.scenario.levers import Levers, parse_set
    from winset.seeds import check_seed, fresh_seed

    pdf = output.suffix.lower() == ".pdf"
    if pdf:
        from winset.report.pdf import pdf_engine

        if interactive:
            raise InputError(Problem("", "interactive", "a PDF has no interactive charts"))
        if pdf_engine() is None:  # refuse before any work
            from winset.report.pdf import write_pdf

            write_pdf("", output)
    if sobol:
        import importlib.util

        if importlib.util.find_spec("SALib") is None:
            raise InputError(
                Problem(
                    "", "--sobol", "needs the sensitivity extra: pip install 'winset[sensitivity]'"
                )
            )
    levers = Levers(values=tuple(parse_set(s) for s in set_ or ()), remove=tuple(remove or ()))
    the_study = services.Study(read_input(scenario, sheet, scale, unit, issue), levers=levers)
    from winset.files import check_target

    check_target(output)
    the_study.prepared()
    if seed is None:
        seed = fresh_seed()
        say(f"seed {seed} (drawn; repeat this report with --seed {seed})")
    check_seed(seed)
    if interactive:
        from winset.report.interactive import require_plotly

        require_plotly()
    run_store = open_store(store, no_store)
    start = time.perf_counter()
    if err_console.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err_console, transient=True) as bar:
            task = bar.add_task("report", total=None)

            def step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total + 1)

            data = services.report_data(
                the_study,
                model or None,
                seed=seed,
                store=run_store,
                progress=step,
                sobol=sobol,
                all_draws=all_draws,
            )
            bar.update(task, description="drawing the pictures")
            html = build_report(data, interactive=interactive)
            bar.update(task, description="printing the PDF" if pdf else "writing")
            engine = _write(output, html, pdf)
    else:
        data = services.report_data(
            the_study, model or None, seed=seed, store=run_store, sobol=sobol, all_draws=all_draws
        )
        html = build_report(data, interactive=interactive)
        engine = _write(output, html, pdf)
    if engine:
        say(f"PDF printed by {Path(engine).name}")
    typer.echo(f"wrote {output} ({time.perf_counter() - start:.1f} s)")


def _write(output: Path, html: str, pdf: bool) -> str:
    """Write the report; the PDF engine's name, or "" for HTML."""
    if pdf:
        from winset.report.pdf import write_pdf

        return write_pdf(html, output)
    from winset.files import write_atomic

    write_atomic(output, html)
    return ""
