"""``winset twolevel``: ratification paths, the agreement each can carry, and the outcome."""

from __future__ import annotations

from typing import Annotated

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
from winset.errors import InputError, Problem

__all__ = ["twolevel"]


@handles_input_errors
def twolevel(
    scenario: ScenarioArgument,
    path: Annotated[
        list[str] | None,
        typer.Option(
            "--path", help="Force a ratification path (open it, close its side's others)."
        ),
    ] = None,
    model: ModelOption = "compromise",
    variant: VariantOption = None,
    param: ParamOption = None,
    solution: Annotated[
        str, typer.Option("--solution", help="nearest (to the Level-I forecast) or nash.")
    ] = "nearest",
    noise: Annotated[
        float, typer.Option("--noise", help="Random-utility noise of the votes.")
    ] = 0.05,
    set_: SetOption = None,
    remove: RemoveOption = None,
    drop_red_line: Annotated[
        list[str] | None, typer.Option("--drop-red-line", help="Lever: drop a red line by name.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", help="What would it have taken for this path to ratify a deal?"),
    ] = None,
    search_by: Annotated[
        str, typer.Option("--search-by", help="What the search may change: position or salience.")
    ] = "position",
    draws: Annotated[
        int | None, typer.Option("--draws", help="Monte Carlo draws of the values with ranges.")
    ] = None,
    seed: SeedOption = None,
    distribution: DistributionOption = "uniform",
    workers: WorkersOption = 1,
    scheduler: SchedulerOption = None,
    chunk_size: ChunkOption = None,
    json_out: JsonOption = False,
    output: OutputOption = None,
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
    store: StoreOption = None,
    no_store: NoStoreOption = False,
) -> None:
    """Per ratification path: can a deal be ratified, which, how likely; and the outcome."""
    from winset import study as services
    from winset.cli import render as view
    from winset.draws import DrawSettings
    from winset.scenario.levers import Levers, parse_set
    from winset.seeds import resolve_seed
    from winset.twolevel.analyse import TwoLevelSettings
    from winset.twolevel.draws import MAX_TWOLEVEL_DRAWS
    from winset.twolevel.problem import build

    check_outputs(output)
    if search is None and search_by != "position":
        raise InputError(Problem("", "--search-by", "only applies with --search PATH"))
    check_draw_options(
        draws,
        distribution=(distribution, "uniform"),
        workers=(workers, 1),
        scheduler=(scheduler, None),
        chunk_size=(chunk_size, None),
    )
    levers = Levers(
        force_paths=tuple(path or ()),
        values=tuple(parse_set(s) for s in set_ or ()),
        remove=tuple(remove or ()),
        drop_red_lines=tuple(drop_red_line or ()),
    )
    the_study = services.Study(
        read_input(scenario, sheet, scale, unit, issue),
        model,
        variant=variant,
        params=parse_params(param),
        levers=levers,
    )
    prepared = the_study.prepared()
    problem = build(prepared.scenario)  # every check before any work
    if draws is None and seed is not None and not prepared.random:
        # the analysis draws nothing unless its Level-I model is stochastic
        raise InputError(Problem("", "--seed", "only applies with --draws N"))
    if search is not None:
        from winset.twolevel.search import LEVERS, pair_for

        pair_for(problem, search)
        if search_by.strip().lower() not in LEVERS:
            raise InputError(
                Problem("", "--search-by", f"{search_by!r} is not one of position, salience")
            )
    settings = TwoLevelSettings(solution, noise).checked()
    draw_settings = None
    if draws is not None:
        draw_settings = DrawSettings(
            draws,
            seed=seed,
            distribution=distribution,
            workers=workers,
            scheduler=scheduler,
            chunk_size=chunk_size,
        ).checked(max_draws=MAX_TWOLEVEL_DRAWS)
    run_store = open_store(store, no_store)
    # a stochastic Level-I model: one seed for the baseline, the what-if and the draws
    point_seed = None
    if prepared.random:
        point_seed = draw_settings.seed if draw_settings is not None else resolve_seed(seed)
    if levers:
        done = services.whatif(
            the_study,
            lambda s: services.twolevel(s, settings, seed=point_seed, store=run_store),
            store=run_store,
        )
    else:
        done = services.twolevel(  # type: ignore[assignment]
            the_study, settings, seed=point_seed, store=run_store
        )
    strategy = (
        services.search(the_study, search, search_by, store=run_store).result if search else None
    )
    drawn = None
    if draw_settings is not None:
        if seed is None:
            say(f"seed {draw_settings.seed} (drawn; repeat with --seed {draw_settings.seed})")
        with progress_bar() as update:
            drawn = services.twolevel_draws(
                the_study, settings, draw_settings, store=run_store, progress=update, notice=say
            ).result
    write_output(output, done.result)
    if json_out:
        out = done.result.to_dict()
        if strategy is not None:
            out["search"] = strategy.to_dict()
        if drawn is not None:
            out["draws"] = drawn.to_dict()
        print_json(out)
        return
    view.render(console, done.result, cached=done.cached)
    if strategy is not None:
        console.print()
        view.render_search(console, strategy)
    if drawn is not None:
        console.print()
        view.render_twolevel_draws(console, drawn)
