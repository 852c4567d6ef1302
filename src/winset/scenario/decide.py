"""Reading input files of the decide exchange-model program (``#A``/``#P``/``#M``/``#D`` records).

The public ``decide-exchange-model`` program (Python, GPL-3.0) reads a delimited text file in
which the first cell of every line says what the line holds:

``#A``  an actor: its id, then optionally a full name and a comment;
``#P``  an issue: its id, then optionally a description and a comment;
``#M``  a point of an issue's scale: the issue's id, a value, optionally what the value means
        (the lowest and highest points bound the scale; with none, the scale is 0-100);
``#D``  one actor on one issue: actor id, issue id, position (on the issue's scale), salience
        (0-1) and power (0-1), optionally a comment;
``#O``  the data set's title; ``#/`` a comment.

Cells are separated by tabs (or by semicolons or commas when a file has no tabs) and may be
quoted with ``'``; a decimal comma is read as a point. This module reads such a file into a
:class:`DecideFile` (every number kept as the exact decimal the file gives) and from there into
a winset :class:`~winset.scenario.schema.Scenario`: an actor's power is its capability, a
salience of 0-1 becomes winset's 0-100, and an issue's scale is its lowest and highest ``#M``
points. The rules decide's own readers apply (``decide/data/reader.py`` and
``decide/data/types.py``: saliences and powers on [0, 1], positions within the issue's scale,
actors and issues declared before use) are checked here, and every problem is reported with the
line it is on.

Where winset and decide differ: winset gives an actor one capability, so an actor whose power
differs between issues is refused (decide keeps a power per actor and issue); an actor or issue
that no ``#D`` line mentions is left out with a note (decide keeps it, with no effect); a
second ``#D`` line for the same actor and issue is refused (decide keeps the last one).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import PurePath

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = [
    "DecideFile",
    "DecideIssue",
    "DecideRow",
    "is_decide",
    "parse_decide",
    "read_decide",
]

RECORDS = ("#A", "#P", "#M", "#D", "#O", "#/")
_DEFAULT_SCALE = (Decimal(0), Decimal(100))
# decide's own arithmetic: Python's default decimal context (28 significant digits)
_DECIDE_PRECISION = 28


@dataclass(frozen=True)
class DecideIssue:
    """An issue as the file declares it, with its scale (the ``#M`` points, default 0-100)."""

    name: str
    label: str | None
    low: Decimal
    high: Decimal
    line: int
    anchors: tuple[tuple[Decimal, str], ...] = ()


@dataclass(frozen=True)
class DecideRow:
    """One ``#D`` line: an actor's position, salience (0-1) and power (0-1) on one issue."""

    actor: str
    issue: str
    position: Decimal
    salience: Decimal
    power: Decimal
    line: int


@dataclass(frozen=True)
class DecideFile:
    """A decide input file, read and checked; numbers are the exact decimals the file gives.

    ``actors`` pairs each actor's id with its full name (None when the file gives none or the
    same text), in file order; ``issues`` are in file order; ``rows`` in file order. Actors and
    issues that no row mentions are already left out (``dropped`` says which).
    """

    source: str
    title: str | None
    actors: tuple[tuple[str, str | None], ...]
    issues: tuple[DecideIssue, ...]
    rows: tuple[DecideRow, ...]
    dropped: tuple[str, ...] = ()

    def to_scenario(self) -> Scenario:
        """The winset scenario: power as capability, salience x 100, the #M scale per issue."""
        notes = [
            "read from an input file of the decide exchange-model program (#A/#P/#M/#D "
            "records): an actor's power is its capability, saliences 0-1 are shown as 0-100, "
            "each issue's scale runs from its lowest to its highest #M point (default 0-100)"
        ]
        notes += list(self.dropped)
        actors = []
        for name, full in self.actors:
            rows = [r for r in self.rows if r.actor == name]
            actors.append(
                {
                    "name": name,
                    "description": full,
                    "capability": float(rows[0].power),
                    "position": {r.issue: float(r.position) for r in rows},
                    "salience": {r.issue: float(r.salience * 100) for r in rows},
                }
            )
        data = {
            "name": _name(self.title, self.source),
            "description": self.title,
            "notes": notes,
            "issues": [
                {
                    "name": issue.name,
                    "label": issue.label,
                    "scale": (float(issue.low), float(issue.high)),
                    "anchors": {float(value): text for value, text in issue.anchors},
                }
                for issue in self.issues
            ],
            "actors": actors,
        }
        return build_scenario(data, self.source)

    def decimal_inputs(
        self,
    ) -> tuple[NDArray[np.object_], NDArray[np.object_], NDArray[np.object_], NDArray[np.bool_]]:
        """The values decide computes with, as exact decimals (object arrays, one draw).

        Returns ``(position, salience, capability, present)`` of shapes (1, n, m), (1, n, m),
        (1, n) and (n, m): positions on decide's internal 0-100 scale, normalised as decide
        does, ``(x - low) * (100 / (high - low))`` in 28-digit decimals; saliences and powers
        as the file gives them. Feeding these to
        :func:`winset.models.exchange.exchange_rounds` with ``arithmetic="decimal"``
        reproduces decide's arithmetic digit for digit, also on issues whose scale is not
        0-100 (a winset scenario holds positions as binary floats, which only match decide's
        normalisation exactly on 0-100 scales).
        """
        actors = [a for a, _ in self.actors]
        issues = [i.name for i in self.issues]
        n, m = len(actors), len(issues)
        position = np.full((1, n, m), Decimal(50), dtype=object)
        salience = np.full((1, n, m), Decimal(0), dtype=object)
        capability = np.full((1, n), Decimal(0), dtype=object)
        present = np.zeros((n, m), dtype=bool)
        scale = {i.name: i for i in self.issues}
        with localcontext() as ctx:
            ctx.prec = _DECIDE_PRECISION
            for row in self.rows:
                i, k = actors.index(row.actor), issues.index(row.issue)
                issue = scale[row.issue]
                step = Decimal(100) / (issue.high - issue.low)
                position[0, i, k] = (row.position - issue.low) * step
                salience[0, i, k] = row.salience
                capability[0, i] = row.power
                present[i, k] = True
        return position, salience, capability, present


def _name(title: str | None, source: str) -> str:
    if title:
        slug = re.sub(r"[^a-z0-9]+", "-", title.strip().lower()).strip("-")
        if slug:
            return slug
    return PurePath(source).stem or "decide"


def is_decide(text: str) -> bool:
    """True when the first non-blank line starts with a decide record (``#A``, ``#D``, ...).

    The check the scenario loader can use to send a ``.csv``/``.txt`` file to
    :func:`parse_decide`: a winset table starts with a header row, a KTAB file with a title.
    """
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip():
            return _record(_first_cell(line)) is not None
    return False


def _first_cell(line: str) -> str:
    return re.split(r"[\t;,]", line.strip(), maxsplit=1)[0].strip().strip("'\"").strip()


def _record(cell: str) -> str | None:
    code = cell.strip().strip("'\"").strip().upper()
    return code if code in RECORDS else None


def _delimiter(lines: Sequence[str]) -> str:
    for line in lines:
        if line.strip():
            for candidate in ("\t", ";", ","):
                if candidate in line:
                    return candidate
            break
    return "\t"


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


_Declared = dict[str, tuple[str | None, int]]  # id -> (full name, line)
_Bad = Callable[[int, str], None]


@dataclass
class _Records:
    """A decide file's lines sorted by record: declarations, scale points and #D rows."""

    title: str | None = None
    actors: _Declared = field(default_factory=dict)
    issues: _Declared = field(default_factory=dict)
    points: dict[str, list[tuple[Decimal, int]]] = field(default_factory=dict)
    meanings: dict[str, list[tuple[Decimal, str]]] = field(default_factory=dict)
    data: list[tuple[int, list[str]]] = field(default_factory=list)


def read_decide(text: str, source: str) -> DecideFile:
    """Read and check a decide input file; raise :class:`InputError` naming every bad line.

    Parameters
    ----------
    text
        The file's content.
    source
        The file's name, used in messages and as the scenario's name when the file has no
        ``#O`` title.

    Returns
    -------
    DecideFile
        Actors, issues (with their scales) and ``#D`` rows, in file order.
    """
    problems: list[Problem] = []

    def bad(number: int, message: str) -> None:
        problems.append(Problem(source, f"line {number}", message))

    rec = _records(text.lstrip("\ufeff").splitlines(), bad)
    scales = _scales(rec, bad)
    rows = _rows(rec, scales, bad)
    if problems:
        raise InputError(problems)
    used_actors = {r.actor for r in rows}
    used_issues = {r.issue for r in rows}
    if not rows:
        raise InputError(Problem(source, "", "the file has no #D lines (actor on issue)"))
    dropped = [
        f"actor {a!r} (line {n}) has no #D line and is left out"
        for a, (_, n) in rec.actors.items()
        if a not in used_actors
    ] + [
        f"issue {i!r} (line {n}) has no #D line and is left out"
        for i, (_, n) in rec.issues.items()
        if i not in used_issues
    ]
    return DecideFile(
        source=source,
        title=rec.title,
        actors=tuple((a, full) for a, (full, _) in rec.actors.items() if a in used_actors),
        issues=tuple(
            DecideIssue(name, label, *scales[name], line, tuple(rec.meanings.get(name, ())))
            for name, (label, line) in rec.issues.items()
            if name in used_issues
        ),
        rows=tuple(rows),
        dropped=tuple(dropped),
    )


def _records(lines: list[str], bad: _Bad) -> _Records:
    """Every line by its record code; #D rows are kept for checking once all is declared."""
    delimiter = _delimiter(lines)
    rec = _Records()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = next(csv.reader(io.StringIO(line), delimiter=delimiter, quotechar="'"), [])
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        code = _record(cells[0])
        if code is None:
            bad(
                number,
                f"{cells[0]!r} is not a decide record; every line starts with #A (actor), "
                "#P (issue), #M (scale point), #D (actor on issue), #O (title) or #/ (comment)",
            )
        elif code == "#O":
            rec.title = " ".join(c for c in cells[1:] if c) or rec.title
        elif code in ("#A", "#P"):
            kind = "actor" if code == "#A" else "issue"
            table = rec.actors if code == "#A" else rec.issues
            if len(cells) < 2 or not cells[1]:
                bad(number, f"{code} needs the {kind}'s id in its second cell")
                continue
            ident = cells[1]
            if ident in table:
                bad(number, f"{kind} {ident!r} is declared twice (also line {table[ident][1]})")
                continue
            full = cells[2] if len(cells) > 2 and cells[2] and cells[2] != ident else None
            table[ident] = (full, number)
        elif code == "#M":
            if len(cells) < 3:
                bad(number, "#M needs an issue id and a scale value (#M, issue, value)")
                continue
            value = _decimal(cells[2])
            if value is None:
                bad(number, f"scale value {cells[2]!r} is not a number")
                continue
            rec.points.setdefault(cells[1], []).append((value, number))
            if len(cells) > 3 and " ".join(cells[3:]).strip():
                meaning = " ".join(cells[3:]).strip()
                rec.meanings.setdefault(cells[1], []).append((value, meaning))
        elif code == "#D":
            rec.data.append((number, cells))
    return rec


def _scales(rec: _Records, bad: _Bad) -> dict[str, tuple[Decimal, Decimal]]:
    """Each declared issue's scale: its lowest and highest #M points, or the default."""
    for name, pts in rec.points.items():
        if name not in rec.issues:
            bad(pts[0][1], f"#M names issue {name!r}, which no #P line declares")
    scales: dict[str, tuple[Decimal, Decimal]] = {}
    for name in rec.issues:
        pts = rec.points.get(name, [])
        if not pts:
            scales[name] = _DEFAULT_SCALE
            continue
        low, high = min(v for v, _ in pts), max(v for v, _ in pts)
        if low == high:
            bad(
                pts[0][1],
                f"issue {name!r} has one scale point ({_fmt(low)}); give its lowest and "
                "highest points on two #M lines, or none for the default 0-100",
            )
            continue
        scales[name] = (low, high)
    return scales


def _rows(rec: _Records, scales: dict[str, tuple[Decimal, Decimal]], bad: _Bad) -> list[DecideRow]:
    """The #D rows that pass every check, in file order."""
    rows: list[DecideRow] = []
    seen: dict[tuple[str, str], int] = {}
    power_of: dict[str, tuple[Decimal, int]] = {}
    for number, cells in rec.data:
        checked = _row(number, cells, rec, scales, bad)
        if checked is None:
            continue
        row, ok = checked
        key = (row.actor, row.issue)
        if key in seen:
            bad(
                number,
                f"a second #D line for {row.actor!r} on {row.issue!r} (the first is line "
                f"{seen[key]})",
            )
            continue
        if not ok:
            continue
        seen[key] = number
        if row.actor in power_of and power_of[row.actor][0] != row.power:
            first, at = power_of[row.actor]
            bad(
                number,
                f"power {_fmt(row.power)} of {row.actor!r} differs from {_fmt(first)} on line "
                f"{at}; winset takes one capability per actor, so give the actor the same power "
                "on every issue",
            )
            continue
        power_of.setdefault(row.actor, (row.power, number))
        rows.append(row)
    return rows


def _row(
    number: int,
    cells: list[str],
    rec: _Records,
    scales: dict[str, tuple[Decimal, Decimal]],
    bad: _Bad,
) -> tuple[DecideRow, bool] | None:
    """One #D line checked on its own, and whether its values are in range.

    None when the line cannot be read (an unknown actor or issue, a value that is not a
    number); every problem found is reported through ``bad``.
    """
    if len(cells) < 6:
        bad(
            number,
            f"#D needs actor, issue, position, salience and power; got {len(cells) - 1} value(s)",
        )
        return None
    actor, issue = cells[1], cells[2]
    ok = True
    if actor not in rec.actors:
        bad(number, f"actor {actor!r} is not declared on an #A line")
        ok = False
    if issue not in rec.issues:
        bad(number, f"issue {issue!r} is not declared on a #P line")
        ok = False
    values: list[Decimal] = []
    for label, cell in zip(("position", "salience", "power"), cells[3:6], strict=True):
        value = _decimal(cell)
        if value is None:
            bad(number, f"{label} {cell!r} is not a number")
            ok = False
        else:
            values.append(value)
    if not ok:
        return None
    position, salience, power = values
    if issue in scales:
        low, high = scales[issue]
        where = "its #M points" if issue in rec.points else "the default scale 0-100"
        if position < low:
            bad(
                number,
                f"position {_fmt(position)} of {actor!r} on {issue!r} is below "
                f"{_fmt(low)}, the low end of the issue's scale ({where})",
            )
            ok = False
        elif position > high:
            bad(
                number,
                f"position {_fmt(position)} of {actor!r} on {issue!r} is above "
                f"{_fmt(high)}, the high end of the issue's scale ({where})",
            )
            ok = False
    for label, value in (("salience", salience), ("power", power)):
        if not Decimal(0) <= value <= Decimal(1):
            side = "below 0" if value < 0 else "above 1"
            bad(
                number,
                f"{label} {_fmt(value)} of {actor!r} on {issue!r} is {side}; decide "
                f"reads {label} on a 0-1 scale",
            )
            ok = False
    return DecideRow(actor, issue, position, salience, power, number), ok


def parse_decide(text: str, source: str) -> Scenario:
    """Read a decide input file into a validated winset :class:`Scenario`.

    Parameters
    ----------
    text
        The file's content (tab-separated ``#A``/``#P``/``#M``/``#D`` records, ``'`` quotes).
    source
        The file's name, for messages.

    Returns
    -------
    Scenario
        One actor per ``#A`` line (capability = its power), one issue per ``#P`` line (scale
        = its lowest to highest ``#M`` point, default 0-100), saliences x 100.

    Raises
    ------
    InputError
        One problem per bad line, each naming the line (``decide.csv: line 86: position 160
        of 'Russia' on 'Control' is above 100, ...``).
    """
    return read_decide(text, source).to_scenario()
