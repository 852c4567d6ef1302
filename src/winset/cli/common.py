"""What every command shares: options, the error handler, JSON output, progress bars.

Library errors name settings by their field (``draws``, ``seed``); :func:`handles_input_errors`
prints them with the command-line flag a user typed (``--draws``, ``--seed``).
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from winset.errors import InputError, Interrupted, Problem
from winset.limits import quote
from winset.numbers import finite

__all__ = [
    "ChunkOption",
    "DistributionOption",
    "JsonOption",
    "ModelOption",
    "ParamOption",
    "RoundsOption",
    "ScenarioArgument",
    "SchedulerOption",
    "SeedOption",
    "StoreOption",
    "VariantOption",
    "WorkersOption",
    "console",
    "err_console",
    "handles_input_errors",
    "open_store",
    "parse_params",
    "print_json",
    "progress_bar",
    "say",
]

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

# library field names -> the flags that set them
FLAGS = {
    "draws": "--draws",
    "seed": "--seed",
    "workers": "--workers",
    "scheduler": "--scheduler",
    "chunk_size": "--chunk-size",
    "distribution": "--distribution",
    "samples": "--samples",
    "resamples": "--bootstrap",
    "cv": "--cv",
    "solution": "--solution",
    "noise": "--noise",
    "set": "--set",
    "remove": "--remove",
    "path": "--path",
    "drop_red_line": "--drop-red-line",
    "search": "--search",
    "search_by": "--search-by",
    "rounds": "--rounds",
    "model": "--model",
    "variant": "--variant",
    "top": "--top",
    "interactive": "--interactive",
}


def _line(problem: Problem) -> str:
    if not problem.source and problem.field in FLAGS:
        problem = Problem("", FLAGS[problem.field], problem.message)
    return printable(problem)


def handles_input_errors(func: F) -> F:
    """Turn :class:`InputError` into one stderr line per problem and exit status 2.

    Ctrl-C and an interrupted run give one line too. Any other exception is a bug and shows
    its traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                typer.echo(_line(problem), err=True)
            raise typer.Exit(2) from None
        except Interrupted as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(130 if exc.reason == "interrupted" else 1) from None
        except KeyboardInterrupt:
            typer.echo("interrupted; nothing was written", err=True)
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    """Print one JSON object to stdout (plain, never wrapped or coloured; no NaN)."""
    sys.stdout.write(json.dumps(finite(data), indent=2, allow_nan=False) + "\n")


def printable(text: object, keep: str = " \t") -> str:
    """Text for the terminal with control characters (but those in ``keep``) shown as escapes.

    User text (actor names, file names) can then never move the cursor or retitle the window.
    """
    return "".join(
        ch if ch.isprintable() or ch in keep else ch.encode("unicode_escape").decode("ascii")
        for ch in str(text)
    )


def say(text: str) -> None:
    """One notice line on stderr (dim when it is a terminal), control characters escaped."""
    err_console.print(printable(text), style="dim", markup=False, highlight=False, soft_wrap=True)


def parse_params(items: list[str] | None) -> dict[str, str]:
    """``--param KEY=VALUE`` options to a dict (values are converted by the model)."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(Problem("", "--param", f"{quote(item)} is not KEY=VALUE"))
        out[key.strip()] = value.strip()
    return out


def open_store(path: Path | None, no_store: bool = False) -> Any:
    """The run store at ``path`` (default: the user's data directory), or None."""
    if no_store:
        return None
    from winset.store import RunStore

    return RunStore(path, notice=say)


@contextmanager
def progress_bar(what: str = "draws") -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (done, rate, time left); yields the update callback.

    Nothing is drawn when stderr is not a terminal.
    """
    if not err_console.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
    task = bar.add_task(what, total=None, rate="")
    start = time.perf_counter()
    first: list[int] = []  # done already when the run started (resumed from checkpoints)

    def update(done: int, total: int) -> None:
        if not first:
            first.append(done)
        elapsed = time.perf_counter() - start
        new = done - first[0]
        rate = f"{new / elapsed:,.0f} {what}/s" if elapsed > 0 and new else ""
        bar.update(task, completed=done, total=total, rate=rate)

    with bar:
        yield update


StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Run store (SQLite file). Default: user data dir."),
]
NoStoreOption = Annotated[bool, typer.Option("--no-store", help="Do not use the run store.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]
SeedOption = Annotated[
    int | None, typer.Option("--seed", help="Random seed (default: drawn, recorded, printed).")
]
ScenarioArgument = Annotated[str, typer.Argument(help="Bundled name, YAML file or CSV/XLSX table.")]
ModelOption = Annotated[str, typer.Option("--model", "-m", help="Model name.")]
VariantOption = Annotated[str | None, typer.Option("--variant", help="Model variant.")]
RoundsOption = Annotated[int | None, typer.Option("--rounds", help="Rounds (iterative models).")]
ParamOption = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Model parameter KEY=VALUE.")
]
DistributionOption = Annotated[
    str, typer.Option("--distribution", help="Draws: uniform, triangular or normal.")
]
WorkersOption = Annotated[
    int, typer.Option("--workers", help="Draws: worker processes (results do not change).")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Draws: 'processes', 'dask' (a local cluster) or a Dask scheduler tcp://HOST:PORT.",
    ),
]
ChunkOption = Annotated[
    int | None, typer.Option("--chunk-size", help="Draws per checkpointed chunk.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="What-if: ACTOR.position.ISSUE=V, ACTOR.salience.ISSUE=V, ACTOR.capability=V."
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Tables: the workbook sheet to read.")
]
ScaleOption = Annotated[
    str | None,
    typer.Option("--scale", help="Tables: the issues' scale MIN:MAX (e.g. 0:10)."),
]
UnitOption = Annotated[str | None, typer.Option("--unit", help="Tables: the issues' unit.")]
IssueOption = Annotated[
    str | None, typer.Option("--issue", help="Tables: the name of a one-issue table's issue.")
]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", help="Also write the results as a table: FILE.csv or FILE.xlsx."),
]


def table_options(
    sheet: str | None = None,
    scale: str | None = None,
    unit: str | None = None,
    issue: str | None = None,
) -> Any:
    """The ``--sheet/--scale/--unit/--issue`` options as the table reader takes them."""
    from winset.scenario.tables import TableOptions, parse_scale

    return TableOptions(
        sheet=sheet,
        scale=parse_scale(scale, "--scale") if scale is not None else None,
        unit=unit,
        issue=issue,
    )


def read_input(
    spec: str,
    sheet: str | None = None,
    scale: str | None = None,
    unit: str | None = None,
    issue: str | None = None,
) -> Any:
    """Read a scenario for a command: print the reader's notices on stderr, return it."""
    from winset.scenario.load import read_scenario

    loaded = read_scenario(spec, table_options(sheet, scale, unit, issue))
    for notice in loaded.notices:
        say(f"{spec}: {notice}")
    return loaded.scenario


def check_draw_options(draws: int | None, **given: tuple[Any, Any]) -> None:
    """Refuse draw options (``--flag-name=(value, default)``) given without ``--draws``."""
    if draws is not None:
        return
    for name, (value, default) in given.items():
        if value != default:
            flag = "--" + name.replace("_", "-")
            raise InputError(Problem("", flag, "only applies with --draws N"))


def check_outputs(table: Path | None = None, page: Path | None = None) -> None:
    """Refuse, before any work, output files that could not be written."""
    from winset.files import check_table_target, check_target

    if table is not None:
        check_table_target(table)
    if page is not None:
        check_target(page)


def write_output(path: Path | None, result: Any) -> None:
    """Write a result's tables to ``path`` (.csv: the tidy table; .xlsx: a sheet each)."""
    if path is None:
        return
    from winset.files import write_table

    write_table(path, result.sheets())
    say(f"wrote {path}")


RemoveOption = Annotated[
    list[str] | None,
    typer.Option("--remove", help="What-if: remove an actor (and undo its influence)."),
]
