"""Reading scenarios: bundled names, YAML files, stakeholder tables, workbooks, decide files.

:func:`read_scenario` returns the scenario and the notices of its reader (which scale a table
was read on, which encoding, which separator); every command prints those notices.
:func:`load_scenario` returns the scenario alone. Every reader ends in
:func:`~winset.scenario.validate.build_scenario`, which validates and reports every problem with
the file, the line and the field by name. Nothing is returned unless the whole input is valid.

| input | read as |
|---|---|
| a bundled name (``winset scenarios``) | the bundled YAML |
| ``.yaml``/``.yml`` | a scenario file (docs/scenario-format.md) |
| ``.csv``/``.tsv``/``.txt`` | a stakeholder table (any shape, see :mod:`~winset.scenario.tables`), a KTAB CSV, or a decide file |
| ``.xlsx``/``.xlsm``/``.ods`` | a workbook written by ``winset convert``/``winset template``, or a stakeholder table on one of its sheets |
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from winset.errors import InputError, Problem
from winset.scenario.schema import SALIENCE_MAX, Scenario
from winset.scenario.sheets import csv_grid, read_bytes, read_text, read_workbook
from winset.scenario.tables import Grid, Numbers, TableOptions, table_data
from winset.scenario.validate import build_scenario
from winset.scenario.yamlio import load_yaml

__all__ = [
    "Loaded",
    "TableOptions",
    "build_scenario",
    "bundled_names",
    "load_scenario",
    "read_scenario",
    "scenario_from_table",
]

_BUNDLED_PACKAGE = "winset.scenario.bundled"


@dataclass(frozen=True)
class Loaded:
    """A scenario and what its reader decided for the user (to print as notices)."""

    scenario: Scenario
    notices: tuple[str, ...] = ()


def bundled_names() -> tuple[str, ...]:
    """Names of the scenarios shipped with winset."""
    files = resources.files(_BUNDLED_PACKAGE).iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".yaml")))


def _bundled_text(name: str) -> str:
    return resources.files(_BUNDLED_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")


# ----------------------------------------------------------------------------- YAML


def _yaml_notices(data: Any) -> list[str]:
    """A YAML whose saliences are all on 0-1 was probably written on the wrong scale."""
    values = [
        est.get("value") if isinstance(est, dict) else est
        for actor in (data.get("actors") or [])
        if isinstance(actor, dict)
        for est in (actor.get("salience") or {}).values()
    ]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and max(numbers) <= 1.0 and any(v > 0 for v in numbers):
        return [
            f"every salience is at most 1, but scenario files give saliences on 0-"
            f"{SALIENCE_MAX:g}; if yours are on 0-1, multiply them by 100"
        ]
    return []


def _parse_yaml(text: str, source: str) -> Loaded:
    data, lines = load_yaml(text, source)
    if data is None:
        raise InputError(Problem(source, "", "the file is empty"))
    notices = _yaml_notices(data) if isinstance(data, dict) else []
    return Loaded(build_scenario(data, source, lines), tuple(notices))


# ----------------------------------------------------------------------------- tables


def _foreign_format(text: str, first_row: list[Any]) -> str | None:
    """Name a known format that is not a winset scenario, or None."""
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    header = {str(c).strip().lower() for c in first_row}
    if {"prnr", "isnr", "out", "rp"} <= header:
        return (
            "this is a DEU table of EU decisions (one row per issue); score models on it "
            "with `winset backtest`"
        )
    if first.startswith(("{", "[")):
        return "this looks like JSON; expected a YAML scenario or a CSV/XLSX stakeholder table"
    if first.lower().startswith(("<!doctype", "<html", "<?xml")):
        return "this looks like HTML/XML; expected a YAML scenario or a CSV/XLSX table"
    return None


def _table(
    grid: Grid,
    source: str,
    options: TableOptions,
    name: str,
    how: Numbers,
    notices: list[str],
    issues_sheet: Grid | None = None,
    sources: dict[str, str] | None = None,
) -> Loaded:
    data = table_data(
        grid,
        source,
        options,
        name=name,
        issues_sheet=issues_sheet,
        sources=sources,
        how=how,
        notices=notices,
    )
    if how.decimal_comma is False and how.thousands:
        notices.append("numbers with thousands separators ('1,000') were read as such")
    data["notes"] = list(notices)
    return Loaded(build_scenario(data, source), tuple(notices))


def _parse_delimited(text: str, source: str, options: TableOptions, notices: list[str]) -> Loaded:
    from winset.scenario.decide import is_decide, parse_decide

    if is_decide(text):
        scenario = parse_decide(text, source)
        return Loaded(scenario, tuple(notices))
    how = Numbers()
    grid = csv_grid(text, source, how, notices)
    first = next((r for r in grid if any(str(c).strip() for c in r if c is not None)), [])
    foreign = _foreign_format(text, first)
    if foreign:
        raise InputError(Problem(source, "", foreign))
    return _table(grid, source, options, Path(source).stem, how, notices)


def _parse_workbook(path: Path, options: TableOptions) -> Loaded:
    from winset.scenario.export import is_winset_workbook, workbook_data

    notices: list[str] = []
    book = read_workbook(path, notices)
    source = str(path)
    if options.sheet is None and is_winset_workbook(book.sheets):
        data = workbook_data(book.sheets, source)
        return Loaded(build_scenario(data, source), tuple(notices))
    names = ", ".join(repr(n) for n in book.sheets)
    if options.sheet is not None:
        found = book.find(options.sheet)
        if found is None:
            raise InputError(
                Problem(source, "sheet", f"no sheet {options.sheet!r} (sheets: {names})")
            )
        candidates = [found]
    else:
        from winset.scenario.tables import find_header

        candidates = [(t, g) for t, g in book.sheets.items() if find_header(g) is not None]
        if not candidates:
            raise InputError(
                Problem(
                    source,
                    "",
                    f"no sheet holds a stakeholder table (sheets: {names}); expected a header "
                    "row with actor, capability, position and salience columns (or give --sheet)",
                )
            )
    title, grid = candidates[0]
    issues = book.find("issues")
    sources = book.find("sources")
    source_ids = None
    if sources is not None:
        source_ids = {
            str(r[0]).strip(): str(r[1]).strip()
            for r in sources[1][1:]
            if len(r) > 1 and r[0] not in (None, "")
        }
    if len(book.sheets) > 1:
        notices.append(f"read the stakeholder table on sheet {title!r}")
    return _table(
        grid,
        f"{source} (sheet {title!r})",
        options,
        path.stem,
        Numbers(),
        notices,
        issues_sheet=issues[1] if issues is not None and issues[0] != title else None,
        sources=source_ids,
    )


def scenario_from_table(table: Any, source: str = "table") -> Scenario:
    """Build a scenario from a pandas DataFrame laid out like a stakeholder table."""
    grid: Grid = [[str(c) for c in table.columns]]
    grid += [[None if v is None else v for v in row] for row in table.itertuples(index=False)]
    return _table(grid, source, TableOptions(), source, Numbers(), []).scenario


# ----------------------------------------------------------------------------- dispatch

_TEXT_READERS: dict[str, Callable[[str, str, TableOptions, list[str]], Loaded]] = {
    ".yaml": lambda text, source, options, notices: _parse_yaml(text, source),
    ".yml": lambda text, source, options, notices: _parse_yaml(text, source),
    ".csv": _parse_delimited,
    ".tsv": _parse_delimited,
    ".txt": _parse_delimited,
}


def read_scenario(spec: str | Path, options: TableOptions | None = None) -> Loaded:
    """Read a scenario from a bundled name or a file, with its reader's notices.

    Raises :class:`~winset.errors.InputError` naming the file and every problem.
    """
    options = options or TableOptions()
    text_spec = str(spec)
    if not text_spec.strip():
        raise InputError(Problem("", "SCENARIO", "give a bundled name or a file"))
    if len(text_spec) > 4096 or "\x00" in text_spec:
        raise InputError(Problem("", "SCENARIO", "is not a file name or a bundled name"))
    path = Path(spec)
    try:
        exists = path.exists()
    except OSError:  # e.g. a name longer than the file system allows
        exists = False
    if not exists and text_spec in bundled_names():
        return _parse_yaml(_bundled_text(text_spec), f"<bundled {text_spec}>")
    if not exists:
        known = ", ".join(bundled_names())
        raise InputError(
            Problem(text_spec, "", f"no such file, and not a bundled scenario ({known})")
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods"):
        return _parse_workbook(path, options)
    if suffix == ".xls":
        raise InputError(
            Problem(
                text_spec,
                "",
                "is an Excel 97-2003 workbook, which winset does not read; save it as .xlsx",
            )
        )
    notices: list[str] = []
    text = read_text(read_bytes(path), text_spec, notices)
    reader = _TEXT_READERS.get(suffix)
    if reader is None:
        # unknown extension: YAML if it starts like a mapping, else a delimited table
        looks_yaml = re.match(r"^[A-Za-z_][\w-]*\s*:", text.lstrip()) is not None
        reader = _TEXT_READERS[".yaml"] if looks_yaml else _parse_delimited
    loaded = reader(text, text_spec, options, notices)
    return Loaded(loaded.scenario, tuple(dict.fromkeys((*notices, *loaded.notices))))


def load_scenario(spec: str | Path, options: TableOptions | None = None) -> Scenario:
    """Load a scenario from a bundled name or a file (see :func:`read_scenario`)."""
    return read_scenario(spec, options).scenario
