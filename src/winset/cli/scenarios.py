"""``winset validate``, ``winset scenarios`` and ``winset models``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from winset.cli.common import (
    IssueOption,
    JsonOption,
    ScaleOption,
    SheetOption,
    UnitOption,
    console,
    handles_input_errors,
    print_json,
    table_options,
)

__all__ = ["models", "scenarios", "validate"]


@handles_input_errors
def validate(
    file: Annotated[
        str, typer.Argument(help="Scenario file (YAML, CSV, XLSX, ODS, KTAB CSV, decide file).")
    ],
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
) -> None:
    """Check a scenario file; exit 0 if valid, else 2 with one line per problem."""
    from winset.cli.render import safe
    from winset.scenario.load import read_scenario

    loaded = read_scenario(file, table_options(sheet, scale, unit, issue))
    scenario = loaded.scenario
    console.print(
        f"{safe(file)}: valid scenario {safe(repr(scenario.name))}: {len(scenario.actors)} "
        f"actors, {len(scenario.issues)} issue(s)",
        highlight=False,
        soft_wrap=True,
    )
    for note in loaded.notices:
        console.print(f"  note: {safe(note)}", highlight=False, soft_wrap=True)


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
                    "separable": i.separable,
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
