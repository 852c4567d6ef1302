"""``winset sensitivity``: which inputs move the forecast most."""

from __future__ import annotations

from typing import Annotated

import typer

from winset.cli.common import (
    IssueOption,
    JsonOption,
    ModelOption,
    NoStoreOption,
    OutputOption,
    ParamOption,
    RoundsOption,
    ScaleOption,
    ScenarioArgument,
    SchedulerOption,
    SeedOption,
    SheetOption,
    StoreOption,
    UnitOption,
    VariantOption,
    WorkersOption,
    check_outputs,
    console,
    handles_input_errors,
    open_store,
    parse_params,
    print_json,
    progress_bar,
    read_input,
    say,
    write_output,
)
from winset.errors import InputError, Problem

__all__ = ["sensitivity"]


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
    no_sobol: Annotated[bool, typer.Option("--no-sobol", help="Skip the Sobol indices.")] = False,
    top: Annotated[int, typer.Option("--top", help="Drivers to show per issue.")] = 10,
    seed: SeedOption = None,
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    json_out: JsonOption = False,
    output: OutputOption = None,
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Which inputs move the forecast most: one-at-a-time swings, Sobol indices."""
    from winset import study as services
    from winset.analysis.sensitivity import SensitivitySettings
    from winset.cli.render import render

    check_outputs(output)
    if not 1 <= top <= 10_000:
        raise InputError(Problem("", "--top", f"must be between 1 and 10,000, not {top}"))
    the_study = services.Study(
        read_input(scenario, sheet, scale, unit, issue),
        model,
        variant=variant,
        params=parse_params(param),
        rounds=rounds,
    )
    settings = SensitivitySettings(
        samples=samples, sobol=not no_sobol, seed=seed, workers=workers, scheduler=scheduler
    )
    from winset.analysis.sensitivity import sensitivity_provenance

    checked, _ = sensitivity_provenance(the_study.prepared(), settings)
    if seed is None and checked.seed is not None:
        say(f"seed {checked.seed} (drawn; repeat with --seed {checked.seed})")
    run_store = open_store(store, no_store)
    with progress_bar("model runs") as update:
        done = services.sensitivity(
            the_study, checked, store=run_store, progress=update, notice=say
        )
    write_output(output, done.result)
    if json_out:
        print_json(done.result.to_dict())
        return
    render(console, done.result, cached=done.cached, top=top)
