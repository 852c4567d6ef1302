"""Stakeholder tables in the shapes analysts keep them, read into scenario data.

A table is a grid of cells (from a CSV/TSV file, an Excel or OpenDocument sheet) read into
the data of a scenario that :func:`winset.scenario.load.build_scenario` validates. What it
understands:

* **Where the header is**: the first row (of the first 30) that names an actor column and a
  position column; rows above it are titles (a KTAB title line gives the scenario's name and
  description).
* **Header words**: case, spaces, ``_`` and units in brackets are ignored (``Salience (%)``,
  ``actor_name``); synonyms: actor / stakeholder / actor name / name / player / party;
  capability / influence / power / clout / resources; position / stance / preference;
  salience / importance / priority; issue / dimension / topic.
* **Shapes**: one issue (``actor, capability, position, salience``); long (an ``issue``
  column, one row per actor and issue); wide (``<issue> position``, ``<issue> salience``
  columns, as KTAB writes them, with or without its title line).
* **Ranges**: ``<value> low`` and ``<value> high`` columns (``position_low``,
  ``troops position high``, ``capability min``) become uncertainty ranges; ``source``,
  ``basis`` and ``note`` columns (or ``<value> source``, ...) carry the provenance.
* **Numbers**: ``90%`` (text or a percent-formatted cell), ``1,000`` (thousands separators),
  decimal commas in ``;``-separated files (European Excel), with a notice.
* **Scales**: stated by an ``issues`` sheet (issue, label, unit, min, max, status quo,
  outcome) or by options (``--scale MIN:MAX``, ``--unit``, ``--issue``); otherwise taken from
  the positions, with a notice saying which scale and why. Saliences on 0-1 are read as 0-100
  with a notice; saliences on mixed scales are refused, naming the rows.

Every problem names the row and column, and what to change in the file.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from winset.errors import InputError, Problem
from winset.limits import quote
from winset.scenario.schema import SALIENCE_MAX

__all__ = [
    "Grid",
    "TableOptions",
    "find_header",
    "parse_scale",
    "table_data",
]

Cell = str | float | int | None
Grid = list[list[Cell]]

HEADER_SEARCH = 30  # rows searched for the header

# header words -> roles; phrases of several words are matched as word sequences
_ROLES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "stakeholder", "actor name", "stakeholder name", "name", "player", "party"),
    "description": ("description", "desc", "full name", "long name"),
    "side": ("side", "group", "camp"),
    "capability": ("capability", "capabilities", "influence", "power", "clout", "resources"),
    "position": ("position", "stance", "preference", "pos"),
    "salience": ("salience", "saliency", "importance", "priority"),
    "issue": ("issue", "dimension", "topic", "issue name"),
    "source": ("source", "sources"),
    "basis": ("basis",),
    "note": ("note", "notes", "comment", "comments"),
}
_BOUNDS = {
    "low": "low", "min": "low", "lower": "low", "high": "high", "max": "high", "upper": "high"
}  # fmt: skip
_VALUES = ("capability", "position", "salience")
_META = ("source", "basis", "note")


@dataclass(frozen=True)
class TableOptions:
    """What a table cannot say for itself: which sheet, and its issues' scale, unit and name.

    ``issue`` names the issue of a one-issue table; ``scale`` and ``unit`` apply to every issue.
    """

    sheet: str | None = None
    scale: tuple[float, float] | None = None
    unit: str | None = None
    issue: str | None = None


def parse_scale(text: str, field_name: str = "scale") -> tuple[float, float]:
    """``MIN:MAX`` (e.g. ``0:10``) as two numbers, low below high."""
    low, sep, high = str(text).partition(":")
    try:
        lo, hi = float(low), float(high)
    except ValueError:
        lo = hi = math.nan
    if not sep or not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise InputError(
            Problem("", field_name, f"{quote(text)} is not MIN:MAX with MIN below MAX (e.g. 0:10)")
        )
    return lo, hi


# ----------------------------------------------------------------------------- headers


def normalise(header: Cell, keep_case: bool = False) -> str:
    """A header in plain words: lower case, no units in brackets, no ``_``/``-``."""
    text = "" if header is None else str(header)
    text = text.strip().replace("\ufeff", "")
    text = text if keep_case else text.lower()

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        return f" {inner} " if inner.lower() in _BOUNDS else " "

    text = re.sub(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]", bracket, text)
    text = re.sub(r"[_\-/:.]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Column:
    """What a column holds: its role, the issue it is about (wide tables), a range bound."""

    index: int
    role: str
    issue: str | None = None
    bound: str | None = None  # "low" / "high" for range columns
    meta: str | None = None  # source / basis / note of a value column
    percent: bool = False  # the header says the values are percentages
    label: str | None = None  # the issue's name as written (wide tables)


def _match(words: list[str]) -> tuple[str, list[str]] | None:
    """The role whose longest phrase ends the words, and the words left over (an issue).

    For position and salience the phrase may also start the words (``position troops``).
    """
    best: tuple[int, str, list[str]] | None = None
    for role, phrases in _ROLES.items():
        for phrase in phrases:
            parts = phrase.split()
            n = len(parts)
            if len(words) >= n and words[-n:] == parts:
                found = (n, role, words[:-n])
            elif role in ("position", "salience") and words[:n] == parts and len(words) > n:
                found = (n, role, words[n:])
            else:
                continue
            if best is None or found[0] > best[0]:
                best = found
    return None if best is None else (best[1], best[2])


def classify(index: int, header: Cell) -> Column | None:
    """The role of a column from its header, or None for a column winset does not read."""
    raw = "" if header is None else str(header)
    percent = "%" in raw
    words = normalise(header).split()
    bound = next((_BOUNDS[w] for w in words if w in _BOUNDS), None)
    words = [w for w in words if w not in _BOUNDS] if bound else words
    if not words:
        return None
    if len(words) > 1 and any(words[-1] in _ROLES[m] for m in _META):
        # "<value> source", "troops position note": provenance of a value column
        inner = classify(index, " ".join(words[:-1]))
        meta = next(m for m in _META if words[-1] in _ROLES[m])
        if inner is not None and inner.role in _VALUES and bound is None:
            return Column(index, inner.role, inner.issue, None, meta)
        return None
    found = _match(words)
    if found is None:
        return None
    role, rest = found
    issue = " ".join(rest) or None
    label = None
    if issue is not None:
        cased = [w for w in normalise(header, keep_case=True).split() if w.lower() not in _BOUNDS]
        start = next(k for k in range(len(words)) if words[k : k + len(rest)] == rest)
        label = " ".join(cased[start : start + len(rest)])
    if issue is not None and role not in ("position", "salience"):
        return None
    if bound is not None and role not in _VALUES:
        return None
    return Column(index, role, issue, bound, None, percent, label)


def _ktab_columns(grid: Grid) -> Grid:
    """Name KTAB's value columns by their order, as KTAB's own reader takes them.

    After KTAB's title line (name, description, number of actors, number of dimensions), a
    header whose value columns say neither position nor salience (``Pstn1, Sal1``) is read as
    capability, then a position and a salience per dimension.
    """
    rows = [(r, row) for r, row in enumerate(grid[:HEADER_SEARCH]) if any(c for c in row)]
    if len(rows) < 2:
        return grid
    (_, title), (h, header) = rows[0], rows[1]
    cells = [str(c).strip() for c in title if c not in (None, "")]
    if len(cells) < 4 or not (cells[2].isdigit() and cells[3].isdigit()):
        return grid
    dims = int(cells[3])
    names = [str(c).strip() if c is not None else "" for c in header]
    if len(names) < 3 + 2 * dims or classify(0, names[0]) is None:
        return grid
    if any((c := classify(3 + k, names[3 + k])) and c.role in ("position", "salience")
           for k in range(2 * dims)):  # fmt: skip
        return grid
    fixed = list(header)
    fixed[2] = "capability"
    for k in range(dims):
        dim = names[3 + 2 * k] or f"dimension {k + 1}"
        fixed[3 + 2 * k] = f"{dim} position"
        fixed[4 + 2 * k] = f"{dim} salience"
    return [*grid[:h], fixed, *grid[h + 1 :]]


def find_header(grid: Grid) -> int | None:
    """The index of the header row: the first that names an actor and a position column."""
    for r, row in enumerate(grid[:HEADER_SEARCH]):
        roles = {c.role for c in (classify(i, h) for i, h in enumerate(row)) if c is not None}
        if "actor" in roles and "position" in roles:
            return r
    return None


# ----------------------------------------------------------------------------- cells


@dataclass
class Numbers:
    """How numbers are written in this table (decided once, said in a notice)."""

    decimal_comma: bool = False
    thousands: bool = False
    percents: bool = False


_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_EURO = re.compile(r"^[-+]?\d{1,3}(\.\d{3})*(,\d+)?$|^[-+]?\d+,\d+$")


def _number(cell: Cell, how: Numbers) -> float | None | str:
    """A cell as a number; None when empty; the cleaned text when it is not a number."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int | float):
        return float(cell)
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if text.endswith("%"):
        text = text[:-1]
        how.percents = True
    if how.decimal_comma and _EURO.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(",", "")
        how.thousands = True
    try:
        value = float(text)
    except ValueError:
        return str(cell).strip()
    return value if math.isfinite(value) else str(cell).strip()


# ----------------------------------------------------------------------------- the table


@dataclass
class _Value:
    value: float
    low: float | None = None
    high: float | None = None
    meta: dict[str, str] = field(default_factory=dict)
    row: int = 0


@dataclass
class _ActorRows:
    name: str
    row: int
    description: str | None = None
    side: str | None = None
    capability: _Value | None = None
    positions: dict[str, _Value] = field(default_factory=dict)
    saliences: dict[str, _Value] = field(default_factory=dict)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-") or "issue"


class _Reader:
    """One pass over a table's rows; problems are collected, not raised one by one."""

    def __init__(self, grid: Grid, header_row: int, source: str, how: Numbers) -> None:
        self.grid, self.source, self.how = grid, source, how
        self.header_row = header_row
        self.problems: list[Problem] = []
        self.columns = [
            c for c in (classify(i, h) for i, h in enumerate(grid[header_row])) if c is not None
        ]
        self.header_text = {i: str(h).strip() for i, h in enumerate(grid[header_row]) if h}

    def where(self, r: int, column: Column) -> str:
        name = self.header_text.get(column.index, column.role)
        return f"row {r + 1}.{name}"

    def bad(self, r: int, column: Column, message: str) -> None:
        self.problems.append(Problem(self.source, self.where(r, column), message))

    def cell(self, row: list[Cell], column: Column) -> Cell:
        return row[column.index] if column.index < len(row) else None

    def number(self, r: int, row: list[Cell], column: Column) -> float | None:
        value = _number(self.cell(row, column), self.how)
        if isinstance(value, str):
            try:
                float(value)
                self.bad(r, column, f"{quote(value)} is not a finite number")
                return None
            except ValueError:
                pass
            hint = "; write a number there"
            if "," in value and not self.how.decimal_comma:
                hint = " (a decimal comma? save the file with ';' separators, or use points)"
            self.bad(r, column, f"{quote(value)} is not a number{hint}")
            return None
        return value

    def text(self, row: list[Cell], column: Column) -> str | None:
        cell = self.cell(row, column)
        if cell is None:
            return None
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        text = str(cell).strip()
        return text or None


def _value_columns(columns: list[Column]) -> dict[tuple[str, str | None], dict[str, Column]]:
    """Value columns grouped by (role, issue): {'': value column, 'low':, 'high':, metas}."""
    out: dict[tuple[str, str | None], dict[str, Column]] = {}
    for c in columns:
        if c.role in _VALUES:
            key = (c.role, c.issue)
            slot = c.meta or c.bound or ""
            out.setdefault(key, {}).setdefault(slot, c)
    return out


def _read_value(
    reader: _Reader,
    r: int,
    row: list[Cell],
    cols: dict[str, Column],
    defaults: dict[str, str] | None = None,
) -> _Value | None | str:
    """A value with its range and provenance; None if its cell is empty.

    The empty string when the value is missing while other cells of it are filled.
    """
    main = cols.get("")
    if main is None:
        return None
    value = reader.number(r, row, main)
    low = reader.number(r, row, cols["low"]) if "low" in cols else None
    high = reader.number(r, row, cols["high"]) if "high" in cols else None
    if value is None:
        if low is not None or high is not None:
            reader.bad(r, main, "missing (a range is given)")
            return ""
        return None
    if (low is None) != (high is None):
        which = cols.get("high" if high is None else "low", main)
        end = "high" if high is None else "low"
        reader.bad(r, which, f"the range has no {end} end: give both ends, or neither")
        low = high = None
    meta = dict(defaults or {})
    meta.update({m: t for m in _META if m in cols and (t := reader.text(row, cols[m])) is not None})
    return _Value(value, low, high, meta, r)


def table_data(
    grid: Grid,
    source: str,
    options: TableOptions,
    *,
    name: str,
    issues_sheet: Grid | None = None,
    sources: dict[str, str] | None = None,
    how: Numbers | None = None,
    notices: list[str] | None = None,
) -> dict[str, Any]:
    """Scenario data (a dict for :func:`build_scenario`) from a stakeholder table.

    ``notices`` collects what the reader decided for the user (scales, formats).
    """
    how = how or Numbers()
    notes: list[str] = [] if notices is None else notices
    grid = _ktab_columns([list(row) for row in grid])
    header_row = find_header(grid)
    if header_row is None:
        raise InputError(Problem(source, "header", _no_header(grid)))
    reader = _Reader(grid, header_row, source, how)
    columns = reader.columns
    roles = {c.role for c in columns}
    title, description = _titles(grid[:header_row])
    groups = _value_columns(columns)
    wide_issues = list(dict.fromkeys(issue for (role, issue) in groups if issue is not None))
    long_form = "issue" in roles
    _check_columns(reader, groups, wide_issues, long_form)
    actor_col = next(c for c in columns if c.role == "actor")
    issue_col = next((c for c in columns if c.role == "issue"), None)
    other = {c.role: c for c in columns if c.role in ("description", "side") and not c.issue}
    plain_meta = {c.role: c for c in columns if c.role in _META}
    actors: dict[str, _ActorRows] = {}
    order: list[str] = []  # issues in the order met
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        if not any(c not in (None, "") and str(c).strip() for c in row):
            continue
        actor = reader.text(row, actor_col)
        if actor is None:
            reader.bad(r, actor_col, "missing (every row needs the actor's name)")
            continue
        entry = actors.get(actor)
        if entry is None:
            entry = actors[actor] = _ActorRows(actor, r)
        elif not long_form:
            reader.bad(
                r, actor_col, f"{quote(actor)} is given twice (also row {entry.row + 1}); "
                "one row per actor, or add an issue column for one row per actor and issue",
            )  # fmt: skip
            continue
        for role, col in other.items():
            text = reader.text(row, col)
            if text is not None:
                setattr(entry, role, text)
        defaults = {
            m: t for m, col in plain_meta.items() if (t := reader.text(row, col)) is not None
        }
        cap_cols = groups.get(("capability", None), {})
        before_cap = len(reader.problems)
        cap = _read_value(reader, r, row, cap_cols, defaults)
        if isinstance(cap, _Value):
            if entry.capability is not None and entry.capability.value != cap.value:
                reader.bad(
                    r, cap_cols[""], f"{quote(actor)} has capability {cap.value:g} here and "
                    f"{entry.capability.value:g} in row {entry.capability.row + 1}; give one",
                )  # fmt: skip
            entry.capability = entry.capability or cap
        elif cap is None and entry.capability is None and len(reader.problems) == before_cap:
            reader.bad(r, cap_cols[""], "missing")
        if long_form and issue_col is not None:
            issue = reader.text(row, issue_col)
            if issue is None:
                reader.bad(r, issue_col, "missing (every row names its issue)")
                continue
            targets: list[tuple[str, str | None]] = [(issue, None)]
        elif wide_issues:
            targets = [(i, i) for i in wide_issues]
        else:
            targets = [(options.issue or "issue", None)]
        for issue, key in targets:
            before = len(reader.problems)
            pos = _read_value(reader, r, row, groups.get(("position", key), {}), defaults)
            sal = _read_value(reader, r, row, groups.get(("salience", key), {}), defaults)
            if len(reader.problems) > before:
                continue  # a cell of this issue is wrong: that one line says what
            if pos is None and sal is None:
                if not wide_issues:
                    reader.bad(r, groups[("position", key)][""], "missing")
                continue
            if pos is None or sal is None:
                col = groups[("position" if pos is None else "salience", key)][""]
                if pos != "" and sal != "":
                    reader.bad(r, col, "missing (the other value of this issue is given)")
                continue
            if not (isinstance(pos, _Value) and isinstance(sal, _Value)):
                continue
            if issue in entry.positions:
                again = f"issue {quote(issue)} again for {quote(actor)}"
                reader.bad(r, issue_col or actor_col, again)
                continue
            if not 0 <= sal.value <= SALIENCE_MAX:
                edge = "below 0" if sal.value < 0 else f"above {SALIENCE_MAX:g}"
                reader.bad(r, groups[("salience", key)][""], f"{sal.value:g} is {edge}")
                continue
            entry.positions[issue] = pos
            entry.saliences[issue] = sal
            if issue not in order:
                order.append(issue)
        if entry.capability is not None and entry.capability.value < 0:
            reader.bad(r, cap_cols[""], f"{entry.capability.value:g} is below 0")
    if reader.problems:
        raise InputError(reader.problems)
    if not actors:
        raise InputError(Problem(source, "", "the table has a header but no actor rows"))
    specs = _issue_specs(issues_sheet, source, how) if issues_sheet is not None else {}
    if not long_form and not wide_issues and len(specs) == 1 and options.issue is None:
        # a one-issue table: the issues sheet names its issue
        only = next(iter(specs))
        for entry in actors.values():
            if entry.positions:
                (pos,), (sal,) = entry.positions.values(), entry.saliences.values()
                entry.positions, entry.saliences = {only: pos}, {only: sal}
        order = [only]
    factor = _salience_factor(actors, source, notes)
    labels = {c.issue: c.label or c.issue for c in columns if c.issue}
    issues = _issues(order, actors, specs, options, notes, labels)
    data = _assemble(title or name, description, source, actors, issues, factor, notes)
    _name_sources(data, sources)
    return data


def _no_header(grid: Grid) -> str:
    first = next((row for row in grid if any(c not in (None, "") for c in row)), [])
    found = ", ".join(quote(str(c)) for c in first if c not in (None, "")) or "nothing"
    return (
        "no header row naming an actor and a position column in the first "
        f"{HEADER_SEARCH} rows (found {found}); expected a stakeholder table with columns "
        "actor, capability, position, salience (or <issue> position, <issue> salience per "
        "issue, or an issue column)"
    )


def _titles(rows: Grid) -> tuple[str | None, str | None]:
    """The scenario's name and description from title rows above the header (KTAB's line)."""
    for row in rows:
        cells = [str(c).strip() for c in row if c not in (None, "") and str(c).strip()]
        if cells:
            return cells[0], (cells[1] if len(cells) > 1 else None)
    return None, None


def _check_columns(
    reader: _Reader,
    groups: dict[tuple[str, str | None], dict[str, Column]],
    wide: list[str],
    long_form: bool,
) -> None:
    source = reader.source
    header = ", ".join(quote(h) for h in reader.header_text.values())
    missing = []
    if ("capability", None) not in groups or "" not in groups[("capability", None)]:
        missing.append("capability (or influence, power)")
    if wide and not long_form:
        for issue in wide:
            for role in ("position", "salience"):
                if "" not in groups.get((role, issue), {}):
                    missing.append(f"{issue} {role}")
    else:
        for role in ("position", "salience"):
            if "" not in groups.get((role, None), {}):
                missing.append(role)
    if missing:
        raise InputError(
            Problem(
                source,
                "header",
                f"missing column(s) {', '.join(missing)} (found {header}); add them to the "
                "header row",
            )
        )


def _issue_specs(sheet: Grid, source: str, how: Numbers) -> dict[str, dict[str, Any]]:
    """The issues sheet: issue, label, unit, min, max, status quo, outcome, description."""
    rows = [r for r in sheet if any(c not in (None, "") for c in r)]
    if not rows:
        return {}
    header = [normalise(h) for h in rows[0]]
    problems = []
    out: dict[str, dict[str, Any]] = {}
    names = {"issue", "name", "issue name", "dimension"}
    if not names & set(header):
        raise InputError(Problem(f"{source} (sheet 'issues')", "header", "needs an issue column"))
    for r, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        name = next((str(cells[k]).strip() for k in names if cells.get(k) not in (None, "")), "")
        if not name:
            continue
        spec: dict[str, Any] = {}
        for key in ("label", "unit", "description"):
            if cells.get(key) not in (None, ""):
                spec[key] = str(cells[key]).strip()
        bounds = (("min", ("min", "low", "scale min")), ("max", ("max", "high", "scale max")))
        for key, words in bounds:
            for w in words:
                if cells.get(w) not in (None, ""):
                    value = _number(cells[w], how)
                    if isinstance(value, float):
                        spec[key] = value
                    else:
                        problems.append(
                            Problem(f"{source} (sheet 'issues')", f"row {r}.{w}", "not a number")
                        )
                    break
        named: tuple[tuple[str, tuple[str, ...]], ...] = (
            ("status_quo", ("status quo", "reference point", "reversion")),
            ("outcome", ("outcome",)),
        )
        for key, labels in named:
            for w in labels:
                if cells.get(w) not in (None, ""):
                    value = _number(cells[w], how)
                    if isinstance(value, float):
                        spec[key] = value
                    break
        out[name] = spec
    if problems:
        raise InputError(problems)
    return out


def _salience_factor(actors: dict[str, _ActorRows], source: str, notes: list[str]) -> float:
    """100 when every salience is on 0-1, else 1; mixed scales are refused, naming the rows."""
    values = [(v.value, v.row) for a in actors.values() for v in a.saliences.values()]
    if not values:
        return 1.0
    top = max(v for v, _ in values)
    if top <= 1.0:
        notes.append("salience read on a 0-1 scale (every value is at most 1) and shown as 0-100")
        return SALIENCE_MAX
    fractions = [(v, r) for v, r in values if 0 < v < 1]
    if fractions:
        big = next(r for v, r in values if v == top)
        rows = ", ".join(str(r + 1) for _, r in fractions[:5])
        raise InputError(
            Problem(
                source,
                "salience",
                f"mixed scales: row(s) {rows} look like 0-1 (e.g. {fractions[0][0]:g}) while "
                f"row {big + 1} has {top:g} (0-100); write every salience on one scale",
            )
        )
    return 1.0


def _issues(
    order: list[str],
    actors: dict[str, _ActorRows],
    specs: dict[str, dict[str, Any]],
    options: TableOptions,
    notes: list[str],
    wide: dict[str, str],
) -> list[dict[str, Any]]:
    out = []
    ordered = [s for s in specs if s in order] + [i for i in order if i not in specs]
    for issue in ordered:
        spec = dict(specs.get(issue, {}))
        name = _slug(issue) if issue in wide else issue
        if issue in wide:
            spec.setdefault("label", wide[issue])
        positions = [a.positions[issue] for a in actors.values() if issue in a.positions]
        values = [p.value for p in positions] + [
            b for p in positions for b in (p.low, p.high) if b is not None
        ]
        if "min" in spec or "max" in spec:
            lo, hi = spec.pop("min", min(values)), spec.pop("max", max(values))
        elif options.scale is not None:
            lo, hi = options.scale
        else:
            lo, hi = min(values), max(values)
            if lo >= 0 and hi <= 100:
                lo, hi = 0.0, 100.0
                notes.append(
                    f"issue {name!r}: positions lie within 0-100, which is taken as the scale "
                    "(state another with --scale MIN:MAX or an issues sheet)"
                )
            else:
                if lo == hi:
                    lo, hi = lo - 1.0, hi + 1.0
                notes.append(
                    f"issue {name!r}: the scale is taken as the range of the positions, "
                    f"{lo:g} to {hi:g} (state it with --scale MIN:MAX or an issues sheet)"
                )
        entry: dict[str, Any] = {"name": name, "scale": [lo, hi]}
        if options.unit and "unit" not in spec:
            entry["unit"] = options.unit
        entry.update(spec)
        out.append(entry)
    return out


def _estimate(v: _Value, factor: float = 1.0) -> Any:
    out: dict[str, Any] = {"value": v.value * factor}
    if v.low is not None and v.high is not None:
        out["range"] = [v.low * factor, v.high * factor]
    for key, text in v.meta.items():
        if key == "source":
            ids = [s.strip() for s in text.split(";")]
            out["source"] = ids[0] if len(ids) == 1 else [s for s in ids if s]
        else:
            out[key] = text
    return out if len(out) > 1 else out["value"]


def _assemble(
    name: str,
    description: str | None,
    source: str,
    actors: dict[str, _ActorRows],
    issues: list[dict[str, Any]],
    factor: float,
    notes: list[str],
) -> dict[str, Any]:
    keys = {i.get("label") if i["name"] != i.get("label") else i["name"]: i["name"] for i in issues}
    keys.update({i["name"]: i["name"] for i in issues})
    order = [i["name"] for i in issues]
    rows = []
    for a in actors.values():
        entry: dict[str, Any] = {"name": a.name}
        if a.description:
            entry["description"] = a.description
        if a.side:
            entry["side"] = a.side
        entry["capability"] = _estimate(a.capability) if a.capability else None
        pos = {keys.get(k, k): _estimate(v) for k, v in a.positions.items()}
        sal = {keys.get(k, k): _estimate(v, factor) for k, v in a.saliences.items()}
        entry["position"] = {k: pos[k] for k in order if k in pos}
        entry["salience"] = {k: sal[k] for k in order if k in sal}
        rows.append(entry)
    return {
        "name": name if name else "table",
        "description": description or f"stakeholder table read from {source}",
        "notes": list(notes),
        "issues": issues,
        "actors": rows,
    }


def _estimates(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for actor in data["actors"]:
        for est in (actor["capability"], *actor["position"].values(), *actor["salience"].values()):
            if isinstance(est, dict):
                out.append(est)
    return out


def _name_sources(data: dict[str, Any], known: dict[str, str] | None) -> None:
    """Turn source cells into source ids.

    With a sources sheet the cells hold its ids; without one they are free text, which gets ids
    ``T1``, ``T2``, ... in the order met (the text kept in the scenario's sources).
    """
    if known is not None:
        data["sources"] = dict(known)
        return
    texts: dict[str, str] = {}
    for est in _estimates(data):
        if "source" not in est:
            continue
        cited = est["source"] if isinstance(est["source"], list) else [est["source"]]
        ids = []
        for text in cited:
            key = next((k for k, v in texts.items() if v == text), None)
            if key is None:
                key = f"T{len(texts) + 1}"
                texts[key] = text
            ids.append(key)
        est["source"] = ids[0] if len(ids) == 1 else ids
    if texts:
        data["sources"] = texts
