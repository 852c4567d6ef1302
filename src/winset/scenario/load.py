"""Reading scenarios: bundled names, YAML files, stakeholder tables (CSV/XLSX), KTAB CSV.

Every reader ends in :func:`build_scenario`, which validates with the pydantic schema and the
whole-scenario checks, and turns every problem into one :class:`~winset.errors.Problem` naming
the file and the field. Nothing is returned unless the whole input is valid.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from winset.errors import InputError, Problem
from winset.scenario.schema import SALIENCE_MAX, Scenario, semantic_problems

__all__ = [
    "TABLE_COLUMNS",
    "build_scenario",
    "bundled_names",
    "load_scenario",
    "read_table_rows",
    "scenario_from_table",
]

TABLE_COLUMNS = ("actor", "capability", "position", "salience")
_BUNDLED_PACKAGE = "winset.scenario.bundled"


# ----------------------------------------------------------------------------- validation


def _loc_to_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "finite_number":
        return f"{value!r} is not a finite number"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return f"{value!r} is not a number"
    if kind in ("string_type",):
        return f"{value!r} is not text"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (or a number), got {value!r}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {value!r}"
    if kind == "too_short" and ctx.get("min_length") is not None:
        return "must not be empty"
    if kind in ("literal_error", "enum"):
        return f"{value!r} is not one of {ctx.get('expected', 'the allowed values')}"
    return str(err.get("msg", kind))


def build_scenario(data: Any, source: str) -> Scenario:
    """Validate raw scenario data; raise :class:`InputError` listing every problem."""
    if not isinstance(data, Mapping):
        raise InputError(Problem(source, "", "expected a mapping of scenario fields at top level"))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        seen = set()
        for err in exc.errors():
            loc = list(err["loc"])
            # a bare number is converted to {value: ...}: report the field, not ".value"
            if loc and loc[-1] == "value" and err["type"] != "missing":
                loc = loc[:-1]
            key = (_loc_to_path(loc), _pydantic_message(err))
            if key not in seen:
                seen.add(key)
                problems.append(Problem(source, *key))
        raise InputError(problems) from None
    problems = [Problem(source, path, msg) for path, msg in semantic_problems(scenario)]
    if problems:
        raise InputError(problems)
    return scenario


# ----------------------------------------------------------------------------- bundled


def bundled_names() -> tuple[str, ...]:
    """Names of the scenarios shipped with winset."""
    files = resources.files(_BUNDLED_PACKAGE).iterdir()
    return tuple(sorted(f.name[:-5] for f in files if f.name.endswith(".yaml")))


def _bundled_text(name: str) -> str:
    return resources.files(_BUNDLED_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")


# ----------------------------------------------------------------------------- readers


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(str(path), "", "no such file")) from None
    except IsADirectoryError:
        raise InputError(Problem(str(path), "", "is a directory, not a scenario file")) from None
    except OSError as exc:
        raise InputError(Problem(str(path), "", f"cannot be read ({exc.strerror})")) from None
    if b"\x00" in raw[:4096]:
        raise InputError(Problem(str(path), "", "is a binary file, not a scenario"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(str(path), "", "is not UTF-8 text")) from None
    if not text.strip():
        raise InputError(Problem(str(path), "", "the file is empty"))
    return text


def _parse_yaml(text: str, source: str) -> Scenario:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "malformed"
        raise InputError(Problem(source, "", f"not valid YAML{where}: {problem}")) from None
    if data is None:
        raise InputError(Problem(source, "", "the file is empty"))
    return build_scenario(data, source)


def _number(cell: str, where: str, source: str, problems: list[Problem]) -> float | None:
    text = cell.strip()
    if not text:
        problems.append(Problem(source, where, "missing"))
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(source, where, f"{text!r} is not a number"))
        return None
    if not math.isfinite(value):
        problems.append(Problem(source, where, f"{text!r} is not a finite number"))
        return None
    return value


def read_table_rows(rows: list[list[str]], source: str) -> Scenario:
    """Build a one-issue scenario from table rows (header first): actor, capability, ..."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(Problem(source, "", "the file is empty"))
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in TABLE_COLUMNS if c not in header]
    if missing:
        found = ", ".join(repr(c) for c in rows[0] if c.strip()) or "nothing"
        raise InputError(
            Problem(
                source,
                "header",
                f"missing column(s) {', '.join(missing)}; expected a stakeholder table with "
                f"columns {', '.join(TABLE_COLUMNS)} (found {found})",
            )
        )
    col = {name: header.index(name) for name in TABLE_COLUMNS}
    body = rows[1:]
    if not body:
        raise InputError(Problem(source, "", "the table has a header but no actor rows"))

    problems: list[Problem] = []
    parsed: list[tuple[str, float | None, float | None, float | None, int]] = []
    seen: dict[str, int] = {}
    for r, row in enumerate(body, start=2):
        cells = row + [""] * (len(header) - len(row))

        def where(name: str, r: int = r) -> str:
            return f"row {r}.{name}"

        name = cells[col["actor"]].strip()
        if not name:
            problems.append(Problem(source, where("actor"), "missing"))
        elif name in seen:
            problems.append(
                Problem(source, where("actor"), f"duplicate actor {name!r} (also row {seen[name]})")
            )
        else:
            seen[name] = r
        cap = _number(cells[col["capability"]], where("capability"), source, problems)
        if cap is not None and cap < 0:
            problems.append(Problem(source, where("capability"), f"{cap:g} is below 0"))
        pos = _number(cells[col["position"]], where("position"), source, problems)
        sal = _number(cells[col["salience"]], where("salience"), source, problems)
        if sal is not None and sal < 0:
            problems.append(Problem(source, where("salience"), f"{sal:g} is below 0"))
        elif sal is not None and sal > SALIENCE_MAX:
            problems.append(Problem(source, where("salience"), f"{sal:g} is above 100"))
        parsed.append((name, cap, pos, sal, r))
    if problems:
        raise InputError(problems)

    saliences = [p[3] for p in parsed if p[3] is not None]
    positions = [p[2] for p in parsed if p[2] is not None]
    notes = []
    factor = 1.0
    if max(saliences) <= 1.0:
        factor = SALIENCE_MAX
        notes.append("salience read on a 0-1 scale (every value is at most 1) and shown as 0-100")
    else:
        notes.append("salience read on a 0-100 scale")
    lo, hi = min(positions), max(positions)
    if lo >= 0 and hi <= 100:
        scale = (0.0, 100.0)
        notes.append("positions lie on 0-100, which is taken as the issue's scale")
    else:
        if lo == hi:
            lo, hi = lo - 1.0, hi + 1.0
        scale = (lo, hi)
        notes.append(f"the issue's scale is taken as the range of positions, {lo:g} to {hi:g}")

    data = {
        "name": Path(source).stem or "table",
        "description": f"stakeholder table read from {Path(source).name}",
        "notes": notes,
        "issues": [{"name": "issue", "scale": scale}],
        "actors": [
            {
                "name": name,
                "capability": cap,
                "position": {"issue": pos},
                "salience": {"issue": (sal or 0.0) * factor},
            }
            for name, cap, pos, sal, _ in parsed
        ],
    }
    return build_scenario(data, source)


def scenario_from_table(table: Any, source: str = "table") -> Scenario:
    """Build a one-issue scenario from a pandas DataFrame (columns as in a CSV table)."""
    header = [str(c) for c in table.columns]
    rows = [header] + [["" if v is None else str(v) for v in row] for row in table.to_numpy()]
    return read_table_rows(rows, source)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-") or "issue"


def _parse_ktab(rows: list[list[str]], source: str) -> Scenario:
    """KTAB's SMP CSV: a title line, a header line, then one line per actor."""
    rows = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    title = rows[0]
    header = [c for c in rows[1] if c]
    dims = []
    for k in range(3, len(header), 2):
        name = re.sub(r"\s*position$", "", header[k], flags=re.IGNORECASE)
        dims.append(name)
    if not dims:
        raise InputError(Problem(source, "line 2", "KTAB header names no dimension"))
    issue_names = [_slug(d) for d in dims]
    issues = [
        {"name": name, "label": d, "scale": (0.0, 100.0)}
        for name, d in zip(issue_names, dims, strict=True)
    ]
    problems: list[Problem] = []
    actors = []
    for r, row in enumerate(rows[2:], start=3):
        if len(row) < 3 + 2 * len(dims):
            problems.append(
                Problem(source, f"line {r}", f"expected {3 + 2 * len(dims)} fields, got {len(row)}")
            )
            continue
        cap = _number(row[2], f"line {r}.Influence", source, problems)
        pos: dict[str, float | None] = {}
        sal: dict[str, float | None] = {}
        for k, name in enumerate(issue_names):
            pos[name] = _number(row[3 + 2 * k], f"line {r}.{dims[k]} Position", source, problems)
            sal[name] = _number(row[4 + 2 * k], f"line {r}.{dims[k]} Salience", source, problems)
        actors.append(
            {
                "name": row[0],
                "description": row[1] or None,
                "capability": cap,
                "position": pos,
                "salience": sal,
            }
        )
    if problems:
        raise InputError(problems)
    data = {
        "name": _slug(title[0]) if title and title[0] else Path(source).stem,
        "description": title[1] if len(title) > 1 else None,
        "notes": ["read from a KTAB SMP CSV file (positions and saliences on 0-100)"],
        "issues": issues,
        "actors": actors,
    }
    return build_scenario(data, source)


def _sniff_rows(text: str) -> list[list[str]]:
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _is_ktab(rows: list[list[str]]) -> bool:
    nonempty = [r for r in rows if any(c.strip() for c in r)]
    if len(nonempty) < 2 or len(nonempty[0]) < 4:
        return False
    second = [c.strip().lower() for c in nonempty[1]]
    return second[:3] == ["actor", "description", "influence"]


def _foreign_format(text: str, rows: list[list[str]]) -> str | None:
    """Name a known format that is not a winset scenario, or None."""
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    if re.match(r"^'?#[AOPMD/]'?(\s|$)", first):
        return (
            "this is an input file of the decide exchange-model program (#A/#P/#D records), "
            "not a winset scenario; expected a YAML scenario or a stakeholder table with "
            "columns actor, capability, position, salience"
        )
    header = [c.strip().lower() for c in rows[0]] if rows else []
    if {"prnr", "isnr", "out", "rp"} <= set(header):
        return (
            "this is a DEU table of EU decisions (one row per issue); score models on it "
            "with `winset backtest`"
        )
    if first.startswith("{") or first.startswith("["):
        return "this looks like JSON; expected a YAML scenario or a CSV/XLSX stakeholder table"
    if first.lower().startswith(("<!doctype", "<html", "<?xml")):
        return "this looks like HTML/XML; expected a YAML scenario or a CSV/XLSX table"
    return None


def _parse_delimited(text: str, source: str) -> Scenario:
    rows = _sniff_rows(text)
    foreign = _foreign_format(text, rows)
    if foreign:
        raise InputError(Problem(source, "", foreign))
    if _is_ktab(rows):
        return _parse_ktab(rows, source)
    return read_table_rows(rows, source)


def _parse_xlsx(path: Path) -> Scenario:
    from openpyxl import load_workbook

    source = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types for broken files
        raise InputError(Problem(source, "", "is not a readable .xlsx workbook")) from None
    try:
        sheet = book.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        book.close()
    return read_table_rows(rows, f"{source} (sheet {sheet.title!r})")


_READERS: dict[str, Callable[[str, str], Scenario]] = {
    ".yaml": _parse_yaml,
    ".yml": _parse_yaml,
    ".csv": _parse_delimited,
    ".tsv": _parse_delimited,
    ".txt": _parse_delimited,
}


def load_scenario(spec: str | Path) -> Scenario:
    """Load a scenario from a bundled name or a file (YAML, CSV/TSV table, KTAB CSV, XLSX).

    Raises :class:`~winset.errors.InputError` naming the file and every problem.
    """
    text_spec = str(spec)
    path = Path(spec)
    if not path.exists() and text_spec in bundled_names():
        return _parse_yaml(_bundled_text(text_spec), f"<bundled {text_spec}>")
    if not path.exists():
        known = ", ".join(bundled_names())
        raise InputError(
            Problem(text_spec, "", f"no such file, and not a bundled scenario ({known})")
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _parse_xlsx(path)
    text = _read_text(path)
    reader = _READERS.get(suffix)
    if reader is None:
        # unknown extension: YAML if it parses as a mapping, else a delimited table
        stripped = text.lstrip()
        looks_yaml = re.match(r"^[A-Za-z_][\w-]*\s*:", stripped) is not None
        reader = _parse_yaml if looks_yaml else _parse_delimited
    return reader(text, str(path))
