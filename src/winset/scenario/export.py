"""Scenarios out to files, and back: YAML, and Excel workbooks an analyst can edit.

A scenario written as a workbook by :func:`scenario_to_xlsx` reads back to the same scenario
(the same input hash, so the same results). Its sheets:

* ``actors``: one row per actor and issue (the long form): actor, description, side,
  capability, issue, position, salience, each value with ``_low``/``_high`` (its range) and
  ``_source``/``_basis``/``_note`` columns;
* ``issues``: issue, label, unit, min, max, description, status quo and outcome (with their
  ranges and provenance);
* ``anchors``: what points of an issue's scale mean; ``sources``: source ids and texts;
  ``influence``: who pulls whom; ``scenario``: the name, description and notes;
* ``ratification``: the scenario's Level-II section as YAML text, one line per row (edit it
  as YAML; see docs/two-level.md).

Several source ids in one cell are separated by ``;``; a single id followed by ``;`` is a list of
one. :func:`template_xlsx` writes an empty workbook of this shape with an instructions sheet and
data validation on the value columns.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from winset.errors import InputError, Problem
from winset.files import FORMULA_START
from winset.scenario.schema import Estimate, Scenario

__all__ = [
    "ACTOR_COLUMNS",
    "scenario_to_xlsx",
    "scenario_to_yaml",
    "template_xlsx",
    "workbook_data",
]

_VALUE_PARTS = ("", "_low", "_high", "_source", "_basis", "_note")
ACTOR_COLUMNS = (
    ["actor", "description", "side"]
    + [f"capability{p}" for p in _VALUE_PARTS]
    + ["issue"]
    + [f"position{p}" for p in _VALUE_PARTS]
    + [f"salience{p}" for p in _VALUE_PARTS]
)
ISSUE_COLUMNS = (
    ["issue", "label", "unit", "min", "max", "description"]
    + [f"status_quo{p}" for p in _VALUE_PARTS]
    + [f"outcome{p}" for p in _VALUE_PARTS]
)
INFLUENCE_COLUMNS = (
    ["source", "target"]
    + [f"strength{p}" for p in _VALUE_PARTS]
    + [
        "issues",
        "note",
    ]
)
WINSET_SHEETS = ("scenario", "actors", "issues")


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as a YAML document (every field that is set, in the schema's order)."""
    data = scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    _drop_empty(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _drop_empty(data: Any) -> None:
    """Remove empty mappings and lists a reader would fill in by default anyway."""
    if isinstance(data, dict):
        for key in list(data):
            value = data[key]
            _drop_empty(value)
            if value in ({}, []) and key not in ("position", "salience"):
                del data[key]
    elif isinstance(data, list):
        for item in data:
            _drop_empty(item)


def _sources_cell(source: str | tuple[str, ...] | None) -> str | None:
    if source is None:
        return None
    if isinstance(source, str):
        return source
    return "; ".join(source) + (";" if len(source) == 1 else "")


def _value_cells(est: Estimate | None) -> list[Any]:
    if est is None:
        return [None] * len(_VALUE_PARTS)
    low, high = est.range if est.range is not None else (None, None)
    return [est.value, low, high, _sources_cell(est.source), est.basis, est.note]


def _append(sheet: Any, row: list[Any]) -> None:
    """Add a row; text that starts like a formula stays text, as it was (it must read back)."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"


def scenario_to_xlsx(scenario: Scenario) -> bytes:
    """The scenario as an Excel workbook (see the module docstring); reads back the same."""
    from openpyxl import Workbook

    book = Workbook()
    meta = book.active
    meta.title = "scenario"
    _append(meta, ["field", "value"])
    _append(meta, ["format", scenario.format])
    _append(meta, ["name", scenario.name])
    if scenario.description is not None:
        _append(meta, ["description", scenario.description])
    for note in scenario.notes:
        _append(meta, ["note", note])

    actors = book.create_sheet("actors")
    _append(actors, ACTOR_COLUMNS)
    for a in scenario.actors:
        for issue in scenario.issues:
            if issue.name not in a.position:
                continue
            _append(actors,
                [a.name, a.description, a.side, *_value_cells(a.capability), issue.name,
                 *_value_cells(a.position[issue.name]), *_value_cells(a.salience[issue.name])]
            )  # fmt: skip

    issues = book.create_sheet("issues")
    _append(issues, ISSUE_COLUMNS)
    for i in scenario.issues:
        _append(issues,
            [i.name, i.label, i.unit, i.low, i.high, i.description,
             *_value_cells(i.status_quo), *_value_cells(i.outcome)]
        )  # fmt: skip

    anchors = book.create_sheet("anchors")
    _append(anchors, ["issue", "point", "label"])
    for i in scenario.issues:
        for point, label in i.anchors.items():
            _append(anchors, [i.name, point, label])

    sources = book.create_sheet("sources")
    _append(sources, ["id", "text"])
    for sid, text in scenario.sources.items():
        _append(sources, [sid, text])

    influence = book.create_sheet("influence")
    _append(influence, INFLUENCE_COLUMNS)
    for link in scenario.influence:
        issues_cell = None if link.issues is None else "; ".join(link.issues) + ";"
        _append(
            influence,
            [link.source, link.target, *_value_cells(link.strength), issues_cell, link.note],
        )

    if scenario.ratification is not None:
        rat = book.create_sheet("ratification")
        text = yaml.safe_dump(
            scenario.ratification.model_dump(mode="json", exclude_none=True),
            sort_keys=False,
            allow_unicode=True,
            width=1000,
        )
        _append(rat, ["# the scenario's ratification section, as YAML (see docs/two-level.md)"])
        for line in text.splitlines():
            _append(rat, [line])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# ----------------------------------------------------------------------------- reading back


def _rows(grid: list[list[Any]]) -> list[dict[str, Any]]:
    rows = [r for r in grid if any(c not in (None, "") for c in r)]
    if not rows:
        return []
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    return [
        {h: (row[k] if k < len(row) else None) for k, h in enumerate(header) if h}
        for row in rows[1:]
    ]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if text.strip() else None


def _source_ids(cell: Any) -> Any:
    text = _text(cell)
    if text is None:
        return None
    ids = [s.strip() for s in text.split(";")]
    if len(ids) == 1:
        return ids[0]
    return [s for s in ids if s]


def _estimate(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value in (None, ""):
        return None
    out: dict[str, Any] = {"value": value}
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if low not in (None, "") or high not in (None, ""):
        out["range"] = [low, high]
    src = _source_ids(row.get(f"{key}_source"))
    if src is not None:
        out["source"] = src
    for part in ("basis", "note"):
        text = _text(row.get(f"{key}_{part}"))
        if text is not None:
            out[part] = text
    return out


def _set(entry: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        entry[key] = value


def workbook_data(sheets: Mapping[str, list[list[Any]]], source: str) -> dict[str, Any]:
    """Scenario data from a workbook written by :func:`scenario_to_xlsx` (or laid out so)."""
    by_name = {k.strip().lower(): v for k, v in sheets.items()}
    data: dict[str, Any] = {"notes": []}
    for row in _rows(by_name.get("scenario", [])):
        field, value = _text(row.get("field")), row.get("value")
        if field == "note":
            data["notes"].append(_text(value) or "")
        elif field in ("format", "name", "description"):
            _set(data, field, _text(value))
    issues: list[dict[str, Any]] = []
    for row in _rows(by_name.get("issues", [])):
        name = _text(row.get("issue"))
        if name is None:
            continue
        entry: dict[str, Any] = {"name": name}
        for key in ("label", "unit", "description"):
            _set(entry, key, _text(row.get(key)))
        entry["scale"] = [row.get("min"), row.get("max")]
        for key in ("status_quo", "outcome"):
            _set(entry, key, _estimate(row, key))
        issues.append(entry)
    for row in _rows(by_name.get("anchors", [])):
        issue = next((i for i in issues if i["name"] == _text(row.get("issue"))), None)
        if issue is not None:
            issue.setdefault("anchors", {})[row.get("point")] = _text(row.get("label")) or ""
    data["issues"] = issues
    actors: dict[str, dict[str, Any]] = {}
    for row in _rows(by_name.get("actors", [])):
        name = _text(row.get("actor"))
        if name is None:
            continue
        actor = actors.get(name)
        if actor is None:
            actor = actors[name] = {"name": name}
            for key in ("description", "side"):
                _set(actor, key, _text(row.get(key)))
            actor["capability"] = _estimate(row, "capability")
            actor["position"], actor["salience"] = {}, {}
        issue_name = _text(row.get("issue"))
        if issue_name is not None:
            actor["position"][issue_name] = _estimate(row, "position")
            actor["salience"][issue_name] = _estimate(row, "salience")
    data["actors"] = list(actors.values())
    sources = {
        sid: _text(row.get("text")) or ""
        for row in _rows(by_name.get("sources", []))
        if (sid := _text(row.get("id"))) is not None
    }
    if sources:
        data["sources"] = sources
    links = []
    for row in _rows(by_name.get("influence", [])):
        link: dict[str, Any] = {
            "source": _text(row.get("source")),
            "target": _text(row.get("target")),
        }
        link["strength"] = _estimate(row, "strength")
        if _text(row.get("issues")) is not None:
            link["issues"] = [s.strip() for s in str(row["issues"]).split(";") if s.strip()]
        _set(link, "note", _text(row.get("note")))
        links.append(link)
    if links:
        data["influence"] = links
    if "ratification" in by_name:
        lines = [
            str(r[0]) if r and r[0] is not None else ""
            for r in by_name["ratification"]
            if not (r and isinstance(r[0], str) and r[0].startswith("#"))
        ]
        from winset.scenario.yamlio import load_yaml

        rat, _ = load_yaml("\n".join(lines), f"{source} (sheet 'ratification')")
        if rat is not None:
            data["ratification"] = rat
    return data


def is_winset_workbook(names: Iterable[str]) -> bool:
    """Whether a workbook has the sheets :func:`scenario_to_xlsx` writes."""
    lower = {n.strip().lower() for n in names}
    return all(s in lower for s in WINSET_SHEETS)


# ----------------------------------------------------------------------------- template

_INSTRUCTIONS = [
    "How to fill in this workbook (winset stakeholder table)",
    "",
    "issues sheet: one row per issue. 'issue' is a short name; 'min' and 'max' are the ends of its "
    "scale; 'unit', 'label', 'status_quo' (what happens without agreement) are optional.",
    "actors sheet: one row per actor and issue. capability: how much the actor can do (any "
    "positive number; only ratios matter); position: where it stands, on the issue's scale; "
    "salience: how much it cares, 0-100.",
    "Uncertain? Give a range in the _low and _high columns; winset draws within it (--draws).",
    "Sources: put an id in the _source columns and its full reference in the sources sheet.",
    "Then: winset validate FILE.xlsx; winset run FILE.xlsx; winset report FILE.xlsx -o r.html",
]


def template_xlsx() -> bytes:
    """An empty stakeholder workbook with instructions and data validation on the values."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "instructions"
    for line in _INSTRUCTIONS:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    meta = book.create_sheet("scenario")
    meta.append(["field", "value"])
    meta.append(["format", "winset/1"])
    meta.append(["name", "my-scenario"])
    meta.append(["description", "what is being negotiated, by whom, when"])
    issues = book.create_sheet("issues")
    issues.append(ISSUE_COLUMNS)
    issues.append(["issue1", "The first issue", "points", 0, 100])
    actors = book.create_sheet("actors")
    actors.append(ACTOR_COLUMNS)
    actors.append(["Actor A", None, None, 50] + [None] * 5 + ["issue1", 20] + [None] * 5 + [60])
    actors.append(["Actor B", None, None, 30] + [None] * 5 + ["issue1", 80] + [None] * 5 + [40])
    checks = [
        ("capability", "decimal", 0, None, "a capability is a number of 0 or more"),
        ("salience", "decimal", 0, 100, "a salience is a number from 0 to 100"),
        ("salience_low", "decimal", 0, 100, "a salience is a number from 0 to 100"),
        ("salience_high", "decimal", 0, 100, "a salience is a number from 0 to 100"),
        ("position", "decimal", None, None, "a position is a number on the issue's scale"),
        ("capability_basis", "list", None, None, "reported or estimated"),
    ]
    for column, kind, low, high, message in checks:
        letter = _letter(ACTOR_COLUMNS.index(column))
        if kind == "list":
            rule = DataValidation(type="list", formula1='"reported,estimated"', allow_blank=True)
        elif high is not None:
            rule = DataValidation(
                type="decimal", operator="between", formula1=str(low), formula2=str(high)
            )
        elif low is not None:
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(low))
        else:
            rule = DataValidation(type="decimal", operator="between", formula1="-1E+300",
                                  formula2="1E+300")  # fmt: skip
        rule.error, rule.errorTitle, rule.showErrorMessage = message, "winset", True
        rule.add(f"{letter}2:{letter}5000")
        actors.add_data_validation(rule)
    sources = book.create_sheet("sources")
    sources.append(["id", "text"])
    book.create_sheet("anchors").append(["issue", "point", "label"])
    book.create_sheet("influence").append(INFLUENCE_COLUMNS)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def check_output(path: str) -> str:
    """The format of an output file from its extension: ``yaml`` or ``xlsx``."""
    lower = path.lower()
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower.endswith(".xlsx"):
        return "xlsx"
    raise InputError(Problem(path, "", "write a .yaml or an .xlsx file (give one of those names)"))
