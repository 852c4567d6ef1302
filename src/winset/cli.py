"""The ``winset`` command: a thin layer over the public API.

Every command accepts the same inputs a notebook would pass to :mod:`winset.api`, prints a rich
table for people or JSON for machines, and turns bad input into one line per problem on stderr
with exit status 2 (see :func:`handles_input_errors`).
"""

from __future__ import annotations

import functools
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from winset._version import __version__
from winset.errors import InputError, Problem

__all__ = [
    "app",
    "console",
    "handles_input_errors",
    "main",
    "open_store",
    "parse_params",
    "print_json",
    "write_atomic",
]

app = typer.Typer(
    name="winset",
    help="Analyse multi-party negotiations: bargaining models, ratification, backtests.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()

F = TypeVar("F", bound=Callable[..., Any])

# Modules that add further commands with a ``register(app)`` function.
_COMMAND_MODULES: tuple[str, ...] = (
    "winset.analysis.sensitivity_cli",
    "winset.twolevel.cli",
    "winset.backtest.cli",
)


def handles_input_errors(func: F) -> F:
    """Turn :class:`InputError` into one stderr line per problem and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing was written", err=True)
            raise typer.Exit(130) from None
        except RuntimeError as exc:
            from winset.analysis.montecarlo import Interrupted

            if not isinstance(exc, Interrupted):
                raise
            typer.echo(str(exc), err=True)
            raise typer.Exit(130 if exc.reason == "interrupted" else 1) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Print one JSON object to stdout (plain, never wrapped or coloured)."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param KEY=VALUE`` options to a dict (values are converted by the model)."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(Problem("", "--param", f"{item!r} is not KEY=VALUE"))
        out[key.strip()] = value.strip()
    return out


def open_store(path: Path | None) -> Any:
    """The run store at ``path`` (default: the user's data directory)."""
    from winset.store import RunStore

    return RunStore(path)


def write_atomic(path: Path, text: str) -> None:
    """Write a file completely or not at all (temporary file, then rename)."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise InputError(Problem(str(path), "", "its folder does not exist"))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def draws_progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (draws done, draws/s, time left); yields the update callback."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    err = Console(stderr=True)
    if not err.is_terminal:
        yield lambda done, total: None
        return
    bar = Progress(
        TextColumn("draws"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("draws", total=None, rate="")
    start = time.perf_counter()
    first: list[int] = []  # draws already done when the run started (resumed from checkpoints)

    def update(done: int, total: int) -> None:
        if not first:
            first.append(done)
        elapsed = time.perf_counter() - start
        new = done - first[0]
        rate = f"{new / elapsed:,.0f} draws/s" if elapsed > 0 and new else ""
        bar.update(task, completed=done, total=total, rate=rate)

    with bar:
        yield update


StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Run store (SQLite file). Default: user data dir."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Random seed.")]
ScenarioArgument = Annotated[str, typer.Argument(help="Bundled name, YAML file or CSV/XLSX table.")]
ModelOption = Annotated[str, typer.Option("--model", "-m", help="Model name.")]
VariantOption = Annotated[str | None, typer.Option("--variant", help="Model variant.")]
RoundsOption = Annotated[int | None, typer.Option("--rounds", help="Rounds (iterative models).")]
ParamOption = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Model parameter KEY=VALUE.")
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"winset {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """winset: stakeholder bargaining models and two-level ratification."""


@app.command()
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
    distribution: Annotated[
        str,
        typer.Option("--distribution", help="Draws: uniform, triangular or normal."),
    ] = "uniform",
    workers: Annotated[
        int, typer.Option("--workers", help="Draws: worker processes (>1: a local cluster).")
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Draws: a Dask scheduler address (tcp://HOST:PORT), or 'processes'.",
        ),
    ] = None,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Draws per checkpointed chunk.")
    ] = None,
    json_out: JsonOption = False,
    store: StoreOption = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not use the run store.")] = False,
) -> None:
    """Forecast the outcome of a scenario with one model (with --draws: its distribution)."""
    run_store = None if no_store else open_store(store)
    if draws is not None:
        from winset.analysis.montecarlo import monte_carlo

        with draws_progress() as progress:
            result, cached = monte_carlo(
                scenario,
                model,
                draws=draws,
                params=parse_params(param),
                variant=variant,
                rounds=rounds,
                seed=seed,
                distribution=distribution,
                workers=workers,
                scheduler=scheduler,
                chunk_size=chunk_size,
                store=run_store,
                progress=progress,
            )
    else:
        from winset.api import run_stored

        result, cached = run_stored(
            scenario,
            model,
            params=parse_params(param),
            variant=variant,
            rounds=rounds,
            seed=seed,
            store=run_store,
        )
    if json_out:
        print_json(result.to_dict())
        return
    from winset.report.tables import render_result

    render_result(console, result, cached=cached)


@app.command()
@handles_input_errors
def validate(
    file: Annotated[str, typer.Argument(help="Scenario file (YAML, CSV, XLSX, KTAB CSV).")],
) -> None:
    """Check a scenario file; exit 0 if valid, else 2 with one line per problem."""
    from winset.scenario.load import load_scenario

    scenario = load_scenario(file)
    typer.echo(
        f"{file}: valid scenario {scenario.name!r}: {len(scenario.actors)} actors, "
        f"{len(scenario.issues)} issue(s)"
    )
    for note in scenario.notes:
        typer.echo(f"  note: {note}")


@app.command()
@handles_input_errors
def scenarios(json_out: JsonOption = False) -> None:
    """List the bundled scenarios."""
    from winset.scenario.load import bundled_names, load_scenario

    items = [load_scenario(name) for name in bundled_names()]
    if json_out:
        print_json(
            [
                {
                    "name": s.name,
                    "actors": len(s.actors),
                    "issues": list(s.issue_names()),
                    "description": s.description,
                }
                for s in items
            ]
        )
        return
    table = Table(title="Bundled scenarios")
    for col in ("name", "actors", "issues", "description"):
        table.add_column(col)
    for s in items:
        table.add_row(s.name, str(len(s.actors)), ", ".join(s.issue_names()), s.description or "")
    console.print(table)


@app.command()
@handles_input_errors
def models(json_out: JsonOption = False) -> None:
    """List the models with their citations, parameters and defaults."""
    from winset.models.registry import model_infos

    infos = model_infos()
    if json_out:
        print_json(
            [
                {
                    "name": i.name,
                    "title": i.title,
                    "citation": i.citation,
                    "summary": i.summary,
                    "deterministic": i.deterministic,
                    "iterative": i.iterative,
                    "variants": list(i.variants),
                    "parameters": [
                        {
                            "name": p.name,
                            "default": p.default,
                            "low": p.low,
                            "high": p.high,
                            "choices": list(p.choices) if p.choices else None,
                            "description": p.description,
                        }
                        for p in i.parameters
                    ],
                }
                for i in infos
            ]
        )
        return
    table = Table(title="Models", show_lines=True)
    for col in ("name", "what it does", "parameters (default)", "citation"):
        table.add_column(col, overflow="fold")
    for i in infos:
        params = "\n".join(f"{p.name} ({p.default}): {p.description}" for p in i.parameters)
        if len(i.variants) > 1:
            params = f"variants: {', '.join(i.variants)}\n" + params
        table.add_row(i.name, f"{i.title}. {i.summary}", params or "-", i.citation)
    console.print(table)


@app.command()
@handles_input_errors
def runs(
    store: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many runs to list.")] = 20,
    json_out: JsonOption = False,
) -> None:
    """List the runs saved in the run store, newest first."""
    items = open_store(store).list(limit)
    if json_out:
        print_json(
            [
                {
                    "id": r.short_id,
                    "kind": r.kind,
                    "scenario": r.scenario,
                    "model": r.model,
                    "variant": r.variant,
                    "seed": r.seed,
                    "created": r.created,
                }
                for r in items
            ]
        )
        return
    table = Table(title=f"Runs in {open_store(store).path}")
    for col in ("id", "created", "kind", "scenario", "model", "variant", "seed", "forecast"):
        table.add_column(col)
    for r in items:
        forecast = r.result.get("forecast", {})
        text = ", ".join(f"{k} {v:.4g}" for k, v in forecast.items()) if forecast else ""
        table.add_row(
            r.short_id, r.created, r.kind, r.scenario, r.model, r.variant, str(r.seed), text
        )
    console.print(table)


@app.command()
@handles_input_errors
def show(
    run_id: Annotated[str, typer.Argument(help="Run id (or a unique prefix) from `winset runs`.")],
    store: StoreOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show a saved run again."""
    stored = open_store(store).get(run_id)
    if stored is None:
        raise InputError(Problem("", "ID", f"no run {run_id!r} in the store (or not unique)"))
    if json_out:
        print_json(stored.result)
        return
    if stored.kind in ("run", "montecarlo"):
        from winset.report.tables import render_result
        from winset.results import RunResult

        render_result(console, RunResult.from_dict(stored.result), cached=True)
    else:
        print_json(stored.result)


@app.command()
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
) -> None:
    """Write a self-contained HTML report (works offline)."""
    from winset.report.html import build_report

    html = build_report(scenario, models=model or None, seed=seed, interactive=interactive)
    write_atomic(output, html)
    typer.echo(f"wrote {output}")


def _register_extra_commands() -> None:
    for module in _COMMAND_MODULES:
        import_module(module).register(app)


_register_extra_commands()


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
