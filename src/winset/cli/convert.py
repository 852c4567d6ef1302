"""``winset convert`` and ``winset template``: scenarios as YAML files and Excel workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from winset.cli.common import (
    IssueOption,
    ScaleOption,
    ScenarioArgument,
    SheetOption,
    UnitOption,
    handles_input_errors,
    read_input,
)

__all__ = ["convert", "template"]


@handles_input_errors
def convert(
    scenario: ScenarioArgument,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="FILE.yaml or FILE.xlsx to write.")
    ],
    sheet: SheetOption = None,
    scale: ScaleOption = None,
    unit: UnitOption = None,
    issue: IssueOption = None,
) -> None:
    """Write a scenario (bundled, YAML, or a table) as YAML or as an Excel workbook.

    The file reads back to the same scenario, so every command gives the same results on it.
    """
    from winset.files import write_atomic
    from winset.scenario.export import check_output, scenario_to_xlsx, scenario_to_yaml

    kind = check_output(str(output))
    loaded = read_input(scenario, sheet, scale, unit, issue)
    data: str | bytes = scenario_to_yaml(loaded) if kind == "yaml" else scenario_to_xlsx(loaded)
    write_atomic(output, data)
    typer.echo(f"wrote {output}")


@handles_input_errors
def template(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The workbook to write (.xlsx).")
    ] = Path("stakeholders.xlsx"),
) -> None:
    """Write an empty stakeholder workbook to fill in (instructions, issues, actors, sources)."""
    from winset.errors import InputError, Problem
    from winset.files import write_atomic
    from winset.scenario.export import template_xlsx

    if output.suffix.lower() != ".xlsx":
        raise InputError(Problem(str(output), "", "the template is a workbook: name it .xlsx"))
    write_atomic(output, template_xlsx())
    typer.echo(f"wrote {output}; fill it in, then: winset validate {output}")
