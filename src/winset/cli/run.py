"""``winset run``: one model's forecast, its draws, and what-ifs beside the baseline."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from winset.cli.common import (
    ChunkOption,
    DistributionOption,
    IssueOption,
    JsonOption,
    ModelOption,
    NoStoreOption,
    OutputOption,
    ParamOption,
    RemoveOption,
    RoundsOption,
    ScaleOption,
    ScenarioArgument,
    SchedulerOption,
    SeedOption,
    SetOption,
    SheetOption,
    StoreOption,
    UnitOption,
    VariantOption,
    WorkersOption,
    check_draw_options,
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

__all__ = ["run"]


@handles_input_errors
def run(
    scenario: ScenarioArgument,
    model: ModelOption = "compromise",
    variant: VariantOption = None,
    rounds: RoundsOption = None,
    param: ParamOption = None,
    seed: SeedOption = None,
    draws: Annotated[
        int | None,
        typer.Option("--draws", help="Monte Carlo: draws of every input that has a range."),
    ] = None,
    distribution: DistributionOption = "uniform",
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    chunk_size: ChunkOption = None,
    set_: SetOption = None,
    remove: RemoveOption = None,
    json_out: JsonOption = False,
    output: OutputOption = None,
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Forecast the outcome of a scenario with one model (with --draws: its distribution)."""
    from winset import study as services
    from winset.cli.render import render
    from winset.draws import DrawSettings
    from winset.scenario.levers import Levers, parse_set

    check_draw_options(
        draws,
        distribution=(distribution, "uniform"),
        workers=(workers, 1),
        scheduler=(scheduler, None),
        chunk_size=(chunk_size, None),
    )
    check_outputs(output)
    levers = Levers(values=tuple(parse_set(s) for s in set_ or ()), remove=tuple(remove or ()))
    the_study = services.Study(
        read_input(scenario, sheet, scale, unit, issue),
        model,
        variant=variant,
        params=parse_params(param),
        rounds=rounds,
        levers=levers,
    )
    prepared = the_study.prepared()  # every check before the store is opened
    run_store = open_store(store, no_store)
    if draws is not None:
        settings = DrawSettings(
            draws,
            seed=seed,
            distribution=distribution,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
        ).checked()
        if seed is None:
            say(f"seed {settings.seed} (drawn; repeat this run with --seed {settings.seed})")

        def compute(s: services.Study) -> services.Done[Any]:
            with progress_bar() as update:
                return services.draws(s, settings, store=run_store, progress=update, notice=say)

    else:
        if prepared.random and seed is None:  # one seed for the baseline and the what-if
            from winset.seeds import fresh_seed

            seed = fresh_seed()

        def compute(s: services.Study) -> services.Done[Any]:
            return services.forecast(s, seed=seed, store=run_store)

    done = services.whatif(the_study, compute, store=run_store) if levers else compute(the_study)
    write_output(output, done.result)
    if json_out:
        print_json(done.result.to_dict())
        return
    render(console, done.result, cached=done.cached)
