"""``winset runs`` and ``winset show``: the results saved in the run store."""

from __future__ import annotations

from typing import Annotated

import typer

from winset.cli.common import JsonOption, StoreOption, console, handles_input_errors, print_json
from winset.errors import InputError, Problem

__all__ = ["runs", "show"]


@handles_input_errors
def runs(
    store: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many runs to list.")] = 20,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only runs of this kind (run, draws, ...).")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the results saved in the run store, newest first (every kind)."""
    from winset.cli.render import safe
    from winset.store import RunStore

    if not 1 <= limit <= 100_000:
        raise InputError(Problem("", "--limit", f"must be between 1 and 100,000, not {limit}"))
    run_store = RunStore(store)
    items = run_store.list(limit, kind)
    if json_out:
        print_json([r.summary() for r in items])
        return
    from winset.cli.render import fit_table

    rows = []
    for r in items:
        model = r.model + (f" ({r.variant})" if r.variant not in ("", "default") else "")
        created = r.created.replace("T", " ")[:16]  # to the minute; the JSON has all of it
        rows.append(
            [r.short_id, created, safe(r.kind), safe(r.scenario), safe(model), str(r.seed or "")]
        )
    if console.width >= 100 or not rows:
        # the id (any 4+ characters of it work with `winset show`) and the seed never wrap
        fit_table(
            console,
            f"Runs in {safe(run_store.path)}",
            ["id", "created", "kind", "scenario", "model", "seed"],
            rows,
            numeric={5},
            keep={0, 1},
        )
    else:
        console.print(f"Runs in {safe(run_store.path)}", style="bold", highlight=False)
        for run_id, created, kind_, scenario, model, seed in rows:
            console.print(f"[bold]{run_id}[/bold]  {kind_}  [dim]{created}[/dim]", highlight=False)
            seed_text = f" · seed {seed}" if seed else ""
            console.print(f"    {scenario} · {model}{seed_text}", highlight=False)
    if not items:
        console.print("no runs saved yet", style="dim")


@handles_input_errors
def show(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix) from `winset runs`.")],
    store: StoreOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show a saved result again, as the command that made it showed it."""
    from winset.cli.render import render
    from winset.store import MIN_PREFIX, RunStore
    from winset.study import load_result

    run_store = RunStore(store)
    stored = run_store.get(run_id)
    if stored is None:
        text = run_id.strip()
        if len(text) < MIN_PREFIX:
            why = f"give at least {MIN_PREFIX} characters of a run id"
        elif run_store.matches(text) > 1:
            why = "more than one run starts with it; give more characters"
        else:
            why = "no run in the store starts with it (see `winset runs`)"
        raise InputError(Problem("", "ID", f"{text!r}: {why}"))
    if json_out:
        print_json(stored.result)
        return
    render(console, load_result(stored), cached=True)


store_app = typer.Typer(
    name="store",
    help="Look after the run store: check it, repair it, compact it.",
    no_args_is_help=True,
)


@store_app.command("check")
@handles_input_errors
def store_check(store: StoreOption = None) -> None:
    """Check every page of the run store (exit 2 if it is damaged)."""
    from winset.store import RunStore, check_store

    path = RunStore(store).path
    problems = check_store(path)
    if problems:
        for line in problems[:20]:
            typer.echo(f"{path}: {line}", err=True)
        typer.echo(f"{path}: damaged; `winset store repair` keeps what can be read", err=True)
        raise typer.Exit(2)
    typer.echo(f"{path}: ok")


@store_app.command("repair")
@handles_input_errors
def store_repair(store: StoreOption = None) -> None:
    """Copy every run that can still be read into a new store (the old file is kept)."""
    from winset.store import RunStore, repair_store

    kept, lost, old = repair_store(RunStore(store).path)
    typer.echo(f"kept {kept} run(s), lost {lost}; the damaged file is now {old}")


@store_app.command("vacuum")
@handles_input_errors
def store_vacuum(store: StoreOption = None) -> None:
    """Compact the run store (give freed space back to the file system)."""
    from winset.store import RunStore, vacuum_store

    before, after = vacuum_store(RunStore(store).path)
    typer.echo(f"compacted: {before:,} -> {after:,} bytes")
