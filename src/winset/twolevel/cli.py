"""``winset twolevel``: ratification paths, the agreement each can carry, and the outcome."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from winset.cli import (
    JsonOption,
    ModelOption,
    ParamOption,
    ScenarioArgument,
    SeedOption,
    VariantOption,
    console,
    draws_progress,
    handles_input_errors,
    parse_params,
    print_json,
)

__all__ = ["register"]


def _fmt(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def _point(values: dict[str, float] | None) -> str:
    if values is None:
        return "—"
    return ", ".join(f"{k} {_fmt(v)}" for k, v in values.items())


def _paths_table(title: str, result: Any) -> Table:
    table = Table(title=title)
    for col in ("path", "open", "ratifiable", "agreement", "P(ratify)", "red lines"):
        table.add_column(col)
    for p in result.paths:
        table.add_row(
            p.name,
            "yes" if p.open else "no",
            "yes" if p.ratifiable else "no",
            _point(p.agreement),
            f"{p.p_ratify:.3f}",
            "; ".join(p.red_lines) or "—",
        )
    return table


def _print_result(title: str, result: Any) -> None:
    console.print(_paths_table(title, result))
    if result.agreement:
        console.print(
            f"outcome: agreement through [bold]{result.path}[/bold]: {_point(result.outcome)} "
            f"(P(ratify) {result.p_ratify:.3f})"
        )
        chosen = result.path_result(result.path)
        if chosen.pivotal:
            pivots = ", ".join(f"{p['bloc']} ({p['swing']:.2f})" for p in chosen.pivotal[:5])
            console.print(f"pivotal (swing in P(ratify)): {pivots}")
    else:
        console.print(
            f"outcome: [bold]no agreement[/bold]; the reversion point holds: "
            f"{_point(result.outcome)}"
        )
    console.print(
        f"Level I ({result.settings['level1']['model']}): {_point(result.level1)}", style="dim"
    )


def _differences(base: Any, other: Any) -> dict[str, Any]:
    return {
        "agreement": [base.agreement, other.agreement],
        "path": [base.path, other.path],
        "outcome": {k: other.outcome[k] - base.outcome[k] for k in base.outcome},
        "p_ratify": other.p_ratify - base.p_ratify,
    }


def register(app: typer.Typer) -> None:
    """Add the ``twolevel`` command to ``app``."""

    @app.command()
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
        set_: Annotated[
            list[str] | None,
            typer.Option(
                "--set",
                help="Lever NAME.position.ISSUE=V, NAME.salience.ISSUE=V, NAME.capability=V.",
            ),
        ] = None,
        remove: Annotated[
            list[str] | None,
            typer.Option("--remove", help="Lever: remove an actor (and its influence)."),
        ] = None,
        drop_red_line: Annotated[
            list[str] | None,
            typer.Option("--drop-red-line", help="Lever: drop a red line by name."),
        ] = None,
        search: Annotated[
            str | None,
            typer.Option(
                "--search", help="What would it have taken for this path to ratify a deal?"
            ),
        ] = None,
        search_by: Annotated[
            str,
            typer.Option("--search-by", help="What the search may change: position or salience."),
        ] = "position",
        draws: Annotated[
            int | None,
            typer.Option("--draws", help="Monte Carlo draws of the values with ranges."),
        ] = None,
        seed: SeedOption = None,
        distribution: Annotated[
            str, typer.Option("--distribution", help="uniform, triangular or normal.")
        ] = "uniform",
        json_out: JsonOption = False,
    ) -> None:
        """Per ratification path: can a deal be ratified, which, how likely; and the outcome."""
        from winset.scenario.load import load_scenario
        from winset.twolevel.analyse import analyse
        from winset.twolevel.levers import Levers, apply_levers, parse_set
        from winset.twolevel.search import search as find

        base_scenario = load_scenario(scenario)
        levers = Levers(
            force_paths=tuple(path or ()),
            values=tuple(parse_set(s) for s in set_ or ()),
            remove=tuple(remove or ()),
            drop_red_lines=tuple(drop_red_line or ()),
        )
        changed = apply_levers(base_scenario, levers)
        settings = dict(params=parse_params(param), variant=variant, solution=solution, noise=noise)
        result = analyse(changed, model, **settings)  # type: ignore[arg-type]
        baseline = analyse(base_scenario, model, **settings) if levers else None  # type: ignore[arg-type]
        strategy = find(changed, search, lever=search_by) if search else None
        drawn = None
        if draws is not None:
            from winset.twolevel.montecarlo import twolevel_draws

            with draws_progress() as update:
                drawn = twolevel_draws(
                    changed, model, draws=draws, seed=0 if seed is None else seed,
                    distribution=distribution, progress=update, **settings,  # type: ignore[arg-type]
                )  # fmt: skip
        if json_out:
            out = result.to_dict()
            out["provenance"]["levers"] = levers.describe()
            if baseline is not None:
                out["baseline"] = baseline.to_dict()
                out["differences"] = _differences(baseline, result)
            if strategy is not None:
                out["search"] = strategy.to_dict()
            if drawn is not None:
                out["draws"] = drawn.to_dict()
            print_json(out)
            return
        if baseline is not None:
            _print_result(f"{base_scenario.name}: baseline", baseline)
            console.print()
            described = "; ".join(f"{k} {', '.join(v)}" for k, v in levers.describe().items() if v)
            _print_result(f"{base_scenario.name}: with {described}", result)
            diff = _differences(baseline, result)
            console.print(
                "difference: "
                + ", ".join(f"{k} {v:+,.4g}" for k, v in diff["outcome"].items())
                + f"; P(ratify) {diff['p_ratify']:+.3f}"
            )
        else:
            _print_result(base_scenario.name, result)
        if strategy is not None:
            console.print()
            _print_strategy(strategy)
        if drawn is not None:
            console.print()
            _print_draws(drawn)


def _print_draws(drawn: Any) -> None:
    table = Table(
        title=f"{drawn.draws:,} draws ({drawn.distribution}, seed {drawn.seed}): "
        f"P(agreement) {drawn.p_agreement:.3f}"
    )
    for col in ("path", "P(ratifiable)", "P(the deal goes through it)"):
        table.add_column(col)
    for name, p in drawn.p_ratifiable.items():
        table.add_row(name, f"{p:.3f}", f"{drawn.p_chosen[name]:.3f}")
    console.print(table)
    spread = "; ".join(
        f"{k}: mean {_fmt(v['mean'])}, p10 {_fmt(v['p10'])}, p90 {_fmt(v['p90'])}"
        for k, v in drawn.outcome.items()
    )
    console.print(f"outcome over the draws: {spread}")


def _print_strategy(strategy: Any) -> None:
    console.print(f"[bold]What would it have taken for {strategy.path}?[/bold] {strategy.note}")
    if strategy.agreement is not None:
        console.print(f"cheapest agreement: {_point(strategy.agreement)}")
    if strategy.moves:
        table = Table()
        for col in ("bloc", "seats", "from", "to", "distance"):
            table.add_column(col)
        for m in strategy.moves:
            table.add_row(m.bloc, str(m.seats), _point(m.start), _point(m.end), f"{m.distance:.3f}")
        console.print(table)
    if strategy.supporters:
        console.print("its supporters: " + ", ".join(strategy.supporters))
    if strategy.open_paths:
        console.print("or, with nobody moving: open " + " or ".join(strategy.open_paths))
