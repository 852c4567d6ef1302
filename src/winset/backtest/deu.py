"""Reading DEU-format tables into arrays and scenarios.

DEU is the data set Decision-making in the European Union (Thomson et al. 2006; DEU III:
Arregui & Perarnaud 2021).

One row per controversial issue: the proposal it belongs to, the procedure (COD co-decision,
CNS consultation), the Council's voting rule (QMV, unanimity), the date of introduction, every
actor's position and salience on 0-100, the reference point and the recorded outcome.

Cells: **999** is missing data; an **empty** cell is an actor that was not a member or took no
position. An actor takes part in an issue when it has a position; a salience of 0 beside an
empty position is an absent actor. An actor with a position but a missing salience (empty or
999) is left out of that issue, since no model can weigh it. An issue without a recorded
outcome is skipped (the loader says how many); a missing reference point is kept as missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from winset.errors import InputError, Problem
from winset.models.base import Inputs
from winset.scenario.load import build_scenario
from winset.scenario.schema import Scenario

__all__ = ["ACTORS", "MEMBER_STATES", "DeuData", "read_deu", "read_deu_text"]

MEMBER_STATES = (
    "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it",
    "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)  # fmt: skip
ACTORS = ("com", "ep", *MEMBER_STATES)
MISSING = "999"
REQUIRED = ("prnr", "isnr", "proc", "counvte", "intro", "rp", "out")

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class DeuData:
    """Issues x actors arrays of a DEU table (values on 0-100; NaN where not present)."""

    source: str
    proposal: tuple[str, ...]  # (N,)
    issue: tuple[str, ...]
    procedure: tuple[str, ...]  # COD / CNS
    voting: tuple[str, ...]  # QMV / UNA
    introduced: tuple[dt.date, ...]
    position: FloatArray  # (N, A)
    salience: FloatArray  # (N, A)
    present: NDArray[np.bool_]  # (N, A)
    reference: FloatArray  # (N,), NaN where missing
    outcome: FloatArray  # (N,)
    skipped: tuple[str, ...] = ()
    digest: str = ""  # SHA-256 of the file's text

    @property
    def n(self) -> int:
        """The number of issues."""
        return len(self.issue)

    def proposals(self) -> tuple[NDArray[np.intp], tuple[str, ...]]:
        """Each issue's proposal as an index, and the proposal ids in order of appearance."""
        ids = tuple(dict.fromkeys(self.proposal))
        lookup = {p: i for i, p in enumerate(ids)}
        return np.array([lookup[p] for p in self.proposal], dtype=np.intp), ids

    def subset(self, rows: NDArray[np.intp] | NDArray[np.bool_]) -> DeuData:
        """The issues at ``rows`` (indices or a mask)."""
        idx = np.arange(self.n)[rows]
        return DeuData(
            source=self.source,
            proposal=tuple(self.proposal[i] for i in idx),
            issue=tuple(self.issue[i] for i in idx),
            procedure=tuple(self.procedure[i] for i in idx),
            voting=tuple(self.voting[i] for i in idx),
            introduced=tuple(self.introduced[i] for i in idx),
            position=self.position[idx],
            salience=self.salience[idx],
            present=self.present[idx],
            reference=self.reference[idx],
            outcome=self.outcome[idx],
            digest=self.digest,
        )

    def inputs(self, weights: FloatArray | None = None) -> Inputs:
        """Every issue as one issue of a single batch: actors (A) x issues (N), on [0, 1].

        Capabilities are equal; ``weights`` (N, A), if given, multiply the saliences issue by
        issue (scaled so that the largest product on an issue is 1). The reference point is the
        status quo where it is recorded.
        """
        salience = np.nan_to_num(self.salience / 100.0)
        if weights is not None:
            salience = salience * weights
            top = salience.max(axis=1, keepdims=True)
            salience = np.divide(salience, top, out=np.zeros_like(salience), where=top > 0)
        has_rp = ~np.isnan(self.reference)
        return Inputs(
            capability=np.ones((1, len(ACTORS))),
            position=np.nan_to_num(self.position.T / 100.0)[None],
            salience=salience.T[None],
            present=self.present.T.copy(),
            status_quo=np.where(has_rp, self.reference, 0.0)[None] / 100.0,
            has_status_quo=has_rp,
        )

    def scenario(self, i: int) -> Scenario:
        """Issue ``i`` as a one-issue scenario (actors: the Commission, the EP, member states)."""
        actors = [
            {
                "name": a,
                "capability": 1,
                "position": {"outcome": float(self.position[i, k])},
                "salience": {"outcome": float(self.salience[i, k])},
            }
            for k, a in enumerate(ACTORS)
            if self.present[i, k]
        ]
        issue = {"name": "outcome", "scale": [0, 100], "outcome": float(self.outcome[i])}
        if not np.isnan(self.reference[i]):
            issue["status_quo"] = float(self.reference[i])
        data = {
            "name": self.issue[i],
            "description": (
                f"DEU issue {self.issue[i]} of proposal {self.proposal[i]} "
                f"({self.procedure[i]}, {self.voting[i]}, introduced {self.introduced[i]})"
            ),
            "issues": [issue],
            "actors": actors,
        }
        return build_scenario(data, self.source)


def _number(cell: str, where: tuple[int, str], source: str, problems: list[Problem]) -> float:
    """A 0-100 value; NaN for an empty or missing (999) cell."""
    text = cell.strip()
    if text in ("", MISSING):
        return float("nan")
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(source, f"row {where[0]}.{where[1]}", f"{text!r} is not a number"))
        return float("nan")
    if not 0.0 <= value <= 100.0:
        problems.append(Problem(source, f"row {where[0]}.{where[1]}", f"{text} is not on 0-100"))
        return float("nan")
    return value


def _date(cell: str, where: tuple[int, str], source: str, problems: list[Problem]) -> dt.date:
    """A date written dd-mm-yy or dd-mm-yyyy.

    A year-first 19AB-MM-CD or 20AB-MM-CD is a dd-mm-yy cell that a spreadsheet read as
    yy-mm-dd: ``2014-07-04`` was 14-07-04 (14 July 2004), ``1930-05-05`` was 30-05-05 (30 May
    2005). It is read back as such.
    """
    text = cell.strip()
    for fmt in ("%d-%m-%y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    parts = text.split("-")
    if len(parts) == 3 and len(parts[0]) == 4 and parts[0][:2] in ("19", "20"):
        try:
            return dt.datetime.strptime(f"{parts[0][2:]}-{parts[1]}-{parts[2]}", "%d-%m-%y").date()
        except ValueError:
            pass
    problems.append(
        Problem(source, f"row {where[0]}.{where[1]}", f"{cell!r} is not a date dd-mm-yy")
    )
    return dt.date(2000, 1, 1)


def _voting(cell: str) -> str | None:
    text = cell.strip().upper()
    if text.startswith("QMV"):
        return "QMV"
    if text.startswith("UN"):
        return "UNA"
    return None


def read_deu_text(text: str, source: str) -> DeuData:
    """Parse a DEU table; :class:`InputError` lists every malformed cell by row and column."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(Problem(source, "", f"cannot be read as a table ({exc})")) from None
    header = [h.strip() for h in table[0]] if table else []
    # every file has the Commission and the Parliament; member states' columns may be absent
    # (files of the EU-15 years have none for later members): such a state took no part
    needed = (*REQUIRED, "pcom", "scom", "pep", "sep")
    missing = [c for c in needed if c not in header]
    missing += [
        f"{'s' if f'p{a}' in header else 'p'}{a}"
        for a in MEMBER_STATES
        if (f"p{a}" in header) != (f"s{a}" in header)
    ]
    if missing:
        raise InputError(
            Problem(
                source,
                "header",
                f"missing column(s): {', '.join(missing)} (each actor needs p<actor> and "
                "s<actor>; see data/deu3/README.md)",
            )
        )
    problems: list[Problem] = []
    rows: list[dict[str, object]] = []
    skipped: list[str] = []
    seen: dict[str, int] = {}
    for r, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(source, f"row {r}", "the number of cells differs from the header")
            )
            continue
        row = dict(zip(header, cells, strict=True))
        outcome = _number(row["out"], (r, "out"), source, problems)
        isnr = row["isnr"].strip()
        if not isnr:
            problems.append(Problem(source, f"row {r}.isnr", "empty issue id"))
            continue
        if isnr in seen:
            problems.append(
                Problem(source, f"row {r}.isnr", f"issue {isnr!r} again (also row {seen[isnr]})")
            )
            continue
        seen[isnr] = r
        if np.isnan(outcome):
            skipped.append(isnr)
            continue
        proc = row["proc"].strip().upper()
        if proc not in ("COD", "CNS"):
            problems.append(Problem(source, f"row {r}.proc", f"{row['proc']!r} is not COD or CNS"))
        voting = _voting(row["counvte"])
        if voting is None:
            problems.append(
                Problem(source, f"row {r}.counvte", f"{row['counvte']!r} is not QMV or unanimity")
            )
        pos = np.array(
            [_number(row.get(f"p{a}") or "", (r, f"p{a}"), source, problems) for a in ACTORS]
        )
        sal = np.array(
            [_number(row.get(f"s{a}") or "", (r, f"s{a}"), source, problems) for a in ACTORS]
        )
        if not np.any(~np.isnan(pos) & ~np.isnan(sal)):
            problems.append(
                Problem(source, f"row {r}", "no actor takes a position (with a salience) on it")
            )
        rows.append(
            {
                "proposal": row["prnr"].strip(),
                "issue": isnr,
                "procedure": proc,
                "voting": voting or "QMV",
                "introduced": _date(row["intro"], (r, "intro"), source, problems),
                "position": pos,
                "salience": sal,
                "reference": _number(row["rp"], (r, "rp"), source, problems),
                "outcome": outcome,
            }
        )
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(Problem(source, "", "no issue with a recorded outcome"))
    position = np.array([row["position"] for row in rows])
    salience = np.array([row["salience"] for row in rows])
    present = ~np.isnan(position) & ~np.isnan(salience)
    return DeuData(
        source=source,
        proposal=tuple(str(row["proposal"]) for row in rows),
        issue=tuple(str(row["issue"]) for row in rows),
        procedure=tuple(str(row["procedure"]) for row in rows),
        voting=tuple(str(row["voting"]) for row in rows),
        introduced=tuple(row["introduced"] for row in rows),  # type: ignore[misc]
        position=np.where(present, position, np.nan),
        salience=np.where(present, salience, np.nan),
        present=present,
        reference=np.array([row["reference"] for row in rows], dtype=float),
        outcome=np.array([row["outcome"] for row in rows], dtype=float),
        skipped=tuple(skipped),
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


def read_deu(path: str | Path) -> DeuData:
    """Read a DEU-format CSV file."""
    from winset.scenario.sheets import read_bytes, read_text

    path = Path(path)
    notices: list[str] = []
    text = read_text(read_bytes(path), str(path), notices)
    return read_deu_text(text, str(path))
